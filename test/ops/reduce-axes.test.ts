// Reductions over a list of axes (sum, mean, max, min, logsumexp): hand-derived values, keepdims, negative axes, gradients, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, reshape, sum, mean, max, min, logsumexp, zeros, tensor, scalar, gradcheck, randn, manualSeed, ShapeError, ValueError, argmax, type Tensor } from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

/** x[i][j][k] = 12i + 4j + k, shape [2, 3, 4]. */
const x24 = (): Tensor => reshape(arange(24), [2, 3, 4]).detach().requiresGrad_();

test('sum over [0, 2]: Σ_i Σ_k (12i + 4j + k) = 32j + 60; keepdims keeps size-1 axes', () => {
  assert.deepEqual(sum(x24(), [0, 2]).toArray(), [60, 92, 124]);
  assert.deepEqual(sum(x24(), [0, 2], true).toArray(), [[[60], [92], [124]]]);
  assert.deepEqual(sum(x24(), [-1, 0]).toArray(), [60, 92, 124]); // negative and unordered axes
  assert.deepEqual(sum(x24(), [2, -3], true).shape, [1, 3, 1]);
});

test('sum over contiguous axes [1, 2] = 144i + 66; all axes and [] sum everything (276)', () => {
  assert.deepEqual(sum(x24(), [1, 2]).toArray(), [66, 210]);
  assert.deepEqual(sum(x24(), [0, 1]).toArray(), [60, 66, 72, 78]);
  assert.equal(sum(x24(), [0, 1, 2]).item(), 276);
  assert.deepEqual(sum(x24(), [0, 1, 2]).shape, []);
  assert.equal(sum(x24(), []).item(), 276); // as PyTorch: an empty list reduces every axis
  assert.deepEqual(sum(x24(), [], true).shape, [1, 1, 1]);
  assert.deepEqual(sum(x24(), [1]).toArray(), sum(x24(), 1).toArray());
});

test('mean, max and min over [0, 2]', () => {
  assert.deepEqual(mean(x24(), [0, 2]).toArray(), [7.5, 11.5, 15.5]);
  assert.deepEqual(mean(x24(), [0, 2], true).shape, [1, 3, 1]);
  assert.deepEqual(max(x24(), [0, 2]).toArray(), [15, 19, 23]);
  assert.deepEqual(min(x24(), [2, 0]).toArray(), [0, 4, 8]);
  assert.deepEqual(max(x24(), [0, 1], true).toArray(), [[[20, 21, 22, 23]]]);
});

test('logsumexp over [0, 2] = log Σ_{i,k} e^(x/10)', () => {
  const x = reshape(arange(24), [2, 3, 4]).div(10);
  const want = [0, 1, 2].map((j) => {
    let s = 0;
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s += Math.exp((12 * i + 4 * j + k) / 10);
    return Math.log(s);
  });
  assertClose(logsumexp(x, [0, 2]), want, 1e-5);
  assertClose(logsumexp(x, [-1, 0], true), [[[want[0]], [want[1]], [want[2]]]], 1e-5);
  assertClose(logsumexp(tensor([[1000, 1000], [1000, 1000]]), [0, 1]), 1000 + Math.log(4), 1e-3); // stable
});

test('gradients: sum spreads ones; max goes to the maximal element; mean spreads 1/n', () => {
  const x = x24();
  sum(x, [0, 2]).sum().backward();
  assert.ok(Array.from(x.grad!.data).every((g) => g === 1));
  const y = x24();
  max(y, [0, 2]).sum().backward();
  const hot = Array.from(y.grad!.data).flatMap((g, i) => (g === 0 ? [] : [[i, g]]));
  assert.deepEqual(hot, [[15, 1], [19, 1], [23, 1]]); // [1, j, 3]
  const z = x24();
  mean(z, [0, 2]).sum().backward();
  assert.ok(Array.from(z.grad!.data).every((g) => g === 1 / 8));
});

test('ties: the max/min gradient goes to the first element in row-major order of the reduced block', () => {
  const x = zeros([2, 2, 2], { requiresGrad: true });
  max(x, [0, 2]).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[[1, 0], [1, 0]], [[0, 0], [0, 0]]]);
});

test('gradcheck of every reduction over lists of axes, with and without keepdims', () => {
  manualSeed(21);
  const x = randn([2, 3, 4, 5], { requiresGrad: true });
  const lists: number[][] = [[0, 2], [1, 3], [-1, 0], [1, 2], [3, 0, 1], [0, 1, 2, 3]];
  const fns = { sum, mean, max, min, logsumexp };
  for (const axes of lists) {
    for (const keepdims of [false, true]) {
      for (const [name, f] of Object.entries(fns)) {
        const err = gradcheck((t) => f(t, axes, keepdims), [x]);
        assert.ok(err < 1e-6, `${name}(x, [${axes.join(', ')}], ${keepdims}): error ${err}`);
      }
    }
  }
});

test('Tensor methods take a list of axes', () => {
  assert.deepEqual(x24().sum([0, 2]).toArray(), [60, 92, 124]);
  assert.deepEqual(x24().mean([0, 2]).toArray(), [7.5, 11.5, 15.5]);
  assert.deepEqual(x24().max([0, 2]).toArray(), [15, 19, 23]);
  assert.deepEqual(x24().min([0, 2], true).shape, [1, 3, 1]);
  assert.deepEqual(x24().logsumexp([1, 2]).shape, [2]);
});

test('the graph node records the reduced axes and keepdims', () => {
  assert.deepEqual(sum(x24(), [-1, 0]).node!.attrs, { axes: [0, 2], keepdims: false });
  assert.deepEqual(max(x24(), 1, true).node!.attrs, { axes: [1], keepdims: true });
  assert.deepEqual(sum(x24()).node!.attrs, { axes: null, keepdims: false });
});

test('0-d tensors take axes [0] or [-1], as PyTorch', () => {
  assert.equal(sum(scalar(3), [0]).item(), 3);
  assert.equal(max(scalar(3), [-1], true).item(), 3);
  throwsWith(() => sum(scalar(3), [0, -1]), ShapeError, /axis 0 appears more than once/);
  throwsWith(() => sum(scalar(3), [1]), ShapeError, /axis 1 is out of range/);
});

test('repeated, out-of-range, fractional or non-numeric axes are ShapeErrors naming them', () => {
  throwsWith(() => sum(x24(), [0, -3]), ShapeError, /^sum: axis 0 appears more than once in axes \[0, -3\] \(shape \[2, 3, 4\]\)/);
  throwsWith(() => mean(x24(), [1, 1]), ShapeError, /^mean: axis 1 appears more than once/);
  throwsWith(() => max(x24(), [0, 3]), ShapeError, /^max: axis 3 is out of range for a tensor of 3 dimensions/);
  throwsWith(() => min(x24(), [-4]), ShapeError, /^min: axis -4 is out of range/);
  throwsWith(() => logsumexp(x24(), [0.5]), ShapeError, /^logsumexp: axis 0\.5 is out of range/);
  throwsWith(() => sum(x24(), ['0'] as unknown as number[]), ShapeError, /^sum: axis must be an integer or a list of integers, got \["0"\]/);
});

test('max/min over axes of an empty tensor are ShapeErrors; sum of it is 0', () => {
  throwsWith(() => max(zeros([2, 0, 3]), [1, 2]), ShapeError, /cannot take the max of an empty/);
  throwsWith(() => min(zeros([2, 0, 3]), 1), ShapeError, /empty axis 1/);
  assert.deepEqual(sum(zeros([2, 0, 3]), [1, 2]).toArray(), [0, 0]);
});

test('extra positional arguments and a non-boolean keepdims are ValueErrors', () => {
  const call = (f: unknown, ...args: unknown[]) => () => (f as (...a: unknown[]) => unknown)(...args);
  for (const [name, f] of Object.entries({ sum, mean, max, min, argmax, logsumexp })) {
    throwsWith(call(f, x24(), 0, false, 1), ValueError, new RegExp(`^${name}: takes at most 3 arguments but was called with 4`));
  }
  throwsWith(call(sum, x24(), [0], 'yes'), ValueError, /^sum: keepdims must be true or false, got yes/);
  throwsWith(() => (x24().sum as (...a: unknown[]) => Tensor)([0, 2], false, 7), ValueError, /^sum: takes at most 3 arguments/);
});
