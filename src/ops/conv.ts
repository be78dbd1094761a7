/**
 * Convolution, as PyTorch computes it (cross-correlation): output unit (o, i, j) sees a kH×kW
 * window of every input channel in its group, and every unit of a map shares one filter, the
 * lecture's local connectivity + weight sharing. 1-D: v_j = Σ_i w_i x_{i+j−1} (+ b).
 * Backward: ∂L/∂x = the filters slid back over δ (col2im of Wᵀδ), ∂L/∂W = Σ δ·(input windows),
 * ∂L/∂b = Σ δ; all three are kernels, so a faster backend replaces them without touching this file.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { Conv2dGeometry } from '../kernels/cpu/conv.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkSize } from '../tensor/limits.js';
import { checkArgCount } from './args.js';
import { checkOptions, checkRank, intTuple, type IntOrTuple } from './window.js';

/** Zero padding: the same on both sides of each axis, or 'valid' (none), or 'same' (output size = input size, stride 1). */
export type ConvPadding = IntOrTuple | 'same' | 'valid';

/** Options of conv1d and conv2d (one integer, or one per spatial axis). */
export interface ConvOptions {
  /** Step between neighbouring windows (default 1). */
  stride?: IntOrTuple;
  /** Zeros added around the input (default 0). */
  padding?: ConvPadding;
  /** Spacing between filter taps (default 1). */
  dilation?: IntOrTuple;
  /** Independent channel blocks; groups = C gives a depthwise convolution (default 1). */
  groups?: number;
}

const OPTION_NAMES = ['stride', 'padding', 'dilation', 'groups'];

/** Padding before and after each spatial axis. */
interface Pads {
  begin: number[];
  end: number[];
}

/** Resolves the padding option for filters `k` with dilation `d` and stride `s`. */
function resolvePadding(op: string, p: ConvPadding | undefined, k: number[], d: number[], s: number[]): Pads {
  if (p === 'valid') return { begin: k.map(() => 0), end: k.map(() => 0) };
  if (p === 'same') {
    if (s.some((v) => v !== 1)) throw new ValueError(`${op}: padding 'same' needs stride 1, got stride ${fmtShape(s)}`);
    // PyTorch pads d·(k−1) in total, the odd one at the end.
    const begin = k.map((kk, i) => Math.floor((d[i] * (kk - 1)) / 2));
    return { begin, end: k.map((kk, i) => d[i] * (kk - 1) - begin[i]) };
  }
  if (typeof p === 'string') throw new ValueError(`${op}: padding must be an integer, a list of integers, 'same' or 'valid', got '${p}'`);
  const pad = intTuple(op, 'padding', p ?? 0, k.length, 0);
  return { begin: pad, end: pad };
}

/** Checks x [N, C, …], w [O, C/groups, …] and bias [O] against each other and the groups. */
function checkChannels(op: string, x: Tensor, w: Tensor, bias: Tensor | null, groups: number): void {
  const [o, cg] = w.shape;
  const c = x.shape[1];
  if (c % groups !== 0 || o % groups !== 0) {
    throw new ShapeError(`${op}: groups=${groups} must divide both the input channels (${c}, input ${fmtShape(x.shape)}) and the output channels (${o}, weight ${fmtShape(w.shape)})`);
  }
  if (cg * groups !== c) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has ${c} channels but weight ${fmtShape(w.shape)} expects ${cg * groups} (${cg} per group × groups=${groups})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`${op}: bias must have shape [${o}] to match weight ${fmtShape(w.shape)}, got ${fmtShape(bias.shape)}`);
  }
}

/** Output length of one axis; a ShapeError when the dilated filter is longer than the padded input. */
function outLength(op: string, x: Tensor, w: Tensor, size: number, k: number, s: number, d: number, pads: [number, number]): number {
  const span = d * (k - 1) + 1;
  const padded = size + pads[0] + pads[1];
  if (span > padded) {
    throw new ShapeError(`${op}: kernel of extent ${span} (size ${k}, dilation ${d}) is bigger than the padded input (${size} + padding ${pads[0]}+${pads[1]} = ${padded}); input ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)}`);
  }
  return Math.floor((padded - span) / s) + 1;
}

/** Checks the arguments of conv1d/conv2d (`dims` spatial axes) and computes the 2-D geometry. */
function plan(op: string, dims: 1 | 2, x: Tensor, w: Tensor, bias: Tensor | null, opts: ConvOptions): { g: Conv2dGeometry; padEnd: number[] } {
  const layout = dims === 1 ? '[N, C, L]' : '[N, C, H, W]';
  checkRank(op, x, dims + 2, layout);
  if (w.ndim !== dims + 2) throw new ShapeError(`${op}: weight must be ${dims + 2}-D ${dims === 1 ? '[O, C/groups, K]' : '[O, C/groups, kH, kW]'}, got ${fmtShape(w.shape)}`);
  const groups = intTuple(op, 'groups', opts.groups ?? 1, 1, 1)[0];
  checkChannels(op, x, w, bias, groups);
  const k = w.shape.slice(2);
  const s = intTuple(op, 'stride', opts.stride ?? 1, dims, 1);
  const d = intTuple(op, 'dilation', opts.dilation ?? 1, dims, 1);
  const pads = resolvePadding(op, opts.padding, k, d, s);
  const size = x.shape.slice(2);
  const out = size.map((n, i) => outLength(op, x, w, n, k[i], s[i], d[i], [pads.begin[i], pads.end[i]]));
  // 1-D is 2-D with a height of 1.
  const at = (v: number[], i: number, one: number) => (dims === 1 ? (i === 0 ? one : v[0]) : v[i]);
  const g = {
    n: x.shape[0], c: x.shape[1], o: w.shape[0], groups,
    h: at(size, 0, 1), w: at(size, 1, 1), kh: at(k, 0, 1), kw: at(k, 1, 1), oh: at(out, 0, 1), ow: at(out, 1, 1),
    sh: at(s, 0, 1), sw: at(s, 1, 1), ph: at(pads.begin, 0, 0), pw: at(pads.begin, 1, 0), dh: at(d, 0, 1), dw: at(d, 1, 1),
  };
  return { g, padEnd: pads.end };
}

/** The shared body of conv1d/conv2d: checks, the forward kernel, and the node with its three gradients. */
function convolve(op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions | undefined): Tensor {
  checkTensor(x, op);
  checkTensor(weight, op, 'weight');
  if (bias !== undefined && bias !== null) checkTensor(bias, op, 'bias');
  checkOptions(op, opts, OPTION_NAMES);
  const b = bias ?? null;
  const { g, padEnd } = plan(op, dims, x, weight, b, opts ?? {});
  const outShape = dims === 1 ? [g.n, g.o, g.ow] : [g.n, g.o, g.oh, g.ow];
  checkSize(outShape, op);
  const y = new Tensor(kernels.conv2d(x.data, weight.data, b ? b.data : null, g), outShape);
  const pick = (a: number, c: number) => (dims === 1 ? [c] : [a, c]);
  const attrs = {
    kernelSize: weight.shape.slice(2), stride: pick(g.sh, g.sw), dilation: pick(g.dh, g.dw), groups: g.groups,
    padding: pick(g.ph, g.pw), paddingEnd: padEnd,
  };
  const inputs = b ? [x, weight, b] : [x, weight];
  return record(y, op, inputs, (dy) => [
    x.requiresGrad ? kernels.conv2dInputGrad(dy, weight.data, g) : null, // δ slid back through the filters
    weight.requiresGrad ? kernels.conv2dWeightGrad(x.data, dy, g) : null, // Σ over samples and positions of δ·window
    b?.requiresGrad ? kernels.conv2dBiasGrad(dy, g) : null, // Σ δ
  ], attrs);
}

/**
 * 2-D convolution of x [N, C, H, W] with filters w [O, C/groups, kH, kW] and optional bias [O]:
 * y [N, O, OH, OW], OH = ⌊(H + padding − dilation·(kH−1) − 1) / stride⌋ + 1 (likewise OW).
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  checkArgCount('conv2d', 4, arguments.length);
  return convolve('conv2d', 2, x, weight, bias, options);
}

/** 1-D convolution of x [N, C, L] with filters w [O, C/groups, K] and optional bias [O]: y [N, O, OL]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  checkArgCount('conv1d', 4, arguments.length);
  return convolve('conv1d', 1, x, weight, bias, options);
}
