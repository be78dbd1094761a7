// BatchNorm1d/2d modules: PyTorch's parameter and buffer names, train()/eval() switch, momentum
// null (cumulative average), affine and trackRunningStats off, configs, save/load round trip with
// the running statistics, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const { BatchNorm1d, BatchNorm2d, Sequential, Linear, ReLU, tensor, randn, manualSeed, ConfigError, ShapeError } = bp;

test('parameters and buffers under PyTorch names, with PyTorch initial values', () => {
  const bn = new BatchNorm2d(3);
  assert.deepEqual(bn.namedParameters().map(([k]) => k), ['weight', 'bias']);
  assert.deepEqual(bn.namedBuffers().map(([k]) => k), ['running_mean', 'running_var', 'num_batches_tracked']);
  const sd = bn.stateDict();
  assert.deepEqual(Object.keys(sd), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.deepEqual([...sd.weight.data, ...sd.bias.data], [1, 1, 1, 0, 0, 0]);
  assert.deepEqual([...sd.running_mean.data, ...sd.running_var.data], [0, 0, 0, 1, 1, 1]);
  assert.deepEqual([...sd.num_batches_tracked.shape], []);
  assert.equal(bn.numParameters(), 6);
  assert.equal(new Sequential(new Linear(2, 4), new BatchNorm1d(4)).stateDict()['1.running_var'].size, 4);
});

test('training uses batch statistics and updates the buffers; eval() uses the running statistics', () => {
  const bn = new BatchNorm1d(1);
  const x = tensor([[1], [2], [3], [4]]);
  const y = bn.call(x);
  const s = Math.sqrt(1.25 + 1e-5);
  assertClose(y, [[-1.5 / s], [-0.5 / s], [0.5 / s], [1.5 / s]]);
  assertClose(bn.runningMean!, [0.25]);
  assertClose(bn.runningVar!, [0.9 + 0.1 * (5 / 3)]);
  assert.equal(bn.numBatchesTracked!.data[0], 1);
  bn.eval();
  const rv = 0.9 + 0.1 * (5 / 3);
  assertClose(bn.call(tensor([[0.25], [1.25]])), [[0], [1 / Math.sqrt(rv + 1e-5)]]);
  assert.equal(bn.numBatchesTracked!.data[0], 1, 'eval does not count batches');
  assertClose(bn.runningMean!, [0.25]);
});

test('momentum null: running statistics are the cumulative average of the batches', () => {
  const bn = new BatchNorm1d(1, { momentum: null });
  bn.call(tensor([[0], [2]])); // mean 1, unbiased variance 2
  bn.call(tensor([[4], [6], [8]])); // mean 6, unbiased variance 4
  bn.call(tensor([[-1], [1]])); // mean 0, unbiased variance 2
  assertClose(bn.runningMean!, [(1 + 6 + 0) / 3]);
  assertClose(bn.runningVar!, [(2 + 4 + 2) / 3]);
  assert.equal(bn.numBatchesTracked!.data[0], 3);
});

test('BatchNorm2d normalises each channel over the batch and both spatial axes', () => {
  manualSeed(1);
  const x = randn([2, 3, 4, 5]);
  const y = new BatchNorm2d(3).call(x);
  for (let c = 0; c < 3; c++) {
    const vals: number[] = [];
    for (let n = 0; n < 2; n++) for (let i = 0; i < 20; i++) vals.push(y.data[(n * 3 + c) * 20 + i]);
    const mean = vals.reduce((a, b) => a + b, 0) / 40;
    const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 40;
    assert.ok(Math.abs(mean) < 1e-6, `channel ${c} mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 1e-3, `channel ${c} variance ${variance}`);
  }
});

test('affine false has no parameters; trackRunningStats false has no buffers and uses batch statistics in eval', () => {
  const a = new BatchNorm1d(2, { affine: false });
  assert.equal(a.numParameters(), 0);
  assert.equal(a.weight, null);
  assert.deepEqual(Object.keys(a.stateDict()), ['running_mean', 'running_var', 'num_batches_tracked']);
  const t = new BatchNorm1d(1, { trackRunningStats: false }).eval();
  assert.deepEqual(Object.keys(t.stateDict()), ['weight', 'bias']);
  const s = Math.sqrt(1 + 1e-5);
  assertClose(t.call(tensor([[1], [3]])), [[-1 / s], [1 / s]]);
});

test('gradients reach weight and bias through call() and backward', () => {
  const bn = new BatchNorm1d(2);
  const x = tensor([[1, 0], [3, 4]], { requiresGrad: true });
  bp.sum(bp.mul(bn.call(x), tensor([[1, 2], [3, 4]]))).backward();
  assertClose(bn.bias!.grad!, [4, 6]);
  // x̂ ≈ ±1 per channel: dγ ≈ −1 + 3 and −2 + 4
  assertClose(bn.weight!.grad!, [2, 2], 1e-4);
});

test('config, printout and moduleFromConfig keep every option', () => {
  const bn = new BatchNorm2d(8, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: true });
  const cfg = bn.toConfig();
  assert.deepEqual(cfg, { type: 'BatchNorm2d', numFeatures: 8, eps: 1e-3, momentum: null, affine: false, trackRunningStats: true });
  const back = bp.moduleFromConfig(cfg);
  assert.ok(back instanceof BatchNorm2d);
  assert.deepEqual(back.toConfig(), cfg);
  assert.equal(String(new BatchNorm1d(4)), 'BatchNorm1d(4, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
  throwsWith(() => bp.moduleFromConfig({ type: 'BatchNorm1d', numFeatures: 4, affine: 'yes' }), ConfigError, /BatchNorm1d: field 'affine' must be true or false/);
  throwsWith(() => bp.moduleFromConfig({ type: 'BatchNorm2d', numFeatures: 0 }), ConfigError, /numFeatures/);
});

test('saveModule/loadModule round trip keeps the running statistics and the eval output', () => {
  manualSeed(2);
  const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
  for (let i = 0; i < 3; i++) model.call(randn([8, 3]));
  const bn = model.layers[1] as InstanceType<typeof BatchNorm1d>;
  assert.equal(bn.numBatchesTracked!.data[0], 3);
  model.eval();
  const x = randn([5, 3]);
  const want = model.call(x);
  const dir = mkdtempSync(join(tmpdir(), 'bp-bn-'));
  try {
    bp.saveModule(model, join(dir, 'm'));
    const { model: loaded } = bp.loadModule(join(dir, 'm'));
    const sd = loaded.stateDict();
    for (const k of ['1.running_mean', '1.running_var', '1.num_batches_tracked']) assert.deepEqual([...sd[k].data], [...model.stateDict()[k].data], k);
    assert.equal(loaded.training, false);
    assert.deepEqual([...loaded.call(x).data], [...want.data]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options and inputs are typed errors naming the layer', () => {
  throwsWith(() => new BatchNorm1d(0), ConfigError, /BatchNorm1d: numFeatures must be a whole number ≥ 1, got 0/);
  throwsWith(() => new BatchNorm2d(3, { momentum: 2 }), ConfigError, /BatchNorm2d: momentum must be a number in \[0, 1\] or null/);
  throwsWith(() => new BatchNorm2d(3, { eps: -1 }), ConfigError, /eps must be a finite number ≥ 0/);
  throwsWith(() => new BatchNorm1d(3, { affine: 1 as unknown as boolean }), ConfigError, /affine must be true or false/);
  throwsWith(() => new BatchNorm2d(3).call(randn([2, 3, 4])), ShapeError, /BatchNorm2d\(3\): input must be \[N, C, H, W\] with C = 3, got shape \[2, 3, 4\]/);
  throwsWith(() => new BatchNorm1d(3).call(randn([2, 4])), ShapeError, /BatchNorm1d\(3\): input must be \[N, C\] or \[N, C, L\] with C = 3, got shape \[2, 4\]/);
  const bn = new BatchNorm1d(2);
  throwsWith(() => bn.call(randn([1, 2])), bp.ValueError, /more than 1 value per channel/);
  assert.equal(bn.numBatchesTracked!.data[0], 0, 'a refused batch is not counted');
});
