// The fit loop: batch modes, stopping rules, NaN guard, early stopping, callbacks, progress lines, checkpoints and exact resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { SGD, Adam } from '../../src/optim/index.js';

function blobs(n: number): { x: bp.Tensor; y: bp.Tensor } {
  // two separable clusters around (−1,−1) and (1,1)
  bp.manualSeed(100);
  const x = bp.randn([n, 2], { std: 0.3 });
  const y = bp.zeros([n]);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y.data[i] = c;
    x.data[2 * i] += c ? 1 : -1;
    x.data[2 * i + 1] += c ? 1 : -1;
  }
  return { x, y };
}

test('full batch = one step per epoch; SGD = N steps; mini-batch = ⌈N/m⌉ steps (dropLast drops the remainder)', () => {
  const data = blobs(50);
  const run = (batchSize: number | 'full', dropLast = false) => {
    bp.manualSeed(1);
    const m = bp.mlp([2, 2]);
    return bp.fit(m, data, { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 2, batchSize, dropLast, progress: 'none' }).steps;
  };
  assert.equal(run('full'), 2);
  assert.equal(run(1), 100);
  assert.equal(run(16), 8);
  assert.equal(run(16, true), 6);
});

test('samples are reshuffled each epoch from the seed: same seed, same result; mini-batch reaches full accuracy', () => {
  const data = blobs(64);
  const train = () => {
    bp.manualSeed(5);
    const m = bp.mlp([2, 4, 2]);
    const h = bp.fit(m, data, { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.2 }), epochs: 5, batchSize: 8, metrics: ['accuracy'], progress: 'none' });
    return { h, w: Array.from(m.parameters()[0].data) };
  };
  const a = train();
  const b = train();
  assert.deepEqual(a.w, b.w);
  assert.equal(a.h.epochs.at(-1)!.accuracy, 1);
  assert.deepEqual(Object.keys(a.h.epochs[0]), ['epoch', 'loss', 'accuracy', 'lr']);

  // The order in which the model sees the samples: a model that records the rows it is given.
  const rowOf = new Map<string, number>();
  for (let i = 0; i < 64; i++) rowOf.set(`${data.x.data[2 * i]},${data.x.data[2 * i + 1]}`, i);
  class Recorder extends bp.Module {
    net = bp.mlp([2, 4, 2]);
    seen: number[] = [];
    override forward(x: bp.Tensor): bp.Tensor {
      if (this.training) for (let r = 0; r < x.shape[0]; r++) this.seen.push(rowOf.get(`${x.data[2 * r]},${x.data[2 * r + 1]}`) ?? -1);
      return this.net.forward(x);
    }
  }
  const orders = (seed: number): number[][] => {
    bp.manualSeed(seed);
    const rec = new Recorder();
    bp.fit(rec, data, { loss: 'crossEntropy', optimizer: new SGD(rec.parameters(), { lr: 0.2 }), epochs: 3, batchSize: 8, progress: 'none' });
    assert.equal(rec.seen.length, 3 * 64, 'every sample once per epoch');
    return [0, 1, 2].map((e) => rec.seen.slice(64 * e, 64 * (e + 1)));
  };
  const identity = Array.from({ length: 64 }, (_, i) => i);
  const first = orders(5);
  for (const o of first) assert.deepEqual([...o].sort((p, q) => p - q), identity, 'each epoch is a permutation of the samples');
  assert.notDeepEqual(first[0], identity, 'shuffled');
  assert.notDeepEqual(first[1], first[0], 'reshuffled in epoch 2');
  assert.notDeepEqual(first[2], first[1], 'reshuffled in epoch 3');
  assert.deepEqual(orders(5), first, 'the same seed gives the same orders');
  assert.notDeepEqual(orders(6)[0], first[0], 'another seed gives another order');
});

test('stopping on |ΔLoss| < ε and on ‖∇‖ < ε', () => {
  const data = blobs(40);
  bp.manualSeed(2);
  let m = bp.mlp([2, 2]);
  let h = bp.fit(m, data, { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.5 }), epochs: 10_000, batchSize: 'full', stop: { lossDelta: 1e-5 }, progress: 'none' });
  assert.equal(h.stopReason, 'lossDelta');
  const e = h.epochs;
  assert.ok(Math.abs(e.at(-1)!.loss - e.at(-2)!.loss) < 1e-5 && e.length < 10_000);
  bp.manualSeed(2);
  m = bp.mlp([2, 1]);
  const x = bp.tensor([[1], [2], [3]].map((r) => [r[0], 1]));
  const y = bp.tensor([[2], [4], [6]]);
  h = bp.fit(m, { x, y }, { loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 0.05 }), epochs: 100_000, batchSize: 'full', stop: { gradNorm: 1e-4 }, progress: 'none' });
  assert.equal(h.stopReason, 'gradNorm');
  assert.ok(h.epochs.at(-1)!.gradNorm < 1e-4);
  const pred = bp.predict(m, x).data;
  assert.ok(Math.abs(pred[2] - 6) < 1e-2);
});

test('a step budget stops training', () => {
  const data = blobs(40);
  const m = bp.mlp([2, 2]);
  const h = bp.fit(m, data, { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 100, batchSize: 4, maxSteps: 25, progress: 'none' });
  assert.equal(h.steps, 25);
  assert.equal(h.stopReason, 'maxSteps');
});

test('a loss that becomes NaN/Inf stops training, names the step, and keeps the last good weights', () => {
  bp.manualSeed(3);
  const x = bp.randn([16, 3]);
  const y = bp.randn([16, 1]);
  const m = bp.mlp([3, 8, 1]);
  const weights = (): number[][] => m.parameters().map((p) => Array.from(p.data));
  // snapshots[0] = the initial weights, snapshots[k] = the weights after update k.
  const snapshots: number[][][] = [weights()];
  const losses: number[] = [];
  const h = bp.fit(m, { x, y }, {
    loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 50 }), epochs: 100, batchSize: 'full', progress: 'none',
    callbacks: [{ onBatchEnd: (_step, logs) => { snapshots.push(weights()); losses.push(logs.loss); } }],
  });
  assert.equal(h.stopReason, 'nonFinite');
  // From seed 3 with lr 50 the loss is finite for 3 full-batch steps and infinite at the 4th.
  assert.equal(h.steps, 3);
  assert.equal(snapshots.length, h.steps + 1, 'one snapshot per finished step (plus the initial weights)');
  assert.ok(losses.every(Number.isFinite));
  assert.match(h.message, /loss became (NaN|Infinity) at step 4 \(epoch 4, batch 1\)/);
  const w = weights();
  assert.ok(w.every((p) => p.every(Number.isFinite)), 'weights are finite');
  // The weights after step 3 give the non-finite loss; the last weights that gave a finite loss
  // (at step 3) are those before its update, i.e. after step 2.
  assert.deepEqual(w, snapshots[h.steps - 1]);
  assert.notDeepEqual(w, snapshots[h.steps], 'the weights that overflowed are not kept');
  const out = bp.evaluate(m, { x, y }, { loss: 'mse' }).loss;
  assert.ok(Number.isFinite(out));
  assert.ok(Math.abs(out - losses[h.steps - 1]) <= 1e-6 * losses[h.steps - 1], `the kept weights give the loss logged at step 3: ${out} vs ${losses[h.steps - 1]}`);
});

test('early stopping on a validation metric restores the best weights', () => {
  bp.manualSeed(4);
  // Noisy labels on few samples: the validation loss rises once the model overfits.
  const x = bp.randn([20, 5]);
  const y = bp.tensor(Array.from({ length: 20 }, (_, i) => i % 2));
  const vx = bp.randn([200, 5]);
  const vy = bp.tensor(Array.from({ length: 200 }, (_, i) => i % 2));
  const m = bp.mlp([5, 64, 2]);
  const h = bp.fit(m, { x, y }, {
    loss: 'crossEntropy', optimizer: new Adam(m.parameters(), { lr: 0.01 }), epochs: 500, batchSize: 'full',
    validationData: { x: vx, y: vy }, metrics: ['accuracy'], earlyStopping: { patience: 5 }, progress: 'none',
  });
  assert.equal(h.stopReason, 'earlyStopping');
  const best = Math.min(...h.epochs.map((e) => e.valLoss));
  const now = bp.evaluate(m, { x: vx, y: vy }, { loss: 'crossEntropy' }).loss;
  assert.ok(Math.abs(now - best) < 1e-5, `restored valLoss ${now} vs best ${best}`);
  assert.ok('valAccuracy' in h.epochs[0]);
});

test('callbacks see every epoch and can stop training', () => {
  const data = blobs(20);
  const m = bp.mlp([2, 2]);
  const seen: number[] = [];
  const h = bp.fit(m, data, {
    loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 10, progress: 'none',
    callbacks: [{ onEpochEnd: (e) => { seen.push(e); return e < 2; } }],
  });
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(h.stopReason, 'callback');
  assert.equal(h.epochs.length, 3);
});

test('fit refuses bad input with clear errors', () => {
  const m = bp.mlp([2, 2]);
  const opt = new SGD(m.parameters(), { lr: 0.1 });
  assert.throws(() => bp.fit(m, { x: bp.zeros([4, 2]), y: bp.zeros([3]) }, { optimizer: opt }), /x of shape \[4, 2\] and y of shape \[3\] must have the same number of samples/);
  assert.throws(() => bp.fit(m, { x: bp.zeros([4, 2]), y: bp.zeros([4]) }, { optimizer: opt, batchSize: 0 }), /batchSize must be a whole number ≥ 1 or 'full'/);
  assert.throws(() => bp.fit(m, { x: bp.zeros([4, 2]), y: bp.zeros([4]) }, { optimizer: opt, loss: 'hinge' as never }), /unknown loss 'hinge'/);
  assert.throws(() => bp.fit(m, { x: bp.zeros([4, 2]), y: bp.zeros([4]) }, {} as never), /optimizer is required/);
});

test('resume: 4 epochs straight equals 2 epochs + checkpoint + resume + 2 more, exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-resume-'));
  try {
    const data = blobs(48);
    const make = () => {
      const m = bp.mlp([2, 6, 2], { dropout: 0.2 });
      const opt = new Adam(m.parameters(), { lr: 0.01 });
      return { m, opt };
    };
    bp.manualSeed(9);
    const a = make();
    const ha = bp.fit(a.m, data, { loss: 'crossEntropy', optimizer: a.opt, epochs: 4, batchSize: 8, progress: 'none' });

    bp.manualSeed(9);
    const b = make();
    const path = join(dir, 'ck.safetensors');
    bp.fit(b.m, data, { loss: 'crossEntropy', optimizer: b.opt, epochs: 2, batchSize: 8, progress: 'none', checkpoint: { path } });
    assert.ok(existsSync(path));
    bp.manualSeed(12345); // a different RNG state: resume must restore the saved one
    const c = make();
    const hc = bp.fit(c.m, data, { loss: 'crossEntropy', optimizer: c.opt, epochs: 4, batchSize: 8, progress: 'none', resumeFrom: path });
    assert.deepEqual(
      c.m.parameters().map((p) => Array.from(p.data)),
      a.m.parameters().map((p) => Array.from(p.data)),
    );
    assert.equal(hc.epochs.length, 4);
    assert.deepEqual(hc.epochs.map((e) => e.loss), ha.epochs.map((e) => e.loss));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fit takes a DataLoader as well as {x, y} tensors', () => {
  const data = blobs(40);
  bp.manualSeed(6);
  const m = bp.mlp([2, 4, 2]);
  const loader = new bp.DataLoader(new bp.TensorDataset(data.x, data.y), { batchSize: 8, shuffle: true });
  const h = bp.fit(m, loader, { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.3 }), epochs: 10, metrics: ['accuracy'], progress: 'none' });
  assert.equal(h.steps, 50);
  assert.equal(h.epochs.at(-1)!.accuracy, 1);
});

test('resume mid-epoch with a DataLoader (and dropout) equals the uninterrupted run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-resume-loader-'));
  try {
    const data = blobs(40);
    const make = () => {
      const m = bp.mlp([2, 8, 2], { dropout: 0.3 });
      return { m, opt: new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }) };
    };
    const loader = () => new bp.DataLoader(new bp.TensorDataset(data.x, data.y), { batchSize: 8, shuffle: true });
    const base = { loss: 'crossEntropy' as const, progress: 'none' as const, epochs: 3 };
    bp.manualSeed(21);
    const a = make();
    const ha = bp.fit(a.m, loader(), { ...base, optimizer: a.opt });
    bp.manualSeed(21);
    const b = make();
    const path = join(dir, 'ck.safetensors');
    bp.fit(b.m, loader(), { ...base, optimizer: b.opt, maxSteps: 7, checkpoint: { path } }); // stops in epoch 2, batch 2
    bp.manualSeed(999);
    const c = make();
    const hc = bp.fit(c.m, loader(), { ...base, optimizer: c.opt, resumeFrom: path });
    assert.equal(hc.steps, 15);
    assert.deepEqual(hc.epochs.map((e) => e.loss), ha.epochs.map((e) => e.loss));
    assert.deepEqual(c.m.parameters().map((p) => Array.from(p.data)), a.m.parameters().map((p) => Array.from(p.data)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
