// Conv, pooling and residual layers: PyTorch's parameter names, layouts and init, hand-derived
// outputs, config round-trips through saveModule/loadModule, and typed errors for bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const grid = (n: number, h: number, w: number, c = 1) => bp.reshape(bp.arange(0, n * c * h * w), [n, c, h, w]);

/** Saves and reloads a module in a temporary directory. */
function roundTrip(m: bp.Module): bp.Module {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-conv-layers-'));
  try {
    bp.saveModule(m, join(dir, 'model'));
    return bp.loadModule(join(dir, 'model')).model;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Conv2d has PyTorch names and layouts: weight [O, C/groups, kH, kW], bias [O]', () => {
  const c = new bp.Conv2d(4, 6, [3, 2], { groups: 2 });
  assert.deepEqual(c.namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [6, 2, 3, 2]], ['bias', [6]]]);
  assert.deepEqual(new bp.Conv1d(3, 5, 4, { bias: false }).namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [5, 3, 4]]]);
});

test('Conv2d init as PyTorch: kaiming_uniform(a=√5) gives weights and bias in U(±1/√fanIn)', () => {
  // gain(leaky_relu, √5) = √(2/(1+5)) = 1/√3, bound = gain·√3/√fanIn = 1/√fanIn; fanIn = C/groups·kH·kW.
  bp.manualSeed(3);
  const c = new bp.Conv2d(8, 64, 3, { groups: 2 }); // fanIn = 4·9 = 36, bound 1/6
  const bound = 1 / 6;
  const w = Array.from(c.weight.data);
  const b = Array.from(c.bias!.data);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && b.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w.map(Math.abs)) > 0.99 * bound, 'weights fill the interval');
  assert.ok(Math.max(...b.map(Math.abs)) > 0.8 * bound, 'biases fill the interval');
  const variance = w.reduce((s, v) => s + v * v, 0) / w.length; // U(±b) has variance b²/3
  assert.ok(Math.abs(variance / (bound * bound / 3) - 1) < 0.05, `variance ${variance}`);
});

test('Conv2d computes the cross-correlation with its weights: hand-derived 3×3 ∗ 2×2, stride and padding', () => {
  const c = new bp.Conv2d(1, 1, 2, { padding: 1, stride: 2 });
  c.weight.data.set([1, 2, 3, 4]);
  c.bias!.data.set([0.5]);
  // Input 0…8 padded by one zero ring (5×5); windows at (0,0), (0,2), (2,0), (2,2) of the padded grid:
  // [[0,0],[0,0]]·w = 0, [[0,0],[1,2]]·w = 3+8 = 11, [[0,3],[0,6]]·w = 6+24 = 30, [[4,5],[7,8]]·w = 4+10+21+32 = 67.
  assert.deepEqual(c.call(grid(1, 3, 3)).toArray(), [[[[0.5, 11.5], [30.5, 67.5]]]]);
  const same = new bp.Conv1d(1, 1, 3, { padding: 'same', bias: false });
  same.weight.data.set([1, 1, 1]);
  assert.deepEqual(same.call(bp.tensor([[[1, 2, 3, 4]]])).toArray(), [[[3, 6, 9, 7]]]);
});

test('Conv2d gradients reach input, weight and bias', () => {
  const c = new bp.Conv2d(1, 2, 2, { bias: true });
  c.weight.data.set([1, 0, 0, 0, 0, 0, 0, 1]);
  const x = bp.tensor(grid(1, 3, 3).toArray(), { requiresGrad: true });
  bp.sum(c.call(x)).backward();
  // ∂Σy/∂b = number of output positions (2×2); ∂Σy/∂w[o,0,i,j] = Σ of the 2×2 block of x at offset (i, j).
  assert.deepEqual(Array.from(c.bias!.grad!.data), [4, 4]);
  assert.deepEqual(Array.from(c.weight.grad!.data), [8, 12, 20, 24, 8, 12, 20, 24]);
  // x gets 1 from filter 0's top-left tap and 1 from filter 1's bottom-right tap.
  assert.deepEqual(x.grad!.toArray(), [[[[1, 1, 0], [1, 2, 1], [0, 1, 1]]]]);
});

test('pooling layers: max, average (with and without padded zeros), adaptive and global', () => {
  const x = grid(1, 4, 4);
  assert.deepEqual(new bp.MaxPool2d(2).call(x).toArray(), [[[[5, 7], [13, 15]]]]);
  assert.deepEqual(new bp.MaxPool2d(3, { stride: 1 }).call(x).toArray(), [[[[10, 11], [14, 15]]]]);
  assert.deepEqual(new bp.AvgPool2d(2).call(x).toArray(), [[[[2.5, 4.5], [10.5, 12.5]]]]);
  // Padding 1, stride 2: the top row's windows hold {x00} = 0, {x01, x02} = 1+2 and {x03} = 3, divided
  // by the 4 cells of the window, or by the 1, 2, 1 real cells without counting padded zeros.
  assert.deepEqual(new bp.AvgPool2d(2, { padding: 1 }).call(x).data.slice(0, 3), Float32Array.of(0, 0.75, 0.75));
  assert.deepEqual(new bp.AvgPool2d(2, { padding: 1, countIncludePad: false }).call(x).data.slice(0, 3), Float32Array.of(0, 1.5, 3));
  assert.deepEqual(new bp.MaxPool1d(2).call(bp.tensor([[[1, 5, 2, 0, 7]]])).toArray(), [[[5, 2]]]);
  assert.deepEqual(new bp.MaxPool1d(2, { ceilMode: true }).call(bp.tensor([[[1, 5, 2, 0, 7]]])).toArray(), [[[5, 2, 7]]]);
  assert.deepEqual(new bp.AvgPool1d(2).call(bp.tensor([[[1, 5, 2, 0]]])).toArray(), [[[3, 1]]]);
  assert.deepEqual(new bp.AdaptiveAvgPool2d([1, 2]).call(x).toArray(), [[[[6.5, 8.5]]]]);
  assert.deepEqual(new bp.GlobalAvgPool().call(grid(1, 2, 2, 2)).toArray(), [[[[1.5]], [[5.5]]]]);
});

test('layers print their options as PyTorch does', () => {
  assert.equal(String(new bp.Conv2d(1, 6, 5, { padding: 2 })), 'Conv2d(1, 6, kernelSize=[5, 5], stride=[1, 1], padding=[2, 2])');
  assert.equal(String(new bp.Conv1d(4, 4, 3, { groups: 4, dilation: 2, bias: false, padding: 'same' })),
    "Conv1d(4, 4, kernelSize=[3], stride=[1], padding='same', dilation=[2], groups=4, bias=false)");
  assert.equal(String(new bp.MaxPool2d(3, { stride: 2 })), 'MaxPool2d(kernelSize=[3, 3], stride=[2, 2], padding=[0, 0], ceilMode=false)');
  assert.equal(String(new bp.AdaptiveAvgPool2d(6)), 'AdaptiveAvgPool2d(outputSize=[6, 6])');
});

test('conv and pooling layers save and load with their options and weights', () => {
  bp.manualSeed(5);
  const net = new bp.Sequential(
    new bp.Conv2d(2, 4, [3, 2], { stride: [1, 2], padding: [1, 0], dilation: [2, 1] }), new bp.ReLU(),
    new bp.MaxPool2d(2, { stride: 1, padding: 1, ceilMode: true }), new bp.AvgPool2d([2, 1], { countIncludePad: false, padding: [1, 0] }),
    new bp.Conv2d(4, 4, 1, { groups: 4, bias: false, padding: 'valid' }), new bp.AdaptiveAvgPool2d([3, 2]), new bp.GlobalAvgPool(), new bp.Flatten(),
  );
  const x = bp.randn([2, 2, 7, 6]);
  const back = roundTrip(net);
  assert.deepEqual(back.config(), net.config());
  assert.equal(String(back), String(net));
  assertClose(back.call(x), net.call(x).toArray(), 0, 0);
  const seq = new bp.Sequential(new bp.Conv1d(3, 2, 3, { padding: 'same' }), new bp.MaxPool1d(2), new bp.AvgPool1d(1));
  const x1 = bp.randn([1, 3, 8]);
  assertClose(roundTrip(seq).call(x1), seq.call(x1).toArray(), 0, 0);
});

test('Residual: y = body(x) + x, gradient through both paths', () => {
  const lin = new bp.Linear(2, 2, { bias: false });
  lin.weight.data.set([1, 2, 3, 4]);
  const r = new bp.Residual(lin);
  const x = bp.tensor([[1, -1]], { requiresGrad: true });
  const y = r.call(x);
  assert.deepEqual(y.toArray(), [[1 - 1, -1 - 1]]); // Wx = [1−2, 3−4] = [−1, −1], plus x
  bp.sum(y).backward();
  // ∂Σy/∂x = 1ᵀW + 1 = [1+3, 2+4] + 1.
  assert.deepEqual(Array.from(x.grad!.data), [5, 7]);
  assert.deepEqual(new bp.Residual(lin, null, { activation: 'relu' }).call(bp.tensor([[1, -1]])).toArray(), [[0, 0]]);
  assert.deepEqual(new bp.Residual(lin, null, { activation: 'relu' }).call(bp.tensor([[2, 1]])).toArray(), [[6, 11]]);
});

test('Residual with a 1×1-conv projection shortcut: state dict names and shapes as a ResNet block', () => {
  bp.manualSeed(1);
  const body = new bp.Sequential(new bp.Conv2d(2, 4, 3, { stride: 2, padding: 1, bias: false }), new bp.ReLU(), new bp.Conv2d(4, 4, 3, { padding: 1, bias: false }));
  const proj = new bp.Conv2d(2, 4, 1, { stride: 2, bias: false });
  const r = new bp.Residual(body, proj, { activation: 'relu' });
  assert.deepEqual(Object.entries(r.stateDict()).map(([k, t]) => [k, t.shape]), [
    ['body.0.weight', [4, 2, 3, 3]], ['body.2.weight', [4, 4, 3, 3]], ['shortcut.weight', [4, 2, 1, 1]],
  ]);
  const x = bp.randn([2, 2, 6, 6]);
  const y = r.call(x);
  assert.deepEqual(y.shape, [2, 4, 3, 3]);
  const expected = bp.relu(bp.add(body.call(x), proj.call(x)));
  assertClose(y, expected.toArray(), 0, 0);
  const back = roundTrip(r);
  assert.deepEqual(back.config(), r.config());
  assertClose(back.call(x), y.toArray(), 0, 0);
  assert.equal(new bp.Residual(body, proj, { activation: 'relu' }).numParameters(), 72 + 144 + 8);
  assert.deepEqual(bp.summarize(r, [2, 6, 6]).rows.map((row) => [row.name, row.outputShape, row.params]), [
    ['body.0', [-1, 4, 3, 3], 72], ['body.1', [-1, 4, 3, 3], 0], ['body.2', [-1, 4, 3, 3], 144],
    ['shortcut', [-1, 4, 3, 3], 8], ['activation', [-1, 4, 3, 3], 0],
  ]);
});

test('Residual names a shape mismatch and suggests a projection', () => {
  const r = new bp.Residual(new bp.Conv2d(2, 4, 3, { padding: 1 }));
  throwsWith(() => r.call(bp.zeros([1, 2, 5, 5])), bp.ShapeError, /body output \[1, 4, 5, 5\] and shortcut output \[1, 2, 5, 5\] differ.*projection shortcut/);
  throwsWith(() => new bp.Residual(new bp.ReLU(), null, { activation: 'swish' as never }), bp.ConfigError, /unknown activation 'swish'/);
  throwsWith(() => bp.moduleFromConfig({ type: 'Residual', body: 3 }), bp.ConfigError, /field 'body' must be a layer config/);
});

test('bad layer options are ConfigErrors naming the option', () => {
  throwsWith(() => new bp.Conv2d(0, 4, 3), bp.ConfigError, /Conv2d: inChannels must be a whole number ≥ 1, got 0/);
  throwsWith(() => new bp.Conv2d(3, 4, [3, 3, 3]), bp.ConfigError, /Conv2d: kernelSize must be an integer or a list of 2 integers ≥ 1/);
  throwsWith(() => new bp.Conv2d(3, 4, 3, { groups: 2 }), bp.ConfigError, /groups=2 must divide both inChannels \(3\) and outChannels \(4\)/);
  throwsWith(() => new bp.Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), bp.ConfigError, /padding 'same' needs stride 1/);
  throwsWith(() => new bp.Conv1d(3, 4, 3, { padding: 'full' as never }), bp.ConfigError, /padding must be an integer, a list of integers, 'same' or 'valid', got 'full'/);
  throwsWith(() => new bp.MaxPool2d(2, { padding: 2 }), bp.ConfigError, /MaxPool2d: padding \[2, 2\] must be at most half the kernel size \[2, 2\]/);
  throwsWith(() => new bp.AvgPool1d(0), bp.ConfigError, /AvgPool1d: kernelSize must be an integer ≥ 1, got 0/);
  throwsWith(() => new bp.AdaptiveAvgPool2d([2]), bp.ConfigError, /outputSize must be an integer or a list of 2 integers/);
  throwsWith(() => bp.moduleFromConfig({ type: 'Conv2d', inChannels: 1, outChannels: 2, kernelSize: 'big' }), bp.ConfigError, /Conv2d: field 'kernelSize' must be an integer or a list of integers/);
  throwsWith(() => bp.moduleFromConfig({ type: 'MaxPool2d', kernelSize: 2, ceilMode: 'yes' }), bp.ConfigError, /field 'ceilMode' must be true or false/);
  throwsWith(() => new bp.Conv2d(3, 4, 3).call(bp.zeros([1, 2, 5, 5])), bp.ShapeError, /input \[1, 2, 5, 5\] has 2 channels but weight \[4, 3, 3, 3\] expects 3/);
});
