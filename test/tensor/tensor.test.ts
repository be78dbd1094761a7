// Tensor creation, shapes, conversion, printing and seeded randomness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { tensor, zeros, ones, full, arange, eye, rand, randn, fromTypedArray, manualSeed } = bp;

test('tensor() from nested arrays: shape, size, row-major data, toArray round trip', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.size, 6);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(tensor(5).shape, []);
  assert.equal(tensor(5).item(), 5);
  assert.deepEqual(tensor([]).shape, [0]);
});

test('creation functions', () => {
  assert.deepEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(ones([3]).toArray(), [1, 1, 1]);
  assert.deepEqual(full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
  assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  const u = fromTypedArray(new Uint8Array([1, 2, 3, 4]), [2, 2]);
  assert.deepEqual(u.toArray(), [[1, 2], [3, 4]]);
  const f = new Float32Array([1, 2]);
  assert.equal(fromTypedArray(f).data, f, 'a Float32Array is wrapped, not copied');
});

test('manualSeed makes rand/randn repeatable; the RNG state can be saved and restored', () => {
  manualSeed(7);
  const a = randn([5]).toArray();
  const r = rand([3], { low: -1, high: 1 }).toArray() as number[];
  manualSeed(7);
  assert.deepEqual(randn([5]).toArray(), a);
  assert.deepEqual(rand([3], { low: -1, high: 1 }).toArray(), r);
  assert.ok(r.every((v) => v >= -1 && v < 1));
  const state = bp.getRngState();
  const next = randn([4]).toArray();
  bp.setRngState(state);
  assert.deepEqual(randn([4]).toArray(), next);
  manualSeed(8);
  assert.notDeepEqual(randn([5]).toArray(), a);
});

test('randn has mean ≈ 0 and std ≈ 1; rand is uniform on [0,1)', () => {
  manualSeed(1);
  const n = randn([20000]).data;
  let m = 0, v = 0;
  for (const x of n) m += x;
  m /= n.length;
  for (const x of n) v += (x - m) ** 2;
  v /= n.length;
  assert.ok(Math.abs(m) < 0.03 && Math.abs(Math.sqrt(v) - 1) < 0.03, `mean ${m}, var ${v}`);
  const u = rand([20000]).data;
  let mu = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of u) {
    mu += x;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  mu /= u.length;
  let vu = 0;
  for (const x of u) vu += (x - mu) ** 2;
  vu /= u.length;
  assert.ok(lo >= 0 && hi < 1, `rand range [${lo}, ${hi}]`);
  assert.ok(lo < 0.001 && hi > 0.999, `rand covers [0, 1): [${lo}, ${hi}]`);
  assert.ok(Math.abs(mu - 0.5) < 0.01, `rand mean ${mu}`);
  // U(0, 1) has variance 1/12; the standard error of the estimate at n = 20000 is ≈ 5e-4.
  assert.ok(Math.abs(vu - 1 / 12) < 0.003, `rand variance ${vu} vs 1/12`);
  // Each tenth of [0, 1) holds ≈ 2000 ± 42 (binomial σ) of the samples.
  const deciles = new Array<number>(10).fill(0);
  for (const x of u) deciles[Math.floor(x * 10)]++;
  assert.ok(deciles.every((c) => c > 1800 && c < 2200), `rand deciles ${deciles}`);
});

test('reshape (with −1), transpose, permute, slice, indexSelect, gather, concat, stack, clone, detach', () => {
  const x = arange(6).reshape([2, 3]);
  assert.deepEqual(x.reshape([3, -1]).shape, [3, 2]);
  assert.deepEqual(x.transpose().toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(arange(24).reshape([2, 3, 4]).permute([2, 0, 1]).shape, [4, 2, 3]);
  assert.equal(arange(24).reshape([2, 3, 4]).permute([2, 0, 1]).toArray().toString(), [0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23].toString());
  assert.deepEqual(arange(10).reshape([5, 2]).slice(1, 3).toArray(), [[2, 3], [4, 5]]);
  assert.deepEqual(x.slice(-2, undefined, 1).toArray(), [[1, 2], [4, 5]]);
  assert.deepEqual(x.indexSelect(1, [2, 0]).toArray(), [[2, 0], [5, 3]]);
  assert.deepEqual(x.gather(1, tensor([[1], [2]])).toArray(), [[1], [5]]);
  assert.deepEqual(bp.concat([x, x], 0).shape, [4, 3]);
  assert.deepEqual(bp.stack([x, x], 2).shape, [2, 3, 2]);
  const c = x.clone();
  c.data[0] = 99;
  assert.equal(x.data[0], 0);
  assert.equal(x.detach().data, x.data);
});

test('toString prints like PyTorch', () => {
  assert.equal(tensor([[1, 2], [3, 4]]).toString(), 'tensor([[1., 2.],\n        [3., 4.]])');
  assert.equal(tensor([0.5, -1.25]).toString(), 'tensor([ 0.5000, -1.2500])');
  assert.equal(tensor([1, 2], { requiresGrad: true }).toString(), 'tensor([1., 2.], requiresGrad=true)');
  assert.equal(tensor(3).toString(), 'tensor(3.)');
  assert.match(bp.mul(tensor([1], { requiresGrad: true }), 2).toString(), /gradFn=<mulBackward>/);
  assert.match(arange(2000).toString(), /tensor\(\[ {3}0\., {4}1\., {4}2\., \.\.\., 1997\., 1998\., 1999\.\]\)/);
});

test('softmax and logSoftmax are stable for logits of ±1000', () => {
  const z = tensor([[1000, -1000, 999], [-1000, -1000, -1000]]);
  const p = bp.softmax(z);
  assertClose(p, [[1 / (1 + Math.exp(-1)), 0, Math.exp(-1) / (1 + Math.exp(-1))], [1 / 3, 1 / 3, 1 / 3]], 1e-6);
  const lp = bp.logSoftmax(z);
  assert.ok(Array.from(lp.data).every(Number.isFinite));
  // Float32 tolerance: one ulp of 2000 is 1.2e-4, so 2.5e-4 absolute (no relative slack, which at 2000 would be 0.02).
  assertClose(lp.toArray(), [[-Math.log1p(Math.exp(-1)), -2000 - Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], [-Math.log(3), -Math.log(3), -Math.log(3)]], 2.5e-4, 0);
  assertClose(bp.logsumexp(tensor([1000, 1000])), Math.log(2) + 1000, 2.5e-4, 0);
});

test('log(−1) is NaN, as in IEEE and PyTorch', () => {
  assert.ok(Number.isNaN(bp.log(tensor([-1])).item()));
});

test('activations and their values at known points', () => {
  const z = tensor([-2, 0, 3]);
  assertClose(bp.sigmoid(z), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
  assertClose(bp.relu(z), [0, 0, 3]);
  assertClose(bp.leakyRelu(z, 0.1), [-0.2, 0, 3]);
  assertClose(bp.softplus(z), [Math.log1p(Math.exp(-2)), Math.log(2), Math.log1p(Math.exp(3))]);
  assertClose(bp.elu(z), [Math.exp(-2) - 1, 0, 3]);
  assertClose(bp.sign(z), [-1, 0, 1]);
  assertClose(bp.step(z), [0, 1, 1]);
  assertClose(bp.step(z, { low: -1 }), [-1, 1, 1]);
  assertClose(bp.softplus(tensor([100])), [100]);
  assertClose(bp.sigmoid(tensor([-1000, 1000])), [0, 1]);
});

test('relu takes derivative 0 at exactly 0 (PyTorch’s choice); leakyRelu takes the slope there', () => {
  const z = tensor([0], { requiresGrad: true });
  bp.relu(z).sum().backward();
  assert.equal(z.grad!.item(), 0);
  const w = tensor([0], { requiresGrad: true });
  bp.leakyRelu(w, 0.1).sum().backward();
  assertClose(w.grad!, [0.1]);
});

test('threshold units: backward raises a clear error by default, zero gradient on request', () => {
  const z = tensor([0.5, -1], { requiresGrad: true });
  assert.throws(() => bp.step(z).sum().backward(), (e: unknown) => e instanceof bp.GraphError && /not differentiable/.test(e.message));
  assert.throws(() => bp.sign(z).sum().backward(), bp.GraphError);
  bp.step(z, { grad: 'zero' }).sum().backward();
  assertClose(z.grad!, [0, 0]);
});
