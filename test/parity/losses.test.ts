// Parity with PyTorch: replays test/fixtures/losses.json (made by scripts/make_loss_fixtures.py): every loss's output and gradient, and Sequential nets loaded from a torch state_dict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose } from './compare.js';
import { Tensor, tensor, sum, mul, type NestedArray } from '../../src/index.js';
import {
  l2, mse, mae, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nll, klDiv, klDivergence, l2Penalty,
  type Reduction,
} from '../../src/losses/index.js';
import { Module, Sequential, Linear, Tanh, ReLU, Sigmoid, Identity } from '../../src/nn/index.js';

/** One loss case: grads[i] = ∂out/∂inputs[i] for a scalar out (w null), else ∂(out·w).sum()/∂inputs[i]. */
interface LossCase {
  name: string;
  loss: string;
  options: Options;
  inputs: NestedArray[];
  target: NestedArray | null;
  w: NestedArray | null;
  out: NestedArray;
  grads: NestedArray[];
}

/** One layer case: a torch nn.Sequential, its state_dict, and the gradients of its mean cross-entropy. */
interface LayerCase {
  name: string;
  layers: Options[];
  stateDict: Record<string, NestedArray>;
  input: NestedArray;
  labels: NestedArray;
  out: NestedArray;
  loss: NestedArray;
  inputGrad: NestedArray;
  grads: Record<string, NestedArray>;
}

interface Fixture {
  torch: string;
  seed: number;
  cases: LossCase[];
  layerCases: LayerCase[];
}

type Options = Record<string, unknown>;


const fixture = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8')) as Fixture;

// ---------------------------------------------------------------- reading options strictly

function num(o: Options, key: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new Error(`fixture option '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function optNum(o: Options, key: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key);
}

function bool(o: Options, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new Error(`fixture option '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function reduction(o: Options): Reduction {
  const r = o.reduction;
  if (r === 'mean' || r === 'sum' || r === 'none') return r;
  throw new Error(`fixture option 'reduction' must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
}

function klReduction(o: Options): Reduction | 'batchmean' {
  return o.reduction === 'batchmean' ? 'batchmean' : reduction(o);
}

function klOptions(o: Options): { reduction: Reduction | 'batchmean'; logTarget: boolean } {
  return { reduction: klReduction(o), logTarget: o.logTarget === undefined ? false : bool(o, 'logTarget') };
}

// ---------------------------------------------------------------- fixture loss → backprop call

type LossRun = (xs: Tensor[], target: Tensor | null, o: Options) => Tensor;

/** A loss of one prediction and a target. */
function pair(fn: (y: Tensor, d: Tensor, o: Options) => Tensor, name: string): LossRun {
  return (xs, target, o) => {
    if (xs.length !== 1) throw new Error(`${name}: expected 1 input tensor, got ${xs.length}`);
    if (!target) throw new Error(`${name}: the case has no target`);
    return fn(xs[0], target, o);
  };
}

const LOSSES: Record<string, LossRun> = {
  l2: pair((y, d, o) => l2(y, d, { reduction: reduction(o) }), 'l2'),
  mse: pair((y, d, o) => mse(y, d, { reduction: reduction(o) }), 'mse'),
  mae: pair((y, d, o) => mae(y, d, { reduction: reduction(o) }), 'mae'),
  binaryCrossEntropy: pair((y, d, o) => binaryCrossEntropy(y, d, { reduction: reduction(o) }), 'binaryCrossEntropy'),
  binaryCrossEntropyWithLogits: pair((z, d, o) => binaryCrossEntropyWithLogits(z, d, { reduction: reduction(o) }), 'binaryCrossEntropyWithLogits'),
  crossEntropy: pair((s, d, o) => crossEntropy(s, d, { reduction: reduction(o), labelSmoothing: optNum(o, 'labelSmoothing') }), 'crossEntropy'),
  nll: pair((lp, k, o) => nll(lp, k, { reduction: reduction(o) }), 'nll'),
  // klDiv's target is a second differentiable input when the case checks its gradient
  klDiv: (xs, target, o) => {
    if (xs.length === 2 && target === null) return klDiv(xs[0], xs[1], klOptions(o));
    return pair((lp, p) => klDiv(lp, p, klOptions(o)), 'klDiv')(xs, target, o);
  },
  klDivergence: (xs, target, o) => {
    if (xs.length !== 2 || target !== null) throw new Error('klDivergence: expected inputs [p, q] and no target');
    return klDivergence(xs[0], xs[1], { reduction: reduction(o) });
  },
  l2Penalty: (xs, target, o) => {
    if (target !== null) throw new Error('l2Penalty: the case should have no target');
    return l2Penalty(xs, num(o, 'lambda'));
  },
};

/** Fixture layer description → backprop layer. */
const LAYERS: Record<string, (o: Options) => Module> = {
  Linear: (o) => new Linear(num(o, 'inFeatures'), num(o, 'outFeatures'), { bias: bool(o, 'bias') }),
  Tanh: () => new Tanh(),
  ReLU: () => new ReLU(),
  Sigmoid: () => new Sigmoid(),
  Identity: () => new Identity(),
};

// ---------------------------------------------------------------- comparison

// ---------------------------------------------------------------- the tests

test('loss fixture is present and well formed', () => {
  assert.ok(fixture.cases.length > 0, 'no loss cases in test/fixtures/losses.json');
  assert.ok(fixture.layerCases.length > 0, 'no layer cases in test/fixtures/losses.json');
  const names = [...fixture.cases, ...fixture.layerCases].map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'case names must be unique');
  for (const c of fixture.cases) {
    assert.equal(c.grads.length, c.inputs.length, `${c.name}: one gradient per input`);
    assert.equal(c.w === null, !Array.isArray(c.out), `${c.name}: w must be given exactly when the output is not a scalar`);
  }
});

test('every fixture loss and layer is mapped, and every mapped loss has a case', () => {
  const used = new Set(fixture.cases.map((c) => c.loss));
  const unknown = [...used].filter((l) => !Object.hasOwn(LOSSES, l));
  assert.deepEqual(unknown, [], `fixture losses missing from the mapping in test/parity/losses.test.ts: ${unknown.join(', ')}`);
  const unused = Object.keys(LOSSES).filter((l) => !used.has(l));
  assert.deepEqual(unused, [], `mapped losses with no fixture case: ${unused.join(', ')}`);
  const types = new Set(fixture.layerCases.flatMap((c) => c.layers.map((l) => String(l.type))));
  const unknownLayers = [...types].filter((t) => !Object.hasOwn(LAYERS, t));
  assert.deepEqual(unknownLayers, [], `fixture layer types missing from the mapping: ${unknownLayers.join(', ')}`);
});

for (const c of fixture.cases) {
  test(`${c.name} (${c.loss})`, () => {
    const run = Object.hasOwn(LOSSES, c.loss) ? LOSSES[c.loss] : undefined;
    if (!run) assert.fail(`unknown fixture loss '${c.loss}' in case ${c.name}: add it to LOSSES in test/parity/losses.test.ts`);
    const xs = c.inputs.map((v) => tensor(v, { requiresGrad: true }));
    const target = c.target === null ? null : tensor(c.target);

    const out = run(xs, target, c.options);
    assertClose(`${c.name}: forward output`, out, c.out);

    const objective = c.w === null ? out : sum(mul(out, tensor(c.w)));
    assert.equal(objective.ndim, 0, `${c.name}: the back-propagated value must be a scalar`);
    objective.backward();
    xs.forEach((x, i) => assertClose(`${c.name}: gradient of input ${i}`, x.grad, c.grads[i]));
  });
}

for (const c of fixture.layerCases) {
  test(`${c.name} (layers)`, () => {
    const layers = c.layers.map((l, i) => {
      const make = typeof l.type === 'string' && Object.hasOwn(LAYERS, l.type) ? LAYERS[l.type] : undefined;
      if (!make) assert.fail(`${c.name}: unknown layer type ${JSON.stringify(l.type)} at position ${i}: add it to LAYERS in test/parity/losses.test.ts`);
      return make(l);
    });
    const net = new Sequential(...layers);

    // backprop names Sequential children '0', '1', … like torch, parameter-free layers included
    assert.deepEqual(Object.keys(net.stateDict()), Object.keys(c.stateDict), `${c.name}: state dict keys differ from torch's`);
    assert.deepEqual(net.namedParameters().map(([k]) => k), Object.keys(c.grads), `${c.name}: parameter names differ from torch's`);

    const state: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.stateDict)) state[k] = tensor(v);
    net.loadStateDict(state);
    for (const [k, p] of Object.entries(net.stateDict())) assertClose(`${c.name}: loaded ${k}`, p, c.stateDict[k]);

    const x = tensor(c.input, { requiresGrad: true });
    const out = net.forward(x);
    assertClose(`${c.name}: forward output`, out, c.out);
    const loss = crossEntropy(out, tensor(c.labels));
    assertClose(`${c.name}: cross-entropy`, loss, c.loss);
    loss.backward();
    const params = new Map(net.namedParameters());
    for (const [k, g] of Object.entries(c.grads)) {
      const p = params.get(k);
      if (!p) assert.fail(`${c.name}: backprop has no parameter '${k}'`);
      assertClose(`${c.name}: gradient of ${k}`, p.grad, g);
    }
    assertClose(`${c.name}: gradient of the input`, x.grad, c.inputGrad);
  });
}
