// matmul as torch.matmul: 1-D operands, broadcast batch axes (any number), gradients summed over broadcast axes; the 2-D path goes straight to the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor, zeros, matmul, linear, randn, gradcheck, manualSeed, sum, overrideKernel, cpuKernels,
  ShapeError, ValueError, type Tensor, type FloatArray, type NestedArray,
} from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

test('1-D operands: [k]·[k] → [], [k]·[k,n] → [n], [m,k]·[k] → [m]', () => {
  const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
  assert.deepEqual(dot.shape, []);
  assert.equal(dot.item(), 32);
  assert.deepEqual(matmul(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])).toArray(), [9, 12, 15]);
  assert.deepEqual(matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 0, -1])).toArray(), [-2, -2]);
});

test('1-D operand gradients: d(u·v)/du = v; [k]·[k,n] and [m,k]·[k] by hand', () => {
  const u = tensor([1, 2, 3], { requiresGrad: true });
  const v = tensor([4, 5, 6], { requiresGrad: true });
  matmul(u, v).backward();
  assert.deepEqual(u.grad!.toArray(), [4, 5, 6]);
  assert.deepEqual(v.grad!.toArray(), [1, 2, 3]);
  const r = tensor([1, 2], { requiresGrad: true });
  const W = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  sum(matmul(r, W)).backward();
  assert.deepEqual(r.grad!.toArray(), [6, 15]); // row sums of W
  assert.deepEqual(W.grad!.toArray(), [[1, 1, 1], [2, 2, 2]]);
  const c = tensor([1, 0, -1], { requiresGrad: true });
  const M = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  sum(matmul(M, c)).backward();
  assert.deepEqual(c.grad!.toArray(), [5, 7, 9]); // column sums of M
  assert.deepEqual(M.grad!.toArray(), [[1, 0, -1], [1, 0, -1]]);
});

// A = [[1,2],[3,4]]; B = [I, 2I, swap]; Σ_b B_b has row sums 4, A has column sums [4, 6].
const A = [[1, 2], [3, 4]];
const B = [[[1, 0], [0, 1]], [[2, 0], [0, 2]], [[0, 1], [1, 0]]];
const AB = [[[1, 2], [3, 4]], [[2, 4], [6, 8]], [[2, 1], [4, 3]]];

test('[1,m,k]·[b,k,n] broadcasts the batch; the shared side gets the gradient summed over the batch', () => {
  const a = tensor([A], { requiresGrad: true });
  const b = tensor(B, { requiresGrad: true });
  const y = matmul(a, b);
  assert.deepEqual(y.toArray(), AB);
  sum(y).backward();
  assert.deepEqual(a.grad!.toArray(), [[[4, 4], [4, 4]]]);
  assert.deepEqual(b.grad!.toArray(), [[[4, 4], [6, 6]], [[4, 4], [6, 6]], [[4, 4], [6, 6]]]);
});

test('[m,k]·[b,k,n] and [b,m,k]·[1,k,n] (either side shared)', () => {
  const a = tensor(A, { requiresGrad: true });
  const b = tensor(B, { requiresGrad: true });
  const y = matmul(a, b);
  assert.deepEqual(y.toArray(), AB);
  sum(y).backward();
  assert.deepEqual(a.grad!.toArray(), [[4, 4], [4, 4]]);
  const bt = tensor(B, { requiresGrad: true });
  const one = tensor([A], { requiresGrad: true });
  const z = matmul(bt, one); // B_b · A
  assert.deepEqual(z.toArray(), [[[1, 2], [3, 4]], [[2, 4], [6, 8]], [[3, 4], [1, 2]]]);
  sum(z).backward();
  assert.deepEqual(one.grad!.toArray(), [[[4, 4], [4, 4]]]); // Σ_b column sums of B_b, per row of A
  assert.deepEqual(bt.grad!.toArray(), [[[3, 7], [3, 7]], [[3, 7], [3, 7]], [[3, 7], [3, 7]]]); // row sums of A
});

/** The matrix x[i][j]… at the leading indices `lead`. */
function slice(x: Tensor, lead: number[]): Tensor {
  return tensor(lead.reduce<NestedArray>((v, i) => (v as NestedArray[])[i], x.toArray()));
}

test('[2,3,m,k]·[3,k,n]: any number of batch axes, each batch a 2-D product', () => {
  manualSeed(31);
  const a = randn([2, 3, 4, 5]);
  const b = randn([3, 5, 2]);
  const y = matmul(a, b);
  assert.deepEqual(y.shape, [2, 3, 4, 2]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) assertClose(slice(y, [i, j]), matmul(slice(a, [i, j]), slice(b, [j])).toArray() as number[][], 1e-5);
  }
});

test('[2,1,m,k]·[1,3,k,n] broadcasts both sides to [2,3]', () => {
  manualSeed(32);
  const a = randn([2, 1, 3, 4]);
  const b = randn([1, 3, 4, 2]);
  const y = matmul(a, b);
  assert.deepEqual(y.shape, [2, 3, 3, 2]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) assertClose(slice(y, [i, j]), matmul(slice(a, [i, 0]), slice(b, [0, j])).toArray() as number[][], 1e-5);
  }
});

test('gradcheck over every operand form', () => {
  manualSeed(33);
  const cases: [number[], number[]][] = [
    [[4], [4]], [[4], [4, 3]], [[2, 4], [4]], [[3], [2, 3, 4]], [[2, 5, 3], [3]],
    [[1, 2, 3], [4, 3, 2]], [[2, 3], [4, 3, 2]], [[4, 2, 3], [1, 3, 2]], [[4, 2, 3], [3, 2]],
    [[2, 3, 2, 4], [3, 4, 2]], [[2, 1, 2, 3], [1, 3, 3, 2]], [[3, 2, 3], [2, 1, 3, 4]], [[2, 3], [3, 4]],
  ];
  for (const [sa, sb] of cases) {
    const a = randn(sa, { requiresGrad: true });
    const b = randn(sb, { requiresGrad: true });
    const err = gradcheck(matmul, [a, b]);
    assert.ok(err < 1e-6, `[${sa.join(',')}]·[${sb.join(',')}]: error ${err}`);
  }
});

test('output shapes follow torch.matmul', () => {
  const shape = (sa: number[], sb: number[]) => [...matmul(zeros(sa), zeros(sb)).shape];
  assert.deepEqual(shape([3], [2, 3, 4]), [2, 4]);
  assert.deepEqual(shape([2, 5, 3], [3]), [2, 5]);
  assert.deepEqual(shape([5, 1, 2, 3], [4, 3, 6]), [5, 4, 2, 6]);
  assert.deepEqual(shape([2, 0, 3], [2, 3, 4]), [2, 0, 4]);
  assert.deepEqual(matmul(zeros([2, 3, 0]), zeros([2, 0, 4])).toArray(), [[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]]);
  assert.deepEqual(shape([0, 2, 3], [1, 3, 4]), [0, 2, 4]);
});

test('mismatched inner sizes, unbroadcastable batches, 0-d operands and huge outputs are typed errors', () => {
  throwsWith(() => matmul(tensor([1, 2]), tensor([1, 2, 3])), ShapeError, /matmul: shapes \[2\] and \[3\] are not aligned: 2 columns on the left vs 3 rows on the right/);
  throwsWith(() => matmul(zeros([2, 3]), zeros([4])), ShapeError, /shapes \[2, 3\] and \[4\] are not aligned/);
  throwsWith(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4])), ShapeError, /matmul: batch axes of \[2, 2, 3\] and \[3, 3, 4\]: shapes \[2\] and \[3\] cannot be broadcast/);
  throwsWith(() => matmul(tensor(2), zeros([2])), ShapeError, /at least 1 dimension, got shapes \[\] and \[2\]/);
  throwsWith(() => matmul(zeros([2]), [1, 2] as unknown as Tensor), ValueError, /both arguments must be Tensors/);
  throwsWith(() => matmul(zeros([1e5, 1]), zeros([1, 1e5])), ValueError, /^matmul: shape \[100000, 100000\] has 1\.000e\+10 elements/);
  throwsWith(() => matmul(zeros([1e3, 1e3, 1]), zeros([1, 1e4])), ValueError, /^matmul: shape \[1000, 1000, 10000\]/);
  throwsWith(() => matmul(zeros([1000, 1, 1, 3000]), zeros([1, 1000, 3000, 1])), ValueError, /^matmul \(an operand broadcast over the batch\): shape \[1000, 1000, 1, 3000\] has 3\.000e\+9 elements/);
  throwsWith(() => linear(zeros([1e5, 2]), zeros([1e5, 2])), ValueError, /^linear: shape \[100000, 100000\] has 1\.000e\+10 elements/);
  throwsWith(() => (matmul as (...a: unknown[]) => Tensor)(zeros([2, 2]), zeros([2, 2]), true), ValueError, /^matmul: takes at most 2 arguments but was called with 3/);
});

test('the 2-D path calls the kernel once, on the operands themselves, and returns its output', () => {
  const calls: { a: FloatArray; b: FloatArray; dims: number[]; opts: unknown; out: FloatArray }[] = [];
  const kernel = cpuKernels.matmul;
  overrideKernel('matmul', (a, b, m, k, n, opts) => {
    const out = kernel(a, b, m, k, n, opts);
    calls.push({ a, b, dims: [m, k, n], opts, out });
    return out;
  });
  try {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[1], [0], [-1]]);
    const y = matmul(a, b);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].a, a.data);
    assert.equal(calls[0].b, b.data);
    assert.deepEqual(calls[0].dims, [2, 3, 1]);
    assert.equal(calls[0].opts, undefined);
    assert.equal(y.data, calls[0].out);
    assert.deepEqual(y.toArray(), [[-2], [-2]]);
  } finally {
    overrideKernel('matmul', kernel);
  }
});
