// conv1d/conv2d: the lecture's 1-D weight sharing by hand, a direct-loop reference over random
// geometries, gradient checks, the attrs on the graph node, and typed errors naming the shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';
import { fmtShape } from '../../src/errors.js';

const { conv1d, conv2d, tensor, randn, manualSeed, gradcheck, ShapeError, ValueError } = bp;

test('lecture 1-D weight sharing: v_j = Σ_{i=1..6} w_i x_{i+j−1}, by hand', () => {
  // 9 inputs, 4 hidden units, all sharing the same 6 weights.
  const x = tensor([[[2, 0, 1, 3, -1, 2, 1, 0, 4]]], { requiresGrad: true });
  const w = tensor([[[1, -1, 2, 0, 1, 3]]], { requiresGrad: true });
  const v = conv1d(x, w);
  // v1 = 2·1 + 0·(−1) + 1·2 + 3·0 + (−1)·1 + 2·3 = 9;  v2 = 0 − 1 + 6 + 0 + 2 + 3 = 10
  // v3 = 1 − 3 − 2 + 0 + 1 + 0 = −3;                    v4 = 3 + 1 + 4 + 0 + 0 + 12 = 20
  assert.deepEqual(v.toArray(), [[[9, 10, -3, 20]]]);
  bp.sum(v).backward();
  // A shared weight's gradient sums over the units that use it: ∂Σv/∂w_i = Σ_j x_{i+j−1}.
  assert.deepEqual(w.grad?.toArray(), [[[6, 3, 5, 5, 2, 7]]]);
  // ∂Σv/∂x_k = Σ over the units that see x_k of the weight they apply to it.
  assert.deepEqual(x.grad?.toArray(), [[[1, 0, 2, 2, 2, 6, 4, 4, 3]]]);
});

test('conv1d with a bias adds b to every unit, and its gradient counts the units', () => {
  const x = tensor([[[1, 2, 3, 4]]]);
  const w = tensor([[[1, 1]], [[0, -1]]]);
  const b = tensor([10, 0.5], { requiresGrad: true });
  const y = conv1d(x, w, b);
  assert.deepEqual(y.toArray(), [[[13, 15, 17], [-1.5, -2.5, -3.5]]]);
  bp.sum(y).backward();
  assert.deepEqual(b.grad?.toArray(), [3, 3]);
});

/** conv2d by its definition, one output at a time (the reference for random geometries). */
function direct(x: bp.Tensor, w: bp.Tensor, b: bp.Tensor | null, s: number[], p: number[], d: number[], groups: number): number[] {
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const out: number[] = [];
  for (let ni = 0; ni < n; ni++) for (let oc = 0; oc < o; oc++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let acc = b ? b.data[oc] : 0;
    const g = Math.floor(oc / (o / groups));
    for (let ci = 0; ci < cg; ci++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const y = i * s[0] - p[0] + u * d[0];
      const xx = j * s[1] - p[1] + v * d[1];
      if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
      acc += w.data[((oc * cg + ci) * kh + u) * kw + v] * x.data[((ni * c + g * cg + ci) * h + y) * wd + xx];
    }
    out.push(acc);
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

test('conv2d matches the direct definition over 40 random geometries, and its gradients are its adjoints', () => {
  manualSeed(7);
  const pick = (n: number) => bp.randomInt(n);
  for (let t = 0; t < 40; t++) {
    const groups = [1, 1, 2, 3][pick(4)];
    const c = groups * (1 + pick(2));
    const o = groups * (1 + pick(2));
    const k = [1 + pick(3), 1 + pick(3)];
    const s = [1 + pick(3), 1 + pick(2)];
    const d = [1 + pick(2), 1 + pick(2)];
    const p = [pick(3), pick(2)];
    const size = [d[0] * (k[0] - 1) + 1 + pick(5), d[1] * (k[1] - 1) + 1 + pick(5)];
    const x = randn([1 + pick(2), c, ...size], { requiresGrad: true });
    const w = randn([o, c / groups, ...k], { requiresGrad: true });
    const b = pick(2) === 0 ? null : randn([o], { requiresGrad: true });
    const what = `x ${fmtShape(x.shape)} w ${fmtShape(w.shape)} stride ${s} padding ${p} dilation ${d} groups ${groups}`;
    const y = conv2d(x, w, b, { stride: s, padding: p, dilation: d, groups });
    const want = direct(x, w, b, s, p, d, groups);
    assert.equal(y.size, want.length, what);
    want.forEach((v, i) => assert.ok(Math.abs(y.data[i] - v) < 1e-4, `${what}: [${i}] ${y.data[i]} vs ${v}`));
    // conv is linear in x and in w: <conv(x), δ> = <x, ∂/∂x> = <w, ∂/∂w> (+ <b, ∂/∂b>).
    const dy = randn([...y.shape]);
    y.backward(dy);
    const lhs = dot(y.data, dy.data);
    const bias = b ? dot(b.data, b.grad?.data ?? []) : 0;
    assert.ok(Math.abs(dot(x.data, x.grad?.data ?? []) + bias - lhs) < 1e-3 * (1 + Math.abs(lhs)), `${what}: input gradient is not the adjoint`);
    assert.ok(Math.abs(dot(w.data, w.grad?.data ?? []) + bias - lhs) < 1e-3 * (1 + Math.abs(lhs)), `${what}: weight gradient is not the adjoint`);
  }
});

const g = (shape: number[]) => randn(shape, { requiresGrad: true });
const checks: [string, () => number][] = [
  ['conv2d stride 2 padding 1 + bias', () => gradcheck((x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }), [g([2, 2, 5, 4]), g([3, 2, 3, 3]), g([3])])],
  ['conv2d dilation 2, padding [2, 1]', () => gradcheck((x, w) => conv2d(x, w, null, { dilation: 2, padding: [2, 1] }), [g([1, 2, 5, 5]), g([2, 2, 2, 3])])],
  ['conv2d groups 2, same', () => gradcheck((x, w, b) => conv2d(x, w, b, { groups: 2, padding: 'same' }), [g([1, 4, 4, 4]), g([4, 2, 2, 3]), g([4])])],
  ['conv2d pointwise 1x1', () => gradcheck((x, w) => conv2d(x, w), [g([2, 3, 3, 3]), g([2, 3, 1, 1])])],
  ['conv1d stride 2, dilation 2, groups 3', () => gradcheck((x, w, b) => conv1d(x, w, b, { stride: 2, dilation: 2, groups: 3, padding: 1 }), [g([2, 3, 9]), g([6, 1, 3]), g([6])])],
];
for (const [name, run] of checks) {
  test(`gradcheck ${name}`, () => {
    manualSeed(3);
    const err = run();
    assert.ok(err < 1e-6, `${name}: worst relative error ${err}`);
  });
}

test('conv2d records its op and attributes on the graph node', () => {
  const y = conv2d(g([1, 4, 6, 6]), g([2, 2, 4, 3]), null, { padding: 'same', dilation: [1, 2], groups: 2 });
  assert.equal(y.node?.op, 'conv2d');
  assert.deepEqual(y.node?.attrs, { kernelSize: [4, 3], stride: [1, 1], dilation: [1, 2], groups: 2, padding: [1, 2], paddingEnd: [2, 2] });
  const z = conv1d(g([1, 2, 8]), g([3, 2, 3]), g([3]), { stride: 2, padding: 1 });
  assert.equal(z.node?.op, 'conv1d');
  assert.deepEqual(z.node?.attrs, { kernelSize: [3], stride: [2], dilation: [1], groups: 1, padding: [1], paddingEnd: [1] });
  assert.equal(z.node?.inputs.length, 3);
});

test('conv2d shape errors name the shapes', () => {
  const x = randn([2, 3, 5, 5]);
  throwsWith(() => conv2d(x, randn([4, 2, 3, 3])), ShapeError, /input \[2, 3, 5, 5\] has 3 channels but weight \[4, 2, 3, 3\] expects 2/);
  throwsWith(() => conv2d(x, randn([4, 1, 3, 3]), null, { groups: 2 }), ShapeError, /groups=2 must divide .*3.*\[2, 3, 5, 5\]/);
  throwsWith(() => conv2d(x, randn([3, 3, 6, 3])), ShapeError, /kernel of extent 6 \(size 6, dilation 1\) is bigger than the padded input \(5 \+ padding 0\+0 = 5\); input \[2, 3, 5, 5\], weight \[3, 3, 6, 3\]/);
  throwsWith(() => conv2d(x, randn([3, 3, 3, 3]), null, { dilation: 3 }), ShapeError, /kernel of extent 7 \(size 3, dilation 3\)/);
  throwsWith(() => conv2d(x, randn([4, 3, 3, 3]), randn([3])), ShapeError, /bias must have shape \[4\].*got \[3\]/);
  throwsWith(() => conv2d(randn([3, 5, 5]), randn([4, 3, 3, 3])), ShapeError, /input must be 4-D \[N, C, H, W\], got shape \[3, 5, 5\]/);
  throwsWith(() => conv2d(x, randn([4, 3, 3])), ShapeError, /weight must be 4-D \[O, C\/groups, kH, kW\], got \[4, 3, 3\]/);
  throwsWith(() => conv1d(randn([2, 3]), randn([4, 3, 3])), ShapeError, /conv1d: input must be 3-D \[N, C, L\]/);
});

test('conv2d option errors are ValueErrors naming the option', () => {
  const x = randn([1, 2, 5, 5]);
  const w = randn([2, 2, 3, 3]);
  throwsWith(() => conv2d(x, w, null, { stride: 2, padding: 'same' }), ValueError, /padding 'same' needs stride 1, got stride \[2, 2\]/);
  throwsWith(() => conv2d(x, w, null, { stride: 0 }), ValueError, /stride must be an integer or a list of 2 integers ≥ 1, got 0/);
  throwsWith(() => conv2d(x, w, null, { padding: [1, 2, 3] }), ValueError, /padding must be .* got \[1,2,3\]/);
  throwsWith(() => conv2d(x, w, null, { padding: -1 }), ValueError, /padding must be .*≥ 0, got -1/);
  throwsWith(() => conv2d(x, w, null, { dilation: 1.5 }), ValueError, /dilation must be/);
  throwsWith(() => conv2d(x, w, null, { groups: 0 }), ValueError, /groups must be an integer ≥ 1, got 0/);
  throwsWith(() => conv2d(x, w, null, { padding: 'full' as 'same' }), ValueError, /padding must be an integer, a list of integers, 'same' or 'valid', got 'full'/);
  throwsWith(() => conv2d(x, w, null, { strides: 2 } as bp.ConvOptions), ValueError, /unknown option 'strides'/);
  throwsWith(() => (conv2d as (...a: unknown[]) => bp.Tensor)(x, w, null, {}, 1), ValueError, /at most 4 arguments/);
  throwsWith(() => conv2d(x, [1, 2] as unknown as bp.Tensor), ValueError, /weight/);
  // 2,500 taps × 1,049² positions: too many unrolled values, refused before allocating them
  throwsWith(() => conv2d(bp.zeros([1, 1, 1000, 1000]), bp.zeros([1, 1, 50, 50]), null, { padding: 49 }), ValueError, /unrolled windows of one sample .* \[1, 1, 1000, 1000\]/);
});

test('an empty batch gives an empty output and zero weight gradients', () => {
  const w = randn([3, 2, 3, 3], { requiresGrad: true });
  const y = conv2d(randn([0, 2, 5, 5]), w, null, { padding: 1 });
  assert.deepEqual(y.shape, [0, 3, 5, 5]);
  y.backward(bp.zeros([0, 3, 5, 5]));
  assert.ok(w.grad?.data.every((v) => v === 0));
  assert.deepEqual(bp.maxPool2d(randn([0, 2, 4, 4]), 2).shape, [0, 2, 2, 2]);
});
