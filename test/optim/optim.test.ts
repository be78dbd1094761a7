// Optimisers beyond PyTorch parity: clipping, option validation, state dicts (bit-for-bit resume), schedules' closed forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor, tensor, zeros, randn, manualSeed, linear, sub, pow, sum, add, div, mul, backward,
  ConfigError, ValueError, ShapeError,
} from '../../src/index.js';
import {
  SGD, Adam, AdamW, RMSprop, StepLR, ExponentialLR, InverseTimeLR, CosineAnnealingLR, clipGradNorm, clipGradValue,
  type Optimizer, type BaseHyper, type OptimizerStateDict, type OptimizerStateDictInput, type SchedulerStateDict, type Params, type LRScheduler,
} from '../../src/optim/index.js';
import { encodeCheckpoint, decodeCheckpoint } from '../../src/io/index.js';
import { assertClose, throwsWith } from '../helpers.js';


/** A parameter with a given gradient. */
function withGrad(values: number[], grad: number[]): Tensor {
  const p = tensor(values, { requiresGrad: true });
  p.grad = tensor(grad);
  return p;
}

const gradOf = (p: Tensor): number[] => Array.from((p.grad as Tensor).data);

// ---------------------------------------------------------------- clipping

test('clipGradNorm scales all gradients by maxNorm / (‖∇E‖₂ + 1e-6) and returns the norm before', () => {
  const a = withGrad([0, 0], [3, 4]);
  const b = withGrad([0], [12]);
  const total = clipGradNorm([a, b], 6.5);
  assert.equal(total, 13);
  const s = 6.5 / (13 + 1e-6);
  assertClose(gradOf(a), [3 * s, 4 * s], 1e-7, 1e-6);
  assertClose(gradOf(b), [12 * s], 1e-7, 1e-6);
  // The clipped norm is maxNorm (to float32 precision).
  assertClose(clipGradNorm([a, b], 100), 6.5, 1e-5, 1e-6);
});

test('clipGradNorm leaves gradients whose norm is within maxNorm untouched', () => {
  const a = withGrad([0, 0], [0.3, -0.4]);
  const before = gradOf(a);
  const total = clipGradNorm(a, 1);
  assertClose(total, 0.5, 1e-7, 1e-6);
  assert.deepEqual(gradOf(a), before);
});

test('clipGradNorm with normType 1 and Infinity', () => {
  const a = withGrad([0, 0, 0], [1, -2, 3]);
  const b = withGrad([0], [-6]);
  assert.equal(clipGradNorm([a, b], 1e9, 1), 12);
  assert.equal(clipGradNorm([a, b], 1e9, Infinity), 6);
  const t = clipGradNorm([a, b], 3, Infinity);
  assert.equal(t, 6);
  assertClose(gradOf(b), [-3], 1e-6, 1e-6);
  assertClose(gradOf(a), [0.5, -1, 1.5], 1e-6, 1e-6);
  // p = 3: (1 + 8 + 27 + 216)^(1/3)
  const c = withGrad([0, 0, 0, 0], [1, -2, 3, -6]);
  assertClose(clipGradNorm(c, 1e9, 3), 252 ** (1 / 3), 1e-6, 1e-6);
});

test('clipGradNorm skips parameters without a gradient, and returns 0 when none has one', () => {
  const a = withGrad([0, 0], [3, 4]);
  const none = tensor([1, 2], { requiresGrad: true });
  assert.equal(clipGradNorm([a, none], 1), 5);
  assert.equal(none.grad, null);
  assert.equal(clipGradNorm([none], 1), 0);
});

test('clipGradNorm: a non-finite norm poisons the gradients like PyTorch, or throws when asked', () => {
  const a = withGrad([0, 0], [NaN, 1]);
  throwsWith(() => clipGradNorm(a, 1, 2, true), ValueError, /total norm of order 2 .* is NaN/);
  assert.ok(Number.isNaN(clipGradNorm(a, 1)));
  assert.ok(gradOf(a).every(Number.isNaN));
  const b = withGrad([0, 0], [Infinity, 1]);
  throwsWith(() => clipGradNorm(b, 1, 2, true), ValueError, /is Infinity/);
});

test('clipGradNorm and clipGradValue validate their arguments', () => {
  const a = withGrad([0], [1]);
  throwsWith(() => clipGradNorm(a, -1), ConfigError, /maxNorm = -1/);
  throwsWith(() => clipGradNorm(a, 1, 0), ConfigError, /normType = 0/);
  throwsWith(() => clipGradNorm(a, 1, NaN), ConfigError, /normType = NaN/);
  throwsWith(() => clipGradValue(a, -0.5), ConfigError, /clipValue = -0.5/);
  throwsWith(() => clipGradNorm([a, 3 as unknown as Tensor], 1), ConfigError, /params\[1\] is not a Tensor/);
});

test('clipGradValue clamps every gradient element into [−c, c]', () => {
  const a = withGrad([0, 0, 0, 0], [-3, -0.5, 0.25, 7]);
  const b = withGrad([0], [1]);
  clipGradValue([a, b], 1);
  assert.deepEqual(gradOf(a), [-1, -0.5, 0.25, 1]);
  assert.deepEqual(gradOf(b), [1]);
});

// ---------------------------------------------------------------- validation

test('optimiser options are validated with a ConfigError naming the field and value', () => {
  const p = [tensor([1, 2], { requiresGrad: true })];
  throwsWith(() => new SGD(p, { lr: -0.1 }), ConfigError, /SGD: invalid lr = -0\.1/);
  throwsWith(() => new SGD(p, {} as { lr: number }), ConfigError, /SGD: lr is required/);
  throwsWith(() => new SGD(p, { lr: 0.1, momentum: -0.9 }), ConfigError, /invalid momentum = -0\.9/);
  throwsWith(() => new SGD(p, { lr: 0.1, weightDecay: NaN }), ConfigError, /invalid weightDecay = NaN/);
  throwsWith(() => new SGD(p, { lr: 0.1, nesterov: true }), ConfigError, /nesterov = true with momentum = 0/);
  throwsWith(() => new SGD(p, { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), ConfigError, /dampening = 0\.1/);
  throwsWith(() => new Adam(p, { lr: -1 }), ConfigError, /Adam: invalid lr = -1/);
  throwsWith(() => new Adam(p, { betas: [1, 0.999] }), ConfigError, /invalid betas\[0\] = 1: must be in \[0, 1\)/);
  throwsWith(() => new AdamW(p, { betas: [0.9, -0.1] }), ConfigError, /AdamW: invalid betas\[1\] = -0\.1/);
  throwsWith(() => new Adam(p, { eps: -1e-8 }), ConfigError, /invalid eps = -1e-8/);
  throwsWith(() => new Adam(p, { weightDecay: -0.01 }), ConfigError, /invalid weightDecay = -0\.01/);
  throwsWith(() => new RMSprop(p, { alpha: -0.5 }), ConfigError, /RMSprop: invalid alpha = -0\.5/);
  throwsWith(() => new RMSprop(p, { momentum: -1 }), ConfigError, /invalid momentum = -1/);
});

test('unknown options and options of the wrong kind are refused', () => {
  const p = [tensor([1, 2], { requiresGrad: true })];
  throwsWith(() => new SGD(p, { lr: 0.1, weight_decay: 0.1 } as unknown as { lr: number }), ConfigError, /unknown option 'weight_decay'.*weightDecay/);
  throwsWith(() => new SGD(p, { lr: 0.1, momentum: '0.9' as unknown as number }), ConfigError, /momentum must be a number, got "0\.9"/);
  throwsWith(() => new Adam(p, { amsgrad: 1 as unknown as boolean }), ConfigError, /amsgrad must be true or false, got 1/);
  throwsWith(() => new Adam(p, { betas: [0.9] as unknown as [number, number] }), ConfigError, /betas must be a list of 2 numbers, got \[0\.9\]/);
});

test('parameter lists and groups are validated', () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3], { requiresGrad: true });
  throwsWith(() => new SGD([], { lr: 0.1 }), ConfigError, /empty parameter list/);
  throwsWith(() => new SGD([w, w], { lr: 0.1 }), ConfigError, /params\[1\] appears more than once/);
  throwsWith(() => new SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 }), ConfigError, /param group 1.*appears more than once/);
  throwsWith(() => new SGD([{ params: [w], lr: -2 }], { lr: 0.1 }), ConfigError, /SGD \(param group 0\): invalid lr = -2/);
  throwsWith(() => new SGD([w, { params: [b] }] as unknown as Params<BaseHyper>, { lr: 0.1 }), ConfigError, /mixes tensors and/);
  throwsWith(() => new SGD([mul(w, 2)], { lr: 0.1 }), ConfigError, /not a leaf/);
  throwsWith(() => new SGD([{ params: [] }], { lr: 0.1 }), ConfigError, /params is empty/);
});

// ---------------------------------------------------------------- basic behaviour

test('zeroGrad sets gradients to null and step skips parameters without a gradient', () => {
  const w = withGrad([1, 2], [0.5, -1]);
  const frozen = tensor([5, 6], { requiresGrad: true });
  const opt = new Adam([w, frozen], { lr: 0.1 });
  opt.step();
  assert.deepEqual(Array.from(frozen.data), [5, 6]);
  assert.equal(opt.state.has(frozen), false);
  // Adam's first step, by hand: m̂ = g, v̂ = g², θ ← θ − lr·g/(|g| + ε) = θ − 0.1·sign(g) (to 1e-8).
  assertClose(Array.from(w.data), [0.9, 2.1], 1e-6, 1e-6);
  opt.zeroGrad();
  assert.equal(w.grad, null);
  assert.equal(frozen.grad, null);
  const before = Array.from(w.data);
  opt.step();
  assert.deepEqual(Array.from(w.data), before);
});

test('one SGD step is θ ← θ − η·∇E; a mismatched gradient is a ShapeError', () => {
  const w = withGrad([1, 2], [0.5, -1]);
  new SGD([w], { lr: 0.1 }).step();
  assertClose(Array.from(w.data), [0.95, 2.1], 1e-7, 1e-6);
  const v = tensor([1, 2], { requiresGrad: true });
  v.grad = tensor([1, 2, 3]);
  throwsWith(() => new SGD([v], { lr: 0.1 }).step(), ShapeError, /gradient of shape \[3\] does not match its parameter's shape \[2\]/);
});

test('lr reads the first group and sets every group; groups keep their own hyper-parameters', () => {
  const w = tensor([1], { requiresGrad: true });
  const b = tensor([2], { requiresGrad: true });
  const opt = new SGD([{ params: [w] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
  assert.equal(opt.lr, 0.1);
  assert.equal(opt.paramGroups[1].lr, 0.5);
  assert.equal(opt.paramGroups[1].momentum, 0.9);
  assert.equal(opt.paramGroups[0].momentum, 0);
  opt.lr = 0.01;
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.01, 0.01]);
  throwsWith(() => (opt.lr = -1), ConfigError, /invalid lr = -1/);
  const c = tensor([3], { requiresGrad: true });
  opt.addParamGroup({ params: [c], weightDecay: 0.1 });
  assert.equal(opt.paramGroups[2].weightDecay, 0.1);
  assert.equal(opt.paramGroups[2].lr, 0.1, 'a new group takes the defaults, not the current lr');
  assert.equal(new AdamW([c]).paramGroups[0].weightDecay, 0.01, 'AdamW defaults weightDecay to 1e-2 like PyTorch');
});

// ---------------------------------------------------------------- state dicts and resuming

/** A small regression problem: E = Σ(X·Wᵀ + b − T)² + ΣW³/10 for fixed seeded X, T. */
function problem(): { params: () => Tensor[]; lossStep: (opt: Optimizer<BaseHyper>, ps: Tensor[]) => void } {
  manualSeed(7);
  const X = randn([8, 3]);
  const T = randn([8, 2]);
  const W0 = randn([2, 3]);
  const b0 = randn([2]);
  return {
    params: () => [tensor(W0.toArray(), { requiresGrad: true }), tensor(b0.toArray(), { requiresGrad: true })],
    lossStep: (opt, [W, b]) => {
      opt.zeroGrad();
      backward(add(sum(pow(sub(linear(X, W, b), T), 2)), div(sum(pow(W, 3)), 10)));
      opt.step();
    },
  };
}

type Make = (ps: Tensor[]) => Optimizer<BaseHyper>;

const resumeCases: [string, Make][] = [
  ['SGD nesterov + weight decay', (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['SGD dampening, two groups', (ps) => new SGD([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.02, momentum: 0.5 }], { lr: 0.01, momentum: 0.8, dampening: 0.2 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.05 })],
  ['Adam amsgrad + weight decay', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true, weightDecay: 0.1, betas: [0.8, 0.95] })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01 })],
  ['RMSprop centered + momentum', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 })],
];

/** A state dict after a trip through a checkpoint file's bytes, as a resumed run gets it. */
function throughCheckpoint(sd: OptimizerStateDict): OptimizerStateDictInput {
  const back = decodeCheckpoint(encodeCheckpoint({ model: {}, optimizer: sd, epoch: 0 }));
  return back.optimizer as unknown as OptimizerStateDictInput;
}

for (const [name, make] of resumeCases) {
  test(`${name}: 2 steps + stateDict → checkpoint bytes → loadStateDict + 3 steps equals 5 steps bit for bit`, () => {
    const { params, lossStep } = problem();
    const straight = params();
    const optA = make(straight);
    for (let k = 0; k < 5; k++) lossStep(optA, straight);

    const first = params();
    const optB = make(first);
    for (let k = 0; k < 2; k++) lossStep(optB, first);
    const sd = optB.stateDict();
    const saved = throughCheckpoint(sd);
    // The resumed run gets fresh tensors holding the saved values, as loading a model checkpoint would give.
    const resumed = first.map((p) => tensor(p.toArray(), { requiresGrad: true }));
    // Different hyper-parameters in the constructor: loadStateDict must restore the saved ones.
    const optC = make(resumed);
    optC.lr = 123;
    optC.loadStateDict(saved);
    assert.deepEqual(optC.stateDict(), sd);
    for (let k = 0; k < 3; k++) lossStep(optC, resumed);

    resumed.forEach((p, i) => assert.deepEqual(p.data, straight[i].data, `parameter ${i} differs after resuming`));
    assert.deepEqual(optC.stateDict(), optA.stateDict());
  });
}

test('stateDict: buffers are Tensors shaped like their parameters (copies), steps are numbers, groups name their parameters', () => {
  const w = tensor([[1, 2]], { requiresGrad: true });
  w.grad = tensor([[0.5, -1]]);
  const b = withGrad([3], [2]);
  const opt = new Adam([{ params: [w] }, { params: [b], lr: 0.5 }], { amsgrad: true });
  opt.step();
  const sd = opt.stateDict();
  assert.equal(sd.optimizer, 'Adam');
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0], [1]]);
  assert.deepEqual(sd.paramGroups[0].betas, [0.9, 0.999]);
  assert.equal(sd.paramGroups[1].lr, 0.5);
  assert.equal(sd.state['0'].step, 1);
  const m0 = sd.state['0'].expAvg as Tensor;
  assert.ok(m0 instanceof Tensor);
  assert.deepEqual(m0.shape, [1, 2]);
  // After one step from zero state: m = (1 − β₁)·g, v = (1 − β₂)·g², max v = v (float32 buffers).
  assertClose(Array.from(m0.data), [0.1 * 0.5, 0.1 * -1], 1e-9, 1e-6);
  assertClose(Array.from((sd.state['0'].expAvgSq as Tensor).data), [0.001 * 0.25, 0.001 * 1], 1e-10, 1e-6);
  assertClose(Array.from((sd.state['1'].expAvg as Tensor).data), [0.1 * 2], 1e-9, 1e-6);
  assertClose(Array.from((sd.state['1'].maxExpAvgSq as Tensor).data), [0.001 * 4], 1e-10, 1e-6);
  // A copy: stepping again does not change the dict already taken.
  const before = Array.from(m0.data);
  opt.step();
  assert.deepEqual(Array.from(m0.data), before);
});

test('loadStateDict still accepts number lists and Float32Array buffers (state dicts of older checkpoints)', () => {
  const w = withGrad([1, 2], [0.5, -1]);
  const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
  opt.loadStateDict({
    optimizer: 'SGD',
    paramGroups: [{ params: [0], lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false }],
    state: { '0': { momentumBuffer: new Float32Array([1, 1]) } },
  });
  opt.step();
  // b ← 0.9·1 + 1·g; θ ← θ − 0.1·b
  assertClose(Array.from(w.data), [1 - 0.1 * 1.4, 2 - 0.1 * -0.1], 1e-6, 1e-6);
  const w2 = withGrad([1, 2], [0.5, -1]);
  const opt2 = new SGD([w2], { lr: 0.1, momentum: 0.9 });
  opt2.loadStateDict({ optimizer: 'SGD', paramGroups: [{ params: [0], lr: 0.1, momentum: 0.9 }], state: { '0': { momentumBuffer: [1, 1] } } });
  opt2.step();
  assert.deepEqual(Array.from(w2.data), Array.from(w.data));
});

test('loadStateDict checks every field (kind, shape against the parameter, unknown keys), then leaves the optimiser as it was', () => {
  const w = tensor([[1, 2]], { requiresGrad: true });
  w.grad = tensor([[0.5, -1]]);
  const opt = new Adam([w], { lr: 0.1 });
  opt.step();
  const good = opt.stateDict();
  type Sd = { optimizer: unknown; paramGroups: Record<string, unknown>[]; state: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const bad = (patch: (sd: Sd) => void): OptimizerStateDictInput => {
    const sd = { ...good, paramGroups: good.paramGroups.map((g) => ({ ...g })), state: { '0': { ...good.state['0'] } } } as unknown as Sd;
    patch(sd);
    return sd as unknown as OptimizerStateDictInput;
  };
  const cases: [string, OptimizerStateDictInput, typeof ValueError | typeof ShapeError | typeof ConfigError, RegExp][] = [
    ['other optimiser', bad((sd) => (sd.optimizer = 'SGD')), ValueError, /written by "SGD", not Adam/],
    ['unknown top-level field', bad((sd) => (sd.extra = 1)), ValueError, /unknown field 'extra'/],
    ['transposed buffer', bad((sd) => (sd.state['0'].expAvg = tensor([[1], [2]]))), ShapeError, /state\[0\]\.expAvg has shape \[2, 1\] but its parameter has shape \[1, 2\]/],
    ['short list', bad((sd) => (sd.state['0'].expAvg = [1])), ShapeError, /state\[0\]\.expAvg has 1 values but its parameter \(shape \[1, 2\]\) has 2/],
    ['NaN in a buffer', bad((sd) => (sd.state['0'].expAvgSq = tensor([[1, NaN]]))), ValueError, /state\[0\]\.expAvgSq\[1\] = number NaN is not a finite number/],
    ['null in a list (JSON of NaN)', bad((sd) => (sd.state['0'].expAvgSq = [1, null])), ValueError, /expAvgSq\[1\] = null is not a finite number/],
    ['string buffer', bad((sd) => (sd.state['0'].expAvg = 'oops')), ValueError, /state\[0\]\.expAvg must be a Tensor shaped like its parameter, got string "oops"/],
    ['unknown state field', bad((sd) => (sd.state['0'].momentum = tensor([[0, 0]]))), ValueError, /state\[0\]\.momentum: unknown state field \(this optimiser keeps step, expAvg, expAvgSq, maxExpAvgSq\)/],
    ['fractional step', bad((sd) => (sd.state['0'].step = 1.5)), ValueError, /state\[0\]\.step must be a whole number ≥ 0, got number 1\.5/],
    ['step as a tensor', bad((sd) => (sd.state['0'].step = tensor([1]))), ValueError, /state\[0\]\.step must be a whole number ≥ 0, got a Tensor/],
    ['state entry not an object', bad((sd) => (sd.state['0'] = 3 as unknown as Record<string, unknown>)), ValueError, /state\[0\] must be an object/],
    ['bad lr', bad((sd) => (sd.paramGroups[0].lr = -1)), ConfigError, /invalid lr = -1/],
    ['unknown hyper-parameter', bad((sd) => (sd.paramGroups[0].momentum = 0.9)), ValueError, /unknown hyper-parameter 'momentum'/],
    ['wrong parameter index in a group', bad((sd) => (sd.paramGroups[0].params = [3])), ValueError, /params\[0\] is 3, expected 0/],
    ['state for a parameter that does not exist', bad((sd) => (sd.state['5'] = sd.state['0'])), ValueError, /parameter '5', but there are only 1/],
    ['index written oddly', bad((sd) => (sd.state['00'] = sd.state['0'])), ValueError, /parameter '00'/],
  ];
  for (const [what, sd, Err, pattern] of cases) {
    assert.throws(() => opt.loadStateDict(sd), (e: unknown) => e instanceof Err && pattern.test((e as Error).message), what);
  }
  throwsWith(() => new SGD([w], { lr: 0.1 }).loadStateDict(good), ValueError, /written by "Adam", not SGD/);
  const twoGroups = new Adam([{ params: [w] }, { params: [tensor([1], { requiresGrad: true })] }]);
  throwsWith(() => twoGroups.loadStateDict(good), ValueError, /has 1 param groups; this optimiser has 2/);
  assert.deepEqual(opt.stateDict(), good);
});

// ---------------------------------------------------------------- schedules

function sgd(...lrs: number[]): SGD {
  return new SGD(lrs.map((lr) => ({ params: [zeros([1], { requiresGrad: true })], lr })), { lr: lrs[0] });
}

/** The lr of each group after each of `epochs` epochs (index 0: at creation). */
function lrSeries(s: LRScheduler<Record<string, number>>, epochs: number): number[][] {
  const out = [s.getLastLr()];
  for (let t = 1; t <= epochs; t++) {
    s.step();
    out.push(s.getLastLr());
    assert.deepEqual(s.optimizer.paramGroups.map((g) => g.lr), s.getLastLr());
  }
  return out;
}

test('StepLR: η_t = η₀·γ^⌊t/stepSize⌋ for each group', () => {
  const s = new StepLR(sgd(0.2, 1), { stepSize: 3, gamma: 0.5 });
  const got = lrSeries(s, 10);
  for (let t = 0; t <= 10; t++) assertClose(got[t], [0.2 * 0.5 ** Math.floor(t / 3), 0.5 ** Math.floor(t / 3)], 0, 1e-15);
  assert.deepEqual(got[2], [0.2, 1]);
  assert.deepEqual(got[3], [0.1, 0.5]);
  assert.equal(new StepLR(sgd(1), { stepSize: 1 }).options.gamma, 0.1);
  assert.equal(s.lastEpoch, 10);
  assert.deepEqual(s.baseLrs, [0.2, 1]);
});

test('ExponentialLR: η_t = η₀·γ^t', () => {
  const got = lrSeries(new ExponentialLR(sgd(0.1), { gamma: 0.9 }), 20);
  for (let t = 0; t <= 20; t++) assertClose(got[t][0], 0.1 * 0.9 ** t, 0, 1e-15);
});

test("InverseTimeLR: the lectures' 1/t decay η_t = η₀ / (1 + k·t)", () => {
  const got = lrSeries(new InverseTimeLR(sgd(0.3), { decay: 0.5 }), 10);
  for (let t = 0; t <= 10; t++) assertClose(got[t][0], 0.3 / (1 + 0.5 * t), 0, 1e-15);
  assertClose(got[2][0], 0.15, 0, 1e-15);
});

test('CosineAnnealingLR: η_t = ηmin + (η₀ − ηmin)(1 + cos(πt/T))/2, reaching ηmin at T', () => {
  const got = lrSeries(new CosineAnnealingLR(sgd(0.1), { tMax: 10, etaMin: 0.001 }), 20);
  for (let t = 0; t <= 20; t++) assertClose(got[t][0], 0.001 + (0.099 * (1 + Math.cos((Math.PI * t) / 10))) / 2, 0, 1e-14);
  assert.equal(got[0][0], 0.1);
  assertClose(got[5][0], 0.0505, 0, 1e-14);
  assertClose(got[10][0], 0.001, 0, 1e-14);
  assertClose(got[20][0], 0.1, 0, 1e-14);
  assert.equal(new CosineAnnealingLR(sgd(1), { tMax: 2 }).options.etaMin, 0);
});

test('schedules validate their options', () => {
  throwsWith(() => new StepLR(sgd(1), { stepSize: 0 }), ConfigError, /StepLR: invalid stepSize = 0/);
  throwsWith(() => new StepLR(sgd(1), { stepSize: 1.5 }), ConfigError, /invalid stepSize = 1\.5: must be an integer/);
  throwsWith(() => new StepLR(sgd(1), {} as { stepSize: number }), ConfigError, /stepSize is required/);
  throwsWith(() => new StepLR(sgd(1), { stepSize: 2, gamma: -0.1 }), ConfigError, /invalid gamma = -0\.1/);
  throwsWith(() => new ExponentialLR(sgd(1), { gamma: NaN }), ConfigError, /ExponentialLR: invalid gamma = NaN/);
  throwsWith(() => new InverseTimeLR(sgd(1), { decay: -1 }), ConfigError, /InverseTimeLR: invalid decay = -1/);
  throwsWith(() => new CosineAnnealingLR(sgd(1), { tMax: 0 }), ConfigError, /CosineAnnealingLR: invalid tMax = 0/);
  throwsWith(() => new CosineAnnealingLR(sgd(1), { tMax: 5, eta_min: 0 } as unknown as { tMax: number }), ConfigError, /unknown option 'eta_min'/);
});

test('a schedule resumed from its state dict (with the optimiser\'s) continues the same sequence', () => {
  const makers: [string, (o: SGD) => LRScheduler<Record<string, number>>][] = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
    ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.8 })],
    ['InverseTimeLR', (o) => new InverseTimeLR(o, { decay: 0.25 })],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 })],
  ];
  for (const [name, make] of makers) {
    const straight = make(sgd(0.1, 0.3));
    const expected = lrSeries(straight, 8);

    const optA = sgd(0.1, 0.3);
    const a = make(optA);
    for (let t = 0; t < 3; t++) a.step();
    const saved = JSON.stringify({ opt: optA.stateDict(), sched: a.stateDict() });

    const optB = sgd(0.1, 0.3);
    const b = make(optB);
    const { opt, sched } = JSON.parse(saved) as { opt: OptimizerStateDict; sched: SchedulerStateDict };
    optB.loadStateDict(opt);
    b.loadStateDict(sched);
    assert.deepEqual(b.getLastLr(), expected[3], name);
    assert.deepEqual(optB.paramGroups.map((g) => g.lr), expected[3], name);
    for (let t = 4; t <= 8; t++) {
      b.step();
      assert.deepEqual(b.getLastLr(), expected[t], `${name} epoch ${t}`);
    }
  }
  const s = new StepLR(sgd(1), { stepSize: 2 });
  throwsWith(() => s.loadStateDict(new ExponentialLR(sgd(1), { gamma: 0.5 }).stateDict()), ValueError, /written by "ExponentialLR", not StepLR/);
  throwsWith(() => s.loadStateDict({ ...s.stateDict(), baseLrs: [1, 2] }), ValueError, /baseLrs must be a list of 1/);
});
