// Parity with PyTorch: replays every case of test/fixtures/ops.json (made by scripts/make_fixtures.py) and checks outputs and input gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose, unpack } from './compare.js';
import {
  Tensor, tensor, add, sub, mul, div, neg, pow, exp, log, sqrt, abs, clamp, matmul, linear,
  sum, mean, max, min, logsumexp, sigmoid, tanh, relu, leakyRelu, softplus, elu, softmax, logSoftmax,
  reshape, transpose, permute, slice, indexSelect, gather, concat, stack,
  type NestedArray,
} from '../../src/index.js';

/** One fixture case: loss = (out * w).sum(), grads[i] = ∂loss/∂inputs[i]. */
interface Case {
  name: string;
  op: string;
  params: Params;
  inputs: NestedArray[];
  w: NestedArray;
  out: NestedArray;
  grads: NestedArray[];
}

interface Fixture {
  torch: string;
  seed: number;
  cases: Case[];
}

type Params = Record<string, unknown>;


const fixture = JSON.parse(readFileSync(new URL('../fixtures/ops.json', import.meta.url), 'utf8')) as Fixture;

// ---------------------------------------------------------------- reading parameters strictly

function num(p: Params, key: string): number {
  const v = p[key];
  if (typeof v !== 'number') throw new Error(`fixture parameter '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function optNum(p: Params, key: string): number | undefined {
  return p[key] === undefined ? undefined : num(p, key);
}

function optBool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v !== undefined && typeof v !== 'boolean') throw new Error(`fixture parameter '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function ints(p: Params, key: string): number[] {
  const v = p[key];
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d))) throw new Error(`fixture parameter '${key}' must be a list of integers, got ${JSON.stringify(v)}`);
  return v as number[];
}

function nested(p: Params, key: string): NestedArray {
  const v = p[key];
  if (!Array.isArray(v)) throw new Error(`fixture parameter '${key}' must be a nested list, got ${JSON.stringify(v)}`);
  return v as NestedArray;
}

function arity(xs: readonly Tensor[], n: number, op: string): void {
  if (xs.length !== n) throw new Error(`${op}: expected ${n} input tensor(s), got ${xs.length}`);
}

// ---------------------------------------------------------------- fixture op → backprop call

type BinaryFn = (a: Tensor | number, b: Tensor | number) => Tensor;

/** A binary op on two tensors, or on one tensor and params.scalar placed on params.side. */
function binary(fn: BinaryFn, name: string) {
  return (xs: Tensor[], p: Params): Tensor => {
    if (p.scalar === undefined) {
      arity(xs, 2, name);
      return fn(xs[0], xs[1]);
    }
    arity(xs, 1, name);
    const s = num(p, 'scalar');
    if (p.side === 'left') return fn(s, xs[0]);
    if (p.side === 'right') return fn(xs[0], s);
    throw new Error(`${name}: params.side must be 'left' or 'right', got ${JSON.stringify(p.side)}`);
  };
}

/** A one-input op. */
function unary(fn: (x: Tensor, p: Params) => Tensor, name: string) {
  return (xs: Tensor[], p: Params): Tensor => {
    arity(xs, 1, name);
    return fn(xs[0], p);
  };
}

const OPS: Record<string, (xs: Tensor[], p: Params) => Tensor> = {
  add: binary(add, 'add'),
  sub: binary(sub, 'sub'),
  mul: binary(mul, 'mul'),
  div: binary(div, 'div'),
  neg: unary((x) => neg(x), 'neg'),
  pow: unary((x, p) => pow(x, num(p, 'exponent')), 'pow'),
  exp: unary((x) => exp(x), 'exp'),
  log: unary((x) => log(x), 'log'),
  sqrt: unary((x) => sqrt(x), 'sqrt'),
  abs: unary((x) => abs(x), 'abs'),
  clamp: unary((x, p) => clamp(x, optNum(p, 'min'), optNum(p, 'max')), 'clamp'),
  matmul: (xs) => {
    arity(xs, 2, 'matmul');
    return matmul(xs[0], xs[1]);
  },
  linear: (xs) => {
    if (xs.length !== 2 && xs.length !== 3) throw new Error(`linear: expected 2 or 3 input tensors, got ${xs.length}`);
    return linear(xs[0], xs[1], xs[2]);
  },
  sum: unary((x, p) => sum(x, optNum(p, 'axis'), optBool(p, 'keepdims')), 'sum'),
  mean: unary((x, p) => mean(x, optNum(p, 'axis'), optBool(p, 'keepdims')), 'mean'),
  max: unary((x, p) => max(x, optNum(p, 'axis'), optBool(p, 'keepdims')), 'max'),
  min: unary((x, p) => min(x, optNum(p, 'axis'), optBool(p, 'keepdims')), 'min'),
  logsumexp: unary((x, p) => logsumexp(x, optNum(p, 'axis'), optBool(p, 'keepdims')), 'logsumexp'),
  sigmoid: unary((x) => sigmoid(x), 'sigmoid'),
  tanh: unary((x) => tanh(x), 'tanh'),
  relu: unary((x) => relu(x), 'relu'),
  leaky_relu: unary((x, p) => leakyRelu(x, optNum(p, 'slope')), 'leaky_relu'),
  softplus: unary((x) => softplus(x), 'softplus'),
  elu: unary((x, p) => elu(x, optNum(p, 'alpha')), 'elu'),
  softmax: unary((x, p) => softmax(x, num(p, 'axis')), 'softmax'),
  log_softmax: unary((x, p) => logSoftmax(x, num(p, 'axis')), 'log_softmax'),
  reshape: unary((x, p) => reshape(x, ints(p, 'shape')), 'reshape'),
  transpose: unary((x, p) => transpose(x, num(p, 'axis0'), num(p, 'axis1')), 'transpose'),
  permute: unary((x, p) => permute(x, ints(p, 'perm')), 'permute'),
  slice: unary((x, p) => slice(x, num(p, 'start'), optNum(p, 'end'), num(p, 'axis')), 'slice'),
  index_select: unary((x, p) => indexSelect(x, num(p, 'axis'), ints(p, 'indices')), 'index_select'),
  gather: unary((x, p) => gather(x, num(p, 'axis'), tensor(nested(p, 'index'))), 'gather'),
  cat: (xs, p) => concat(xs, num(p, 'axis')),
  stack: (xs, p) => stack(xs, num(p, 'axis')),
};

// ---------------------------------------------------------------- comparison

// ---------------------------------------------------------------- the tests

test('fixture is present and well formed', () => {
  assert.ok(fixture.cases.length > 0, 'no cases in test/fixtures/ops.json');
  const names = fixture.cases.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'case names must be unique');
  for (const c of fixture.cases) {
    assert.equal(c.grads.length, c.inputs.length, `${c.name}: one gradient per input`);
  }
});

test('every fixture op is mapped, and every mapped op has a case', () => {
  const used = new Set(fixture.cases.map((c) => c.op));
  const unknown = [...used].filter((op) => !Object.hasOwn(OPS, op));
  assert.deepEqual(unknown, [], `fixture ops missing from the mapping in test/parity/ops.test.ts: ${unknown.join(', ')}`);
  const unused = Object.keys(OPS).filter((op) => !used.has(op));
  assert.deepEqual(unused, [], `mapped ops with no fixture case: ${unused.join(', ')}`);
});

for (const c of fixture.cases) {
  test(`${c.name} (${c.op})`, () => {
    const run = Object.hasOwn(OPS, c.op) ? OPS[c.op] : undefined;
    if (!run) assert.fail(`unknown fixture op '${c.op}' in case ${c.name}: add it to OPS in test/parity/ops.test.ts`);
    const xs = c.inputs.map((v) => tensor(v, { requiresGrad: true }));
    xs.forEach((x, i) => assert.deepEqual([...x.shape], unpack(c.inputs[i]).shape, `${c.name}: input ${i} shape`));

    const out = run(xs, c.params);
    assertClose(`${c.name}: forward output`, out, c.out);

    const loss = sum(mul(out, tensor(c.w)));
    loss.backward();
    xs.forEach((x, i) => assertClose(`${c.name}: gradient of input ${i}`, x.grad, c.grads[i]));
  });
}
