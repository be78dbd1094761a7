/**
 * Pooling: each output summarises a window of one channel, by its maximum (max pooling: the
 * gradient goes to the unit that won) or its mean (average pooling: δ shared evenly by the window).
 * Shapes and defaults as PyTorch: stride = kernel size, padding 0, countIncludePad true.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { Pool2dGeometry } from '../kernels/cpu/pool.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';
import { checkOptions, checkRank, intTuple, type IntOrTuple } from './window.js';

/** Options of maxPool1d/2d. */
export interface PoolOptions {
  /** Step between windows (default: the kernel size, so windows do not overlap). */
  stride?: IntOrTuple | null;
  /** Padding on both sides of each axis, at most half the kernel (default 0): −∞ for max, 0 for average. */
  padding?: IntOrTuple;
  /** Rounds the output size up, so a last partial window is kept (default false). */
  ceilMode?: boolean;
}

/** Options of avgPool1d/2d. */
export interface AvgPoolOptions extends PoolOptions {
  /** Whether padded zeros count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** Output length of one axis, as PyTorch's pooling_output_shape. */
function outLength(op: string, x: Tensor, n: number, k: number, s: number, p: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  // In ceil mode the last window must start inside the input or its leading padding.
  if (ceil && (out - 1) * s >= n + p) out--;
  if (out < 1) {
    throw new ShapeError(`${op}: kernel size ${k} is bigger than the padded input (${n} + 2·${p} = ${n + 2 * p}); input ${fmtShape(x.shape)}`);
  }
  return out;
}

/** Checks the arguments of a pooling op over `dims` spatial axes and computes its geometry. */
function plan(op: string, dims: 1 | 2, x: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions): Pool2dGeometry & { ceil: boolean } {
  checkRank(op, x, dims + 2, dims === 1 ? '[N, C, L]' : '[N, C, H, W]');
  const k = intTuple(op, 'kernelSize', kernelSize, dims, 1);
  const s = opts.stride === undefined || opts.stride === null ? k : intTuple(op, 'stride', opts.stride, dims, 1);
  const p = intTuple(op, 'padding', opts.padding ?? 0, dims, 0);
  const ceil = opts.ceilMode ?? false;
  if (typeof ceil !== 'boolean') throw new ValueError(`${op}: ceilMode must be true or false, got ${String(ceil)}`);
  p.forEach((pp, i) => {
    if (2 * pp > k[i]) throw new ValueError(`${op}: padding ${fmtShape(p)} must be at most half the kernel size ${fmtShape(k)}`);
  });
  const size = x.shape.slice(2);
  const out = size.map((n, i) => outLength(op, x, n, k[i], s[i], p[i], ceil));
  const at = (v: number[], i: number, one: number) => (dims === 1 ? (i === 0 ? one : v[0]) : v[i]);
  return {
    planes: x.shape[0] * x.shape[1], ceil,
    h: at(size, 0, 1), w: at(size, 1, 1), kh: at(k, 0, 1), kw: at(k, 1, 1), sh: at(s, 0, 1), sw: at(s, 1, 1),
    ph: at(p, 0, 0), pw: at(p, 1, 0), oh: at(out, 0, 1), ow: at(out, 1, 1),
  };
}

/** The output shape and the attrs a pooling node records. */
function describe(x: Tensor, dims: 1 | 2, g: Pool2dGeometry & { ceil: boolean }) {
  const pick = (a: number, b: number) => (dims === 1 ? [b] : [a, b]);
  const shape = [x.shape[0], x.shape[1], ...pick(g.oh, g.ow)];
  return { shape, attrs: { kernelSize: pick(g.kh, g.kw), stride: pick(g.sh, g.sw), padding: pick(g.ph, g.pw), ceilMode: g.ceil } };
}

/** Max pooling over `dims` spatial axes. */
function maxPool(op: string, dims: 1 | 2, x: Tensor, kernelSize: IntOrTuple, opts: PoolOptions | undefined): Tensor {
  checkTensor(x, op);
  checkOptions(op, opts, ['stride', 'padding', 'ceilMode']);
  const g = plan(op, dims, x, kernelSize, opts ?? {});
  const { shape, attrs } = describe(x, dims, g);
  const { values, indices } = kernels.maxPool2d(x.data, g);
  // ∂y/∂x is 1 at the window's maximum and 0 elsewhere.
  return record(new Tensor(values, shape), op, [x], (dy) => [kernels.maxPool2dGrad(dy, indices, x.size)], attrs);
}

/** Average pooling over `dims` spatial axes. */
function avgPool(op: string, dims: 1 | 2, x: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions | undefined): Tensor {
  checkTensor(x, op);
  checkOptions(op, opts, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const g = plan(op, dims, x, kernelSize, opts ?? {});
  const countPad = opts?.countIncludePad ?? true;
  if (typeof countPad !== 'boolean') throw new ValueError(`${op}: countIncludePad must be true or false, got ${String(countPad)}`);
  const { shape, attrs } = describe(x, dims, g);
  const y = new Tensor(kernels.avgPool2d(x.data, g, countPad), shape);
  return record(y, op, [x], (dy) => [kernels.avgPool2dGrad(dy, g, countPad)], { ...attrs, countIncludePad: countPad });
}

/** 2-D max pooling of x [N, C, H, W] over kernelSize windows (padding counts as −∞). */
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options?: PoolOptions): Tensor {
  checkArgCount('maxPool2d', 3, arguments.length);
  return maxPool('maxPool2d', 2, x, kernelSize, options);
}

/** 1-D max pooling of x [N, C, L]. */
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options?: PoolOptions): Tensor {
  checkArgCount('maxPool1d', 3, arguments.length);
  return maxPool('maxPool1d', 1, x, kernelSize, options);
}

/** 2-D average pooling of x [N, C, H, W] over kernelSize windows. */
export function avgPool2d(x: Tensor, kernelSize: IntOrTuple, options?: AvgPoolOptions): Tensor {
  checkArgCount('avgPool2d', 3, arguments.length);
  return avgPool('avgPool2d', 2, x, kernelSize, options);
}

/** 1-D average pooling of x [N, C, L]. */
export function avgPool1d(x: Tensor, kernelSize: IntOrTuple, options?: AvgPoolOptions): Tensor {
  checkArgCount('avgPool1d', 3, arguments.length);
  return avgPool('avgPool1d', 1, x, kernelSize, options);
}

/**
 * Average pooling of x [N, C, H, W] to a fixed [N, C, oh, ow] whatever H and W: output (i, j)
 * averages rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉−1 and likewise columns, as PyTorch.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: IntOrTuple): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(x, op);
  checkArgCount(op, 2, arguments.length);
  checkRank(op, x, 4, '[N, C, H, W]');
  const [oh, ow] = intTuple(op, 'outputSize', outputSize, 2, 1);
  const [n, c, h, w] = x.shape;
  if (h === 0 || w === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has no spatial extent to average`);
  const y = new Tensor(kernels.adaptiveAvgPool2d(x.data, n * c, h, w, oh, ow), [n, c, oh, ow]);
  return record(y, op, [x], (dy) => [kernels.adaptiveAvgPool2dGrad(dy, n * c, h, w, oh, ow)], { outputSize: [oh, ow] });
}

/** Mean of each channel over all its positions: x [N, C, …spatial] → [N, C, 1, …] (adaptive pooling to size 1). */
export function globalAvgPool(x: Tensor): Tensor {
  const op = 'globalAvgPool';
  checkTensor(x, op);
  checkArgCount(op, 1, arguments.length);
  if (x.ndim < 3) throw new ShapeError(`${op}: input must be [N, C, …spatial] with at least one spatial axis, got shape ${fmtShape(x.shape)}`);
  const [n, c] = x.shape;
  const area = x.shape.slice(2).reduce((a, b) => a * b, 1);
  if (area === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has no spatial extent to average`);
  const shape = [n, c, ...x.shape.slice(2).map(() => 1)];
  const y = new Tensor(kernels.adaptiveAvgPool2d(x.data, n * c, 1, area, 1, 1), shape);
  return record(y, op, [x], (dy) => [kernels.adaptiveAvgPool2dGrad(dy, n * c, 1, area, 1, 1)]);
}
