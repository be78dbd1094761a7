// Regression tests for defects found in review of the fit loop, data, io, optim, models and CLI.
// Each test states the correct behaviour; it failed before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { cli, tempFolder } from '../cli/harness.js';

const dir = tempFolder('bp-train-review-');


function weightsOf(m: bp.Module): number[][] {
  return m.parameters().map((p) => Array.from(p.data));
}

/** Two overlapping clusters, x [n, 2], labels 0/1 alternating. */
function blobs(n: number, seed: number): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(seed);
  const x = bp.randn([n, 2], { std: 1.5 });
  const y = bp.zeros([n]);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y.data[i] = c;
    x.data[2 * i] += c ? 0.5 : -0.5;
  }
  return { x, y };
}

function writeConfig(name: string, cfg: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

// ------------------------------------------------------------------ fit loop

test('resume with earlyStopping: the patience count and best weights survive the checkpoint', () => {
  const data = blobs(40, 100);
  const make = () => {
    const m = bp.mlp([2, 32, 2]);
    const opt = new bp.SGD(m.parameters(), { lr: 0.3, momentum: 0.9 });
    return { m, opt, sched: new bp.StepLR(opt, { stepSize: 2, gamma: 0.5 }) };
  };
  const common = { loss: 'crossEntropy' as const, batchSize: 8, progress: 'none' as const, validationData: data, earlyStopping: { patience: 3 } };

  bp.manualSeed(9);
  const a = make();
  const ha = bp.fit(a.m, data, { ...common, optimizer: a.opt, scheduler: a.sched, epochs: 60 });
  assert.equal(ha.stopReason, 'earlyStopping');

  // The same run, interrupted after epoch 3 (best epoch 2, one epoch of patience used), then resumed.
  bp.manualSeed(9);
  const b = make();
  const path = join(dir, 'es.ckpt.safetensors');
  bp.fit(b.m, data, { ...common, optimizer: b.opt, scheduler: b.sched, epochs: 3, checkpoint: { path } });
  bp.manualSeed(1);
  const c = make();
  const hc = bp.fit(c.m, data, { ...common, optimizer: c.opt, scheduler: c.sched, epochs: 60, resumeFrom: path });

  assert.equal(hc.stopReason, ha.stopReason);
  assert.equal(hc.epochs.length, ha.epochs.length, `uninterrupted: ${ha.message}; resumed: ${hc.message}`);
  assert.deepEqual(weightsOf(c.m), weightsOf(a.m));
});

test('resume after a maxSteps stop in mid-epoch finishes that epoch, equal to an uninterrupted run', () => {
  bp.manualSeed(100);
  const x = bp.randn([40, 2]);
  const y = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 2));
  const make = () => {
    const m = bp.mlp([2, 8, 2]);
    return { m, opt: new bp.SGD(m.parameters(), { lr: 0.1 }) };
  };
  const base = { loss: 'crossEntropy' as const, batchSize: 8, progress: 'none' as const }; // 5 steps per epoch

  bp.manualSeed(3);
  const a = make();
  const ha = bp.fit(a.m, { x, y }, { ...base, optimizer: a.opt, epochs: 4 });

  bp.manualSeed(3);
  const b = make();
  const path = join(dir, 'maxsteps.ckpt.safetensors');
  const hb = bp.fit(b.m, { x, y }, { ...base, optimizer: b.opt, epochs: 4, maxSteps: 7, checkpoint: { path } });
  assert.equal(hb.stopReason, 'maxSteps');
  bp.manualSeed(5);
  const c = make();
  const hc = bp.fit(c.m, { x, y }, { ...base, optimizer: c.opt, epochs: 4, resumeFrom: path });

  assert.equal(hc.steps, ha.steps, 'the 3 remaining steps of epoch 2 are skipped on resume');
  assert.equal(hc.epochs.length, ha.epochs.length);
  assert.deepEqual(weightsOf(c.m), weightsOf(a.m));
});

test('maxSteps is a budget: no step is taken once it is spent (maxSteps 0, or a resumed run at its budget)', () => {
  bp.manualSeed(100);
  const x = bp.randn([40, 2]);
  const y = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 2));
  const base = { loss: 'crossEntropy' as const, batchSize: 8, progress: 'none' as const };

  bp.manualSeed(3);
  const m0 = bp.mlp([2, 2]);
  const before = weightsOf(m0);
  const h0 = bp.fit(m0, { x, y }, { ...base, optimizer: new bp.SGD(m0.parameters(), { lr: 0.1 }), epochs: 3, maxSteps: 0 });
  assert.equal(h0.steps, 0);
  assert.deepEqual(weightsOf(m0), before);

  bp.manualSeed(3);
  const m1 = bp.mlp([2, 2]);
  const path = join(dir, 'budget.ckpt.safetensors');
  bp.fit(m1, { x, y }, { ...base, optimizer: new bp.SGD(m1.parameters(), { lr: 0.1 }), epochs: 3, maxSteps: 5, checkpoint: { path } });
  const m2 = bp.mlp([2, 2]);
  const h2 = bp.fit(m2, { x, y }, { ...base, optimizer: new bp.SGD(m2.parameters(), { lr: 0.1 }), epochs: 3, maxSteps: 5, resumeFrom: path });
  assert.equal(h2.steps, 5, 'a run resumed with its budget already spent takes one more step');
  assert.equal(h2.stopReason, 'maxSteps');
  // No step taken: the resumed weights are exactly the checkpointed ones (those m1 ended with).
  assert.deepEqual(weightsOf(m2), weightsOf(m1), 'a resumed run at its budget changed the weights');
});

test('evaluate() defaults to threshold 0 for a logits loss, as fit does (accuracies agree)', () => {
  const m = new bp.Linear(1, 1);
  m.weight.data.set([1]);
  m.bias!.data.set([0]);
  // Logits 0.2, 0.3 (class 1) and −0.4, −0.1 (class 0): all right at threshold 0, two wrong at 0.5.
  const x = bp.tensor([[0.2], [0.3], [-0.4], [-0.1]]);
  const y = bp.tensor([[1], [1], [0], [0]]);
  const h = bp.fit(m, { x, y }, {
    loss: 'binaryCrossEntropyWithLogits', optimizer: new bp.SGD(m.parameters(), { lr: 0 }), epochs: 1, metrics: ['accuracy'], progress: 'none',
  });
  assert.equal(h.epochs[0].accuracy, 1);
  const e = bp.evaluate(m, { x, y }, { loss: 'binaryCrossEntropyWithLogits', metrics: ['accuracy'] });
  assert.equal(e.accuracy, 1, 'evaluate thresholds logits at 0.5 instead of 0');
});

test('fit with dropLast and a batch larger than the data refuses to run instead of silently taking 0 steps', () => {
  bp.manualSeed(100);
  const x = bp.randn([40, 2]);
  const y = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 2));
  const m = bp.mlp([2, 2]);
  assert.throws(
    () => bp.fit(m, { x, y }, { loss: 'crossEntropy', optimizer: new bp.SGD(m.parameters(), { lr: 0.1 }), epochs: 4, batchSize: 64, dropLast: true, progress: 'none' }),
    (e: unknown) => e instanceof bp.ConfigError && /batchSize|dropLast/.test((e as Error).message),
    'fit returns "finished 4 epochs" after 0 steps and an empty history',
  );
});

// ------------------------------------------------------------------ CLI

/** A saved single-logit model on the AND gate: logits −0.15, −0.05, −0.05, 0.05 for rows 00, 01, 10, 11. */
function savedLogitModel(): string {
  const base = join(dir, 'logit-and');
  if (!existsSync(join(base, 'model.json'))) {
    const lin = new bp.Linear(2, 1);
    lin.weight.data.set([0.1, 0.1]);
    lin.bias!.data.set([-0.15]);
    bp.saveModule(new bp.Sequential(lin), join(base, 'model'), { config: { loss: 'binaryCrossEntropyWithLogits', data: { name: 'and' }, seed: 0 } });
  }
  return base;
}

test('CLI eval of a model trained with binaryCrossEntropyWithLogits thresholds its logits at 0', () => {
  const r = cli('eval', savedLogitModel());
  assert.equal(r.code, 0, r.err);
  // Thresholded at 0 the model gets all four AND rows right; at 0.5 it calls every row 0 (75 %).
  assert.match(r.out, /accuracy 100\.00 %/);
  assert.match(r.out, /0\s+3\s+0\n1\s+0\s+1/, 'confusion matrix');
});

test('CLI eval --seed with a non-number is bad usage (exit 2) naming --seed', () => {
  const r = cli('eval', savedLogitModel(), '--seed', 'abc');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /--seed/);
});

test('CLI seeds outside manualSeed\'s range are refused up front: --seed -1 / 2^32 and config.seed', () => {
  for (const bad of ['-1', '4294967296']) {
    const r = cli('eval', savedLogitModel(), '--seed', bad);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`--seed must be a whole number from 0 to 4294967295, got '${bad}'`));
  }
  const cfg = join(dir, 'seed-config.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 2, 1] }, loss: 'mse', seed: -1 }));
  const r = cli('train', '--config', cfg, '--out', join(dir, 'seed-run'));
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /config\.seed: must be ≥ 0, got -1/);
});

test('CLI predict on a model trained with nll (LogSoftmax output) prints probabilities, not log-probabilities', () => {
  const base = join(dir, 'nll');
  bp.manualSeed(0);
  const model = new bp.Sequential(new bp.Linear(2, 3), new bp.LogSoftmax());
  bp.saveModule(model, join(base, 'model'), { config: { loss: 'nll' } });
  const r = cli('predict', base, '--input', '[[0.5,-1],[2,1]]');
  assert.equal(r.code, 0, r.err);
  const rows = [...r.out.matchAll(/probabilities \[([^\]]*)\]/g)].map((m) => m[1].split(',').map(Number));
  assert.equal(rows.length, 2);
  // Expected by hand: softmax(W x + b) in float64 from the saved weights (exp of the LogSoftmax output).
  const W = model.stateDict()['0.weight'].toArray() as number[][];
  const b = model.stateDict()['0.bias'].toArray() as number[];
  const inputs = [[0.5, -1], [2, 1]];
  const expected = inputs.map((xv) => {
    const s = W.map((row, k) => row[0] * xv[0] + row[1] * xv[1] + b[k]);
    const e = s.map((v) => Math.exp(v - Math.max(...s)));
    const z = e.reduce((acc, v) => acc + v, 0);
    return e.map((v) => v / z);
  });
  rows.forEach((p, i) => {
    assert.equal(p.length, 3);
    // printed with 3 decimals
    p.forEach((v, k) => assert.ok(Math.abs(v - expected[i][k]) <= 0.0005 + 1e-9, `sample ${i}: printed ${p.join(', ')}, expected ${expected[i].map((q) => q.toFixed(4)).join(', ')}`));
  });
  const classes = [...r.out.matchAll(/class (\d)/g)].map((m) => Number(m[1]));
  assert.deepEqual(classes, expected.map((p) => p.indexOf(Math.max(...p))));
});

test('CLI train --epochs overrides the epoch budget of the perceptron presets', () => {
  // With seed 0 the AND perceptron needs 6 epochs; --epochs 2 must stop it after 2.
  const r = cli('train', '--preset', 'and', '--epochs', '2', '--progress', 'none', '--out', join(dir, 'and2'));
  // Without --epochs: "perceptron converged after 6 epoch(s) (mistakes per epoch: 2, 3, 3, 2, 1, 0)".
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /perceptron did NOT converge within 2 epochs/, r.out);
  const history = JSON.parse(readFileSync(join(dir, 'and2', 'history.json'), 'utf8')) as { converged: boolean; mistakesPerEpoch: number[] };
  assert.equal(history.converged, false);
  assert.deepEqual(history.mistakesPerEpoch, [2, 3], 'exactly two epochs were run');
});

test('CLI config data.test = 0 is refused up front or trains and saves the model (not exit 1 after training)', () => {
  const path = writeConfig('test0', { data: { name: 'mnist', train: 200, test: 0 }, model: { type: 'mlp', sizes: [784, 10] }, epochs: 1, schedule: { type: 'step', stepSize: 1 } });
  const out = join(dir, 'test0');
  const r = cli('train', '--config', path, '--progress', 'none', '--out', out);
  const refused = r.code === 2 && /config\.data\.test/.test(r.err);
  const saved = r.code === 0 && existsSync(join(out, 'model.json'));
  assert.ok(refused || saved, `exit ${r.code}: ${r.err}`);
});

test('CLI config: unknown fields inside model, data, schedule and earlyStopping are refused, naming the field', () => {
  const xorBase = { data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 2, 1] }, loss: 'mse', epochs: 1, schedule: { type: 'step', stepSize: 1 } };
  const cases: [object, RegExp][] = [
    [{ ...xorBase, schedule: { type: 'step', stepSize: 2, gama: 0.5 } }, /config\.schedule.*gama/],
    [{ ...xorBase, earlyStopping: { patiense: 2 } }, /config\.earlyStopping.*patiense/],
    [{ ...xorBase, model: { type: 'mlp', sizes: [2, 2, 1], activaton: 'tanh' } }, /config\.model.*activaton/],
    [{ ...xorBase, data: { name: 'xor', nosie: 0.1 } }, /config\.data.*nosie/],
  ];
  for (const [cfg, pattern] of cases) {
    const r = cli('train', '--config', writeConfig('unknown-field', cfg), '--progress', 'none', '--out', join(dir, 'unknown-field'));
    assert.equal(r.code, 2, `${JSON.stringify(cfg)} was accepted (exit ${r.code})`);
    assert.match(r.err, pattern);
  }
});

test('CLI config: invalid earlyStopping values are refused, naming the field', () => {
  const xorBase = { data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 2, 1] }, loss: 'mse', epochs: 1, schedule: { type: 'step', stepSize: 1 } };
  const cases: [object, RegExp][] = [
    [{ ...xorBase, earlyStopping: { patience: 2, minDelta: 'a' } }, /config\.earlyStopping\.minDelta/],
    [{ ...xorBase, earlyStopping: { patience: 2, mode: 'maximum' } }, /config\.earlyStopping\.mode/],
    [{ ...xorBase, earlyStopping: { patience: 2, monitor: 5 } }, /config\.earlyStopping\.monitor/],
  ];
  for (const [cfg, pattern] of cases) {
    const r = cli('train', '--config', writeConfig('bad-es', cfg), '--progress', 'none', '--out', join(dir, 'bad-es'));
    assert.equal(r.code, 2, `${JSON.stringify(cfg)} was accepted (exit ${r.code})`);
    assert.match(r.err, pattern);
  }
});

test('CLI config: "schedule": null switches off the cosine schedule inherited from the mnist-mlp defaults', () => {
  const path = writeConfig('nosched', {
    data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 4, 1], outputActivation: 'sigmoid' }, loss: 'mse',
    optimizer: { type: 'sgd', lr: 0.5 }, batchSize: 'full', epochs: 20, schedule: null,
  });
  const out = join(dir, 'nosched');
  const r = cli('train', '--config', path, '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { epochs: { lr: number }[] };
  assert.deepEqual(history.epochs.map((e) => e.lr), new Array<number>(20).fill(0.5));
});

test('CLI eval --data csv:FILE maps text labels to the class indices the model was trained with', () => {
  // Three well-separated classes a, b, c along f1; the evaluation file holds only b and c.
  let train = 'f1,f2,label\n';
  let held = 'f1,f2,label\n';
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    train += `${(c * 3 + Math.sin(i) * 0.3).toFixed(3)},${(Math.cos(i) * 0.3).toFixed(3)},${'abc'[c]}\n`;
    if (c > 0) held += `${(c * 3 + Math.sin(i + 7) * 0.3).toFixed(3)},${(Math.cos(i + 7) * 0.3).toFixed(3)},${'abc'[c]}\n`;
  }
  writeFileSync(join(dir, 'train.csv'), train);
  writeFileSync(join(dir, 'held.csv'), held);
  const path = writeConfig('csv', {
    data: { name: 'csv', path: join(dir, 'train.csv'), labelColumn: 'label' }, model: { type: 'mlp', sizes: [2, 16, 3] },
    optimizer: { type: 'adam', lr: 0.05 }, epochs: 40, batchSize: 16, schedule: { type: 'step', stepSize: 100 },
  });
  const out = join(dir, 'csv');
  const t = cli('train', '--config', path, '--progress', 'none', '--out', out);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /test accuracy 100\.00 %/);
  const r = cli('eval', out, '--data', `csv:${join(dir, 'held.csv')}`);
  assert.equal(r.code, 0, r.err);
  const acc = Number(/accuracy ([\d.]+) %/.exec(r.out)?.[1]);
  assert.equal(acc, 100, `a perfect model scores ${acc} % (b, c renumbered 0, 1 in the held-out file?)`);
  // 60 held-out rows, 30 of class b (index 1) and 30 of c (index 2), all on the diagonal; none of a.
  assert.match(r.out, /held\.csv: 60 samples/);
  assert.match(r.out, /\n0\s+0\s+0\s+0\n1\s+0\s+30\s+0\n2\s+0\s+0\s+30/, r.out);
});
