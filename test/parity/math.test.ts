// Parity with PyTorch: replays test/fixtures/math.json (made by scripts/make_math_fixtures.py): torch.matmul with 1-D and broadcast batch operands, and reductions over lists of axes, values and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose } from './compare.js';
import { tensor, sum, mul, matmul, mean, max, min, logsumexp, type Tensor, type NestedArray } from '../../src/index.js';

type Options = Record<string, unknown>;

/** One case: grads[i] = ∂out/∂inputs[i] for a scalar out (w null), else ∂(out·w).sum()/∂inputs[i]. */
interface MathCase {
  name: string;
  op: string;
  options: Options;
  inputs: NestedArray[];
  w: NestedArray | null;
  out: NestedArray;
  grads: NestedArray[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/math.json', import.meta.url), 'utf8')) as { torch: string; cases: MathCase[] };

function axes(o: Options): number[] {
  const a = o.axes;
  if (!Array.isArray(a) || !a.every((v) => typeof v === 'number')) throw new Error(`fixture option 'axes' must be a list of numbers, got ${JSON.stringify(a)}`);
  return a as number[];
}

function keepdims(o: Options): boolean {
  if (typeof o.keepdims !== 'boolean') throw new Error(`fixture option 'keepdims' must be a boolean, got ${JSON.stringify(o.keepdims)}`);
  return o.keepdims;
}

type Reduction = (x: Tensor, axes: number[], keepdims: boolean) => Tensor;
const reduction = (f: Reduction) => (xs: Tensor[], o: Options): Tensor => f(xs[0], axes(o), keepdims(o));

/** Fixture op → backprop call. */
const OPS: Record<string, (xs: Tensor[], o: Options) => Tensor> = {
  matmul: (xs) => matmul(xs[0], xs[1]),
  sum: reduction(sum),
  mean: reduction(mean),
  max: reduction(max),
  min: reduction(min),
  logsumexp: reduction(logsumexp),
};

test('math fixture is present, and every op in it is mapped and every mapped op has cases', () => {
  assert.ok(fixture.cases.length > 0, 'no cases in test/fixtures/math.json');
  const names = fixture.cases.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'case names must be unique');
  const used = new Set(fixture.cases.map((c) => c.op));
  assert.deepEqual([...used].filter((op) => !Object.hasOwn(OPS, op)), []);
  assert.deepEqual(Object.keys(OPS).filter((op) => !used.has(op)), []);
});

for (const c of fixture.cases) {
  test(`${c.name} (${c.op})`, () => {
    const run = Object.hasOwn(OPS, c.op) ? OPS[c.op] : undefined;
    if (!run) assert.fail(`unknown fixture op '${c.op}' in case ${c.name}`);
    const xs = c.inputs.map((v) => tensor(v, { requiresGrad: true }));
    const out = run(xs, c.options);
    assertClose(`${c.name}: forward output`, out, c.out);
    const objective = c.w === null ? out : sum(mul(out, tensor(c.w)));
    objective.backward();
    xs.forEach((x, i) => assertClose(`${c.name}: gradient of input ${i}`, x.grad, c.grads[i]));
  });
}
