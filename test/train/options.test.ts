// fit refuses bad options and bad data up front, with a typed error naming the field or the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';

function setup() {
  bp.manualSeed(1);
  const m = bp.mlp([2, 2]);
  const data = { x: bp.randn([6, 2]), y: bp.tensor([0, 1, 0, 1, 0, 1]) };
  const base: bp.FitOptions = { loss: 'crossEntropy', optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 2, progress: 'none' };
  return { m, data, base };
}

/** Asserts fn throws an error of class E whose message matches every pattern. */
function throwsTyped(fn: () => unknown, E: typeof bp.BackpropError, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof E, `expected ${E.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

test('an unknown option name is refused with a did-you-mean suggestion (top level and nested)', () => {
  const { m, data, base } = setup();
  throwsTyped(() => bp.fit(m, data, { ...base, epoch: 3 } as never), bp.ConfigError, /unknown option 'epoch'/, /did you mean 'epochs'\?/);
  throwsTyped(() => bp.fit(m, data, { ...base, batch_size: 3 } as never), bp.ConfigError, /unknown option 'batch_size'/, /did you mean 'batchSize'\?/);
  throwsTyped(() => bp.fit(m, data, { ...base, stop: { lossDelt: 1e-3 } } as never), bp.ConfigError, /unknown option 'stop.lossDelt'/, /did you mean 'lossDelta'\?/);
  throwsTyped(() => bp.fit(m, data, { ...base, earlyStopping: { patiance: 2 } } as never), bp.ConfigError, /'earlyStopping.patiance'/, /'patience'/);
  throwsTyped(() => bp.fit(m, data, { ...base, checkpoint: { path: 'x', evry: 2 } } as never), bp.ConfigError, /'checkpoint.evry'/, /'every'/);
  // Far from every known name: no suggestion, but the list of known names.
  throwsTyped(() => bp.fit(m, data, { ...base, zzzzzzzz: 1 } as never), bp.ConfigError, /unknown option 'zzzzzzzz'; known: loss, optimizer, epochs/);
});

test('unknown metrics and unknown losses are refused', () => {
  const { m, data, base } = setup();
  throwsTyped(() => bp.fit(m, data, { ...base, metrics: ['acuracy'] as never }), bp.ConfigError, /metrics\[0\] is an unknown metric "acuracy"/, /did you mean 'accuracy'\?/);
  throwsTyped(() => bp.fit(m, data, { ...base, metrics: 'accuracy' as never }), bp.ConfigError, /metrics must be a list/);
  throwsTyped(() => bp.evaluate(m, data, { loss: 'crossEntropy', metrics: ['f1'] as never }), bp.ConfigError, /unknown metric "f1"/);
  throwsTyped(() => bp.fit(m, data, { ...base, loss: 'hinge' as never }), bp.ConfigError, /unknown loss 'hinge'; known: l2, mse/);
  throwsTyped(() => bp.fit(m, data, { ...base, loss: 'crossentropy' as never }), bp.ConfigError, /unknown loss 'crossentropy' \(did you mean 'crossEntropy'\?\)/);
});

test('invalid values are refused with a ConfigError naming the field and the value', () => {
  const { m, data, base } = setup();
  const cases: [Partial<bp.FitOptions>, RegExp][] = [
    [{ epochs: 0 }, /epochs must be a whole number ≥ 1, got 0/],
    [{ epochs: -3 }, /epochs must be a whole number ≥ 1, got -3/],
    [{ epochs: 2.5 }, /epochs must be a whole number ≥ 1, got 2.5/],
    [{ epochs: NaN }, /epochs must be a whole number ≥ 1, got NaN/],
    [{ batchSize: 0 }, /batchSize must be a whole number ≥ 1 or 'full', got 0/],
    [{ batchSize: 1.5 }, /batchSize must be a whole number ≥ 1 or 'full', got 1.5/],
    [{ batchSize: 'all' as never }, /batchSize must be a whole number ≥ 1 or 'full', got "all"/],
    [{ maxSteps: -1 }, /maxSteps must be a whole number ≥ 0, got -1/],
    [{ shuffle: 'yes' as never }, /shuffle must be true or false, got "yes"/],
    [{ l2: -0.1 }, /l2 must be a finite number ≥ 0, got -0.1/],
    [{ clipGradNorm: 0 }, /clipGradNorm must be a finite number > 0, got 0/],
    [{ threshold: Infinity }, /threshold must be a finite number, got Infinity/],
    [{ stop: { lossDelta: NaN } }, /stop.lossDelta must be a finite number ≥ 0, got NaN/],
    [{ earlyStopping: { patience: 0 } }, /earlyStopping.patience must be a whole number ≥ 1, got 0/],
    [{ earlyStopping: { mode: 'up' as never } }, /earlyStopping.mode must be one of 'min', 'max', got "up"/],
    [{ earlyStopping: { monitor: 'valAccuracy' } }, /earlyStopping.monitor 'valAccuracy' is not among the epoch's metrics/],
    [{ progress: 'bars' as never }, /progress must be one of 'auto', 'bar', 'lines', 'none', got "bars" \(did you mean 'bar'\?\)/],
    [{ checkpoint: { path: '' } }, /checkpoint.path must be a file path/],
    [{ checkpoint: { path: 'c.safetensors', every: 0 } }, /checkpoint.every must be a whole number ≥ 1, got 0/],
    [{ nanGuard: { every: 0 } }, /nanGuard.every must be a whole number ≥ 1, got 0/],
    [{ callbacks: [null as never] }, /callbacks\[0\] must be an object/],
    [{ trainStep: 3 as never }, /trainStep must be a function/],
    [{ scheduler: {} as never }, /scheduler must be an object with step\(\)/],
  ];
  for (const [opts, re] of cases) throwsTyped(() => bp.fit(m, data, { ...base, ...opts }), bp.ConfigError, re);
  // A learning rate of NaN on an optimiser-like object (the optimisers in optim/ refuse it themselves).
  const opt = new SGD(m.parameters(), { lr: 0.1 });
  const nanLr = { step: () => opt.step(), zeroGrad: () => opt.zeroGrad(), stateDict: () => opt.stateDict(), loadStateDict: () => {}, lr: NaN };
  throwsTyped(() => bp.fit(m, data, { ...base, optimizer: nanLr }), bp.ConfigError, /optimizer.lr must be a finite number ≥ 0, got NaN/);
  throwsTyped(() => bp.fit(m, data, { ...base, optimizer: {} as never }), bp.ConfigError, /optimizer must be an object with step\(\)/);
});

test('empty data, a validation split with no rows, and NaN/±Inf anywhere in the data are refused up front, naming the data', () => {
  const { m, data, base } = setup();
  let steps = 0;
  const counting = { ...base, callbacks: [{ onBatchEnd: () => void steps++ }] };
  throwsTyped(() => bp.fit(m, { x: bp.zeros([0, 2]), y: bp.zeros([0]) }, counting), bp.ValueError, /fit: data has no rows \(x of shape \[0, 2\]\)/);
  throwsTyped(() => bp.fit(m, data, { ...counting, validationData: { x: bp.zeros([0, 2]), y: bp.zeros([0]) } }), bp.ValueError, /fit: validationData has no rows/);
  const withAt = (t: bp.Tensor, i: number, v: number) => {
    const c = bp.tensor(t.toArray());
    c.data[i] = v;
    return c;
  };
  throwsTyped(() => bp.fit(m, { x: withAt(data.x, 5, NaN), y: data.y }, counting), bp.ValueError, /fit: data.x contains NaN \(row 2, element 5 of \[6, 2\]\)/);
  throwsTyped(() => bp.fit(m, { x: withAt(data.x, 0, Infinity), y: data.y }, counting), bp.ValueError, /fit: data.x contains Infinity \(row 0/);
  throwsTyped(() => bp.fit(m, { x: data.x, y: withAt(data.y, 3, -Infinity) }, counting), bp.ValueError, /fit: data.y contains -Infinity \(row 3/);
  throwsTyped(() => bp.fit(m, data, { ...counting, validationData: { x: data.x, y: withAt(data.y, 1, NaN) } }), bp.ValueError, /fit: validationData.y contains NaN \(row 1/);
  // A DataLoader over a TensorDataset is checked up front too.
  const loader = new bp.DataLoader(new bp.TensorDataset(withAt(data.x, 11, NaN), data.y), { batchSize: 2 });
  throwsTyped(() => bp.fit(m, loader, counting), bp.ValueError, /fit: data.x contains NaN \(row 5/);
  assert.equal(steps, 0, 'no step was taken on bad data');
  // Any other source of batches is checked batch by batch, before the batch is trained on.
  const source = {
    length: 2,
    *[Symbol.iterator]() {
      yield { x: data.x, y: data.y };
      yield { x: withAt(data.x, 2, NaN), y: data.y };
    },
  };
  throwsTyped(() => bp.fit(m, source, counting), bp.ValueError, /fit: batch 1 of data, x contains NaN \(row 1/);
  assert.equal(steps, 1, 'only the clean first batch was trained on');
  throwsTyped(() => bp.evaluate(m, { x: withAt(data.x, 0, NaN), y: data.y }), bp.ValueError, /evaluate: data.x contains NaN/);
});

test('a checkpoint path under an existing file, or at a folder, is a FileAccessError before training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-fit-opts-'));
  try {
    const { m, data, base } = setup();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const before = m.parameters().map((p) => Array.from(p.data));
    for (const path of [join(file, 'ck.safetensors'), join(file, 'sub', 'ck.safetensors')]) {
      throwsTyped(() => bp.fit(m, data, { ...base, checkpoint: { path } }), bp.FileAccessError, /checkpoint.path .* cannot be written: .*a-file is a file, not a folder/);
    }
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    throwsTyped(() => bp.fit(m, data, { ...base, checkpoint: { path: folder } }), bp.FileAccessError, /checkpoint.path .*folder is a folder/);
    assert.deepEqual(m.parameters().map((p) => Array.from(p.data)), before, 'nothing was trained');
    // A path under folders that do not exist yet is fine: they are created.
    const deep = join(dir, 'new', 'deeper', 'ck.safetensors');
    bp.fit(m, data, { ...base, checkpoint: { path: deep } });
    assert.ok(existsSync(deep));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
