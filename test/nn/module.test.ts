// nn.Module: parameters by walking children, train/eval, stateDict round trips with shape checks, configs, initialisers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { Linear, Sequential, ReLU, Dropout, Flatten, mlp, manualSeed, init } = bp;

test('parameters are found by walking named children, named like PyTorch', () => {
  manualSeed(0);
  const m = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2, { bias: false }));
  assert.deepEqual(m.namedParameters().map(([n, p]) => [n, p.shape]), [['0.weight', [4, 3]], ['0.bias', [4]], ['2.weight', [2, 4]]]);
  assert.equal(m.numParameters(), 12 + 4 + 8);
  assert.ok(m.parameters().every((p) => p.requiresGrad));
  assert.equal(String(m), 'Sequential(\n  (0): Linear(inFeatures=3, outFeatures=4, bias=true)\n  (1): ReLU()\n  (2): Linear(inFeatures=4, outFeatures=2, bias=false)\n)');
});

test('Linear computes x Wᵀ + b and its default init is U(±1/√in)', () => {
  manualSeed(1);
  const l = new Linear(100, 50);
  const bound = 1 / Math.sqrt(100);
  assert.ok(Array.from(l.weight.data).every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...Array.from(l.weight.data).map(Math.abs)) > 0.9 * bound);
  // U(−a, a) has mean 0 and variance a²/3 (5000 draws: standard errors ≈ 0.8 % of a and 1.3 % of a²/3).
  const ws = Array.from(l.weight.data);
  const wMean = ws.reduce((acc, v) => acc + v, 0) / ws.length;
  const wVar = ws.reduce((acc, v) => acc + v * v, 0) / ws.length;
  assert.ok(Math.abs(wMean) < 0.04 * bound, `mean ${wMean}`);
  assert.ok(Math.abs(wVar / (bound ** 2 / 3) - 1) < 0.06, `variance ${wVar} vs a²/3 = ${bound ** 2 / 3}`);
  assert.ok(Array.from(l.bias!.data).every((v) => Math.abs(v) <= bound), 'the bias is drawn from the same range');
  assert.ok(l.bias!.data.some((v) => v !== 0), 'the bias is initialised, not left at 0');
  const small = new Linear(2, 1);
  small.weight.data.set([2, -1]);
  small.bias!.data.set([0.5]);
  assert.deepEqual(small.forward(bp.tensor([[1, 1], [3, 2]])).toArray(), [[1.5], [4.5]]);
  assert.throws(() => small.forward(bp.tensor([[1, 2, 3]])), /Linear\(2→1\): input of shape \[1, 3\] should end in 2 features/);
  assert.throws(() => new Linear(0, 2), bp.ConfigError);
});

test('stateDict → loadStateDict copies values; mismatches are refused with names and shapes', () => {
  manualSeed(2);
  const a = mlp([3, 5, 2]);
  const b = mlp([3, 5, 2]);
  b.loadStateDict(a.stateDict());
  const x = bp.randn([4, 3]);
  assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
  const wrong = mlp([3, 6, 2]);
  assert.throws(() => wrong.loadStateDict(a.stateDict()), /'0.weight' has shape \[5, 3\] in the state dict but \[6, 3\] in the model/);
  const sd = a.stateDict();
  delete sd['2.bias'];
  assert.throws(() => b.loadStateDict(sd), /missing keys: 2.bias/);
  b.loadStateDict(sd, { strict: false });
  assert.throws(() => b.loadStateDict({ ...a.stateDict(), extra: bp.zeros([1]) }), /unexpected keys: extra/);
});

test('toConfig / moduleFromConfig rebuild the architecture', () => {
  const m = mlp([4, 8, 3], { activation: 'tanh', outputActivation: 'softmax', dropout: 0.2 });
  const cfg = JSON.parse(JSON.stringify(m.toConfig()));
  const r = bp.moduleFromConfig(cfg);
  assert.equal(String(r), String(m));
  assert.throws(() => bp.moduleFromConfig({ type: 'Nope' }), /unknown module type 'Nope'/);
  assert.throws(() => bp.moduleFromConfig({ type: 'Linear', inFeatures: 'x', outFeatures: 2 }), /Linear: field 'inFeatures' must be a number/);
});

test('train()/eval(): dropout zeroes and rescales in training, is the identity in eval', () => {
  manualSeed(3);
  const d = new Dropout(0.5);
  const x = bp.ones([1000]);
  const y = d.forward(x);
  const zeros = Array.from(y.data).filter((v) => v === 0).length;
  assert.ok(zeros > 420 && zeros < 580, `${zeros} zeros`);
  assert.ok(Array.from(y.data).every((v) => v === 0 || v === 2));
  const m = new Sequential(new Flatten(), d);
  m.eval();
  assert.equal(d.training, false);
  assert.deepEqual(m.forward(bp.ones([2, 2, 2])).toArray(), [[1, 1, 1, 1], [1, 1, 1, 1]]);
  m.train();
  assert.equal(d.training, true);
});

test('initialisers have the variances their formulas give', () => {
  manualSeed(4);
  const w = bp.zeros([400, 300]);
  const variance = (t: bp.Tensor) => Array.from(t.data).reduce((s, v) => s + v * v, 0) / t.size;
  init.xavierUniform(w);
  assert.ok(Math.abs(variance(w) / (2 / 700) - 1) < 0.05);
  init.xavierNormal(w);
  assert.ok(Math.abs(variance(w) / (2 / 700) - 1) < 0.05);
  init.kaimingNormal(w);
  assert.ok(Math.abs(variance(w) / (2 / 300) - 1) < 0.05);
  init.kaimingUniform(w, { mode: 'fanOut' });
  assert.ok(Math.abs(variance(w) / (2 / 400) - 1) < 0.05);
  init.constant(w, 0.3);
  assert.ok(Array.from(w.data).every((v) => Math.abs(v - 0.3) < 1e-7));
  assert.throws(() => init.xavierUniform(bp.zeros([3])), bp.ConfigError);
  manualSeed(4);
  const a = mlp([5, 5]).stateDict()['0.weight'].toArray();
  manualSeed(4);
  assert.deepEqual(mlp([5, 5]).stateDict()['0.weight'].toArray(), a, 'seeded init is repeatable');
});

test('every activation of the core has a layer, rebuilt from its config', () => {
  const xs = [-2, -0.5, 0, 1.5];
  const x = bp.tensor([xs]);
  // Expected values from each activation's formula, computed here in float64 (not by the library).
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const expSum = xs.reduce((a, v) => a + Math.exp(v), 0);
  const layers: [bp.Module, number[]][] = [
    [new bp.Sigmoid(), xs.map(sig)],
    [new bp.Tanh(), xs.map(Math.tanh)],
    [new bp.ReLU(), xs.map((v) => Math.max(v, 0))],
    [new bp.LeakyReLU(0.1), xs.map((v) => (v > 0 ? v : 0.1 * v))],
    [new bp.Softplus(), xs.map((v) => Math.log1p(Math.exp(v)))],
    [new bp.ELU(0.5), xs.map((v) => (v > 0 ? v : 0.5 * Math.expm1(v)))],
    [new bp.Identity(), xs],
    [new bp.Sign(), [-1, -1, 0, 1]],
    [new bp.Step(0, -1, 1), [-1, -1, 1, 1]], // z ≥ threshold → high, else low
    [new bp.Softmax(), xs.map((v) => Math.exp(v) / expSum)],
    [new bp.LogSoftmax(), xs.map((v) => v - Math.log(expSum))],
  ];
  for (const [layer, expected] of layers) {
    const name = layer.constructor.name;
    const got = layer.forward(x);
    assert.deepEqual(got.shape, [1, 4], name);
    assertClose(got, [expected], 1e-6, 1e-6, name);
    const rebuilt = bp.moduleFromConfig(JSON.parse(JSON.stringify(layer.toConfig())));
    assert.equal(rebuilt.constructor.name, name, `${name} rebuilt from its config`);
    assertClose(rebuilt.forward(x), [expected], 1e-6, 1e-6, `${name} from config`);
  }
});

test('an array of Modules assigned as a field is registered like a PyTorch ModuleList', () => {
  bp.manualSeed(0);
  class Net extends bp.Module {
    layers = [new Linear(4, 8), new Linear(8, 3)];
    scale = bp.ones([3], { requiresGrad: true });
    override forward(x: bp.Tensor): bp.Tensor {
      return bp.mul(this.layers[1].forward(bp.relu(this.layers[0].forward(x))), this.scale);
    }
  }
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n]) => n), ['scale', 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  assert.equal(net.numParameters(), 3 + 32 + 8 + 24 + 3);
  // Sequential keeps its layers in an array too: they stay named 0, 1, … and are not doubled.
  assert.deepEqual(mlp([2, 3, 1]).namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.weight', '2.bias']);
});
