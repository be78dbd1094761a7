// fit(model, data, { trainStep }): a user's step replaces forward/loss/backward/update, and the
// rest of fit (metrics, callbacks, the NaN guard, progress, checkpoints and resume) keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { SGD, Adam } from '../../src/optim/index.js';

function blobs(n: number): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(100);
  const x = bp.randn([n, 2], { std: 0.4 });
  const y = bp.tensor(Array.from({ length: n }, (_, i) => i % 2));
  for (let i = 0; i < n; i++) x.data[2 * i + 1] += i % 2 ? 1 : -1;
  return { x, y };
}

const weightsOf = (m: bp.Module) => m.parameters().map((p) => Array.from(p.data));

test('a step that calls the exported trainStep gives exactly the built-in run; ctx carries model, optimizer, loss and position', () => {
  const data = blobs(24);
  const base = { loss: 'crossEntropy' as const, epochs: 3, batchSize: 5, metrics: ['accuracy' as const], l2: 0.01, clipGradNorm: 1, progress: 'none' as const };
  bp.manualSeed(1);
  const a = bp.mlp([2, 4, 2], { dropout: 0.2 });
  const ha = bp.fit(a, data, { ...base, optimizer: new Adam(a.parameters(), { lr: 0.02 }) });
  bp.manualSeed(1);
  const b = bp.mlp([2, 4, 2], { dropout: 0.2 });
  const optimizer = new Adam(b.parameters(), { lr: 0.02 });
  const seen: string[] = [];
  const hb = bp.fit(b, data, {
    ...base, optimizer,
    trainStep: (batch, ctx) => {
      assert.equal(ctx.model, b);
      assert.equal(ctx.optimizer, optimizer);
      assert.equal(ctx.lossName, 'crossEntropy');
      assert.equal(ctx.params.length, 4);
      assert.equal(ctx.weights.length, 2, 'l2 applies to the two weight matrices, not the biases');
      seen.push(`${ctx.position.epoch}:${ctx.position.batch}`);
      return bp.trainStep(ctx.model, batch, ctx);
    },
  });
  assert.deepEqual(hb, ha);
  assert.deepEqual(weightsOf(b), weightsOf(a));
  assert.deepEqual(seen.slice(0, 6), ['0:0', '0:1', '0:2', '0:3', '0:4', '1:0'], '5 batches per epoch (24 rows in batches of 5)');
});

test('metrics need the output a step puts in ctx.output; callbacks see the loss the step returns', () => {
  const data = blobs(16);
  bp.manualSeed(2);
  const m = bp.mlp([2, 2]);
  const opt = new SGD(m.parameters(), { lr: 0.5 });
  const losses: number[] = [];
  const step = (setOutput: boolean) => (batch: bp.XY, ctx: bp.TrainContext<bp.Module>) => {
    const out = ctx.model.call(batch.x);
    if (setOutput) ctx.output = out;
    const loss = bp.crossEntropy(out, batch.y);
    ctx.optimizer.zeroGrad();
    loss.backward();
    ctx.optimizer.step();
    return 0.25; // a value the callbacks must see as is
  };
  const h = bp.fit(m, data, {
    optimizer: opt, epochs: 2, batchSize: 4, metrics: ['accuracy'], progress: 'none', trainStep: step(true),
    callbacks: [{ onBatchEnd: (_s, logs) => void losses.push(logs.loss) }],
  });
  assert.deepEqual(losses, new Array(8).fill(0.25));
  assert.deepEqual(h.epochs.map((e) => e.loss), [0.25, 0.25], 'the epoch loss is the mean of the returned values');
  // Accuracy comes from the outputs the step handed over: on separable blobs with lr 0.5 it is high by epoch 2.
  assert.ok(h.epochs[1].accuracy > 0.8, `accuracy ${h.epochs[1].accuracy}`);
  assert.throws(
    () => bp.fit(m, data, { optimizer: opt, epochs: 1, batchSize: 4, metrics: ['accuracy'], progress: 'none', trainStep: step(false) }),
    (e: unknown) => e instanceof bp.ConfigError && /must set ctx.output/.test((e as Error).message),
  );
  assert.throws(
    () => bp.fit(m, data, { optimizer: opt, epochs: 1, progress: 'none', trainStep: () => 'low' as never }),
    (e: unknown) => e instanceof bp.ConfigError && /trainStep must return the batch's loss as a number, got string/.test((e as Error).message),
  );
});

test('a custom step that returns NaN is caught by the NaN guard, which puts back the last good weights', () => {
  const data = blobs(16);
  bp.manualSeed(3);
  const m = bp.mlp([2, 2]);
  const before = weightsOf(m);
  let calls = 0;
  const h = bp.fit(m, data, {
    loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 3, batchSize: 4, progress: 'none',
    trainStep: (batch, ctx) => {
      const out = bp.trainStep(ctx.model, batch, ctx); // NaN from step 4 on
      if (++calls === 3) ctx.params[0].data.fill(NaN); // an update that broke the weights
      return out;
    },
  });
  assert.equal(h.stopReason, 'nonFinite');
  assert.equal(h.steps, 3);
  assert.match(h.message, /loss became NaN at step 4/);
  assert.deepEqual(weightsOf(m), before, 'the first snapshot a finite loss confirmed: the starting weights (every = 25)');
});

test('checkpoints and resume work with a custom step: 2 epochs + resume + 2 equal 4 straight, exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-custom-step-'));
  try {
    const data = blobs(20);
    // A step with its own twist: Gaussian noise on the inputs (drawn from the seeded generator).
    const noisy = (batch: bp.XY, ctx: bp.TrainContext<bp.Module>) => bp.trainStep(ctx.model, { x: bp.add(batch.x, bp.randn(batch.x.shape, { std: 0.1 })), y: batch.y }, ctx);
    const make = () => {
      const m = bp.mlp([2, 4, 2]);
      return { m, opt: new Adam(m.parameters(), { lr: 0.01 }) };
    };
    const base = { loss: 'crossEntropy' as const, batchSize: 6, progress: 'none' as const, trainStep: noisy };
    bp.manualSeed(9);
    const a = make();
    const ha = bp.fit(a.m, data, { ...base, optimizer: a.opt, epochs: 4 });
    bp.manualSeed(9);
    const b = make();
    const path = join(dir, 'ck.safetensors');
    bp.fit(b.m, data, { ...base, optimizer: b.opt, epochs: 2, checkpoint: { path } });
    assert.ok(existsSync(path));
    bp.manualSeed(777);
    const c = make();
    const hc = bp.fit(c.m, data, { ...base, optimizer: c.opt, epochs: 4, resumeFrom: path });
    assert.deepEqual(hc.epochs.map((e) => e.loss), ha.epochs.map((e) => e.loss));
    assert.deepEqual(weightsOf(c.m), weightsOf(a.m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('early stopping and a callback stop work with a custom step', () => {
  const data = blobs(16);
  bp.manualSeed(4);
  const m = bp.mlp([2, 2]);
  const h = bp.fit(m, data, {
    loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0 }), epochs: 50, batchSize: 8, shuffle: false, progress: 'none',
    earlyStopping: { monitor: 'loss', patience: 2 },
    trainStep: (batch, ctx) => bp.trainStep(ctx.model, batch, ctx),
  });
  // lr 0 and a fixed order: every epoch's loss equals the first's, so patience 2 stops after epoch 3.
  assert.equal(h.stopReason, 'earlyStopping');
  assert.equal(h.epochs.length, 3);
  const h2 = bp.fit(m, data, {
    loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 50, batchSize: 8, progress: 'none',
    callbacks: [{ onBatchEnd: (_step, _logs, ctx) => ctx.history.steps >= 3 ? ctx.stop('custom', 'enough') : undefined }],
    trainStep: (batch, ctx) => bp.trainStep(ctx.model, batch, ctx),
  });
  assert.equal(h2.stopReason, 'custom');
  assert.equal(h2.message, 'enough');
  assert.equal(h2.steps, 3);
  assert.equal(h2.epochs.at(-1)!.partial, 1, 'stopped inside epoch 2: a partial entry');
});
