/**
 * Elementwise kernels: plain loops over typed arrays. Each activation has its forward
 * loop and the loop of its derivative side by side, in the lecture's terms:
 * the backward kernels take the upstream gradient dy = ∂E/∂y and return ∂E/∂z = f'(z)·dy.
 */
import { alloc, type BinaryOp, type FloatArray } from '../types.js';

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Strides of `shape` seen inside the broadcast `outShape` (0 along broadcast axes). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const nd = outShape.length;
  const off = nd - shape.length;
  const own = stridesOf(shape);
  const s = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) s[i + off] = shape[i] === 1 ? 0 : own[i];
  return s;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** out = a (op) b with NumPy broadcasting to `outShape`. */
export function binary(
  op: BinaryOp,
  a: FloatArray, aShape: readonly number[],
  b: FloatArray, bShape: readonly number[],
  outShape: readonly number[],
): FloatArray {
  const n = sizeOf(outShape);
  const out = alloc(n, a instanceof Float64Array || b instanceof Float64Array ? new Float64Array(0) : a);
  if (a.length === n && b.length === n) {
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
      case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
      case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
      case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    }
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const s = b[0];
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + s; break;
      case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - s; break;
      case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * s; break;
      case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / s; break;
    }
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0];
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) out[i] = s + b[i]; break;
      case 'sub': for (let i = 0; i < n; i++) out[i] = s - b[i]; break;
      case 'mul': for (let i = 0; i < n; i++) out[i] = s * b[i]; break;
      case 'div': for (let i = 0; i < n; i++) out[i] = s / b[i]; break;
    }
    return out;
  }
  // General case: walk the output with an odometer over all but the last axis; the
  // last axis is the inner loop, with stride 0 where an input is broadcast along it.
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[nd - 1];
  const ia = sa[nd - 1];
  const ib = sb[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < n; o += inner) {
    switch (op) {
      case 'add': for (let j = 0; j < inner; j++) out[o + j] = a[pa + j * ia] + b[pb + j * ib]; break;
      case 'sub': for (let j = 0; j < inner; j++) out[o + j] = a[pa + j * ia] - b[pb + j * ib]; break;
      case 'mul': for (let j = 0; j < inner; j++) out[o + j] = a[pa + j * ia] * b[pb + j * ib]; break;
      case 'div': for (let j = 0; j < inner; j++) out[o + j] = a[pa + j * ia] / b[pb + j * ib]; break;
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < outShape[d]) break;
      pa -= sa[d] * idx[d];
      pb -= sb[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Sums `g` (of the broadcast shape `fromShape`) back down to `toShape`: the gradient of
 * broadcasting, since a value copied to several places gets the sum of their gradients.
 */
export function sumToShape(g: FloatArray, fromShape: readonly number[], toShape: readonly number[]): FloatArray {
  const out = alloc(sizeOf(toShape), g);
  const n = g.length;
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += g[i];
    out[0] = s;
    return out;
  }
  const nd = fromShape.length;
  const st = broadcastStrides(toShape, fromShape);
  const inner = fromShape[nd - 1];
  const it = st[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let p = 0;
  for (let o = 0; o < n; o += inner) {
    if (it === 0) {
      let s = 0;
      for (let j = 0; j < inner; j++) s += g[o + j];
      out[p] += s;
    } else {
      for (let j = 0; j < inner; j++) out[p + j * it] += g[o + j];
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < fromShape[d]) break;
      p -= st[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Copies `x` of `shape` to the larger broadcast shape `outShape`. */
export function broadcastTo(x: FloatArray, shape: readonly number[], outShape: readonly number[]): FloatArray {
  return binary('add', x, shape, alloc(1, x), [1], outShape);
}

/** Elementwise unary functions without parameters. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sigmoid' | 'tanh' | 'relu' | 'sign' | 'sin' | 'cos';

/** out = f(x) elementwise. */
export function unary(op: UnaryOp, x: FloatArray): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) y[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) y[i] = Math.log(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); break;
    case 'abs': for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]); break;
    // σ(z) = 1/(1+e^-z), written so that e^-z never overflows for very negative z.
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const z = x[i];
        if (z >= 0) y[i] = 1 / (1 + Math.exp(-z));
        else { const e = Math.exp(z); y[i] = e / (1 + e); }
      }
      break;
    case 'tanh': for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]); break;
    case 'relu': for (let i = 0; i < n; i++) { const z = x[i]; y[i] = z > 0 || z !== z ? z : 0; } break; // NaN stays NaN
    case 'sign': for (let i = 0; i < n; i++) { const z = x[i]; y[i] = z > 0 ? 1 : z < 0 ? -1 : z; } break;
    case 'sin': for (let i = 0; i < n; i++) y[i] = Math.sin(x[i]); break;
    case 'cos': for (let i = 0; i < n; i++) y[i] = Math.cos(x[i]); break;
  }
  return y;
}

/**
 * y = (1/β)·log(1 + e^{βz}), or z itself where βz > threshold (PyTorch's softplus). Computed as
 * (max(βz,0) + log(1+e^−|βz|))/β, which never overflows.
 */
export function softplus(x: FloatArray, beta: number, threshold: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) {
    const z = x[i];
    const bz = beta * z;
    y[i] = bz > threshold ? z : (Math.max(bz, 0) + Math.log1p(Math.exp(-Math.abs(bz)))) / beta;
  }
  return y;
}

/** y = max(slope·z, z) for slope in (0,1): leaky ReLU. */
export function leakyRelu(x: FloatArray, slope: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) { const z = x[i]; y[i] = z > 0 ? z : slope * z; }
  return y;
}

/** y = z for z > 0, α(e^z − 1) otherwise: ELU. */
export function elu(x: FloatArray, alpha: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) { const z = x[i]; y[i] = z > 0 ? z : alpha * Math.expm1(z); }
  return y;
}

/** y = high where z ≥ threshold, low elsewhere: the threshold (step) unit. */
export function step(x: FloatArray, threshold: number, low: number, high: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) y[i] = x[i] >= threshold ? high : low;
  return y;
}

/** y = x^p for a scalar exponent p. */
export function powScalar(x: FloatArray, p: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  if (p === 2) for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
  else for (let i = 0; i < n; i++) y[i] = Math.pow(x[i], p);
  return y;
}

/** y = min(max(x, lo), hi). */
export function clamp(x: FloatArray, lo: number, hi: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) { const z = x[i]; y[i] = z < lo ? lo : z > hi ? hi : z; }
  return y;
}

/** y = a·x + b elementwise, for scalars a and b. */
export function affine(x: FloatArray, a: number, b: number): FloatArray {
  const n = x.length;
  const y = alloc(n, x);
  for (let i = 0; i < n; i++) y[i] = a * x[i] + b;
  return y;
}

/** Derivative kernels of the activations: each returns f'(z)·dy from what forward saved. */
export type UnaryGradOp =
  | 'sigmoid' // f' = y(1−y), from the output y
  | 'tanh' // f' = 1−y², from the output y
  | 'relu' // f' = 1 for z > 0, else 0 (PyTorch's choice at 0), from the input z
  | 'exp' // f' = y, from the output y
  | 'log' // f' = 1/z, from the input z
  | 'sqrt' // f' = 1/(2y), from the output y
  | 'abs' // f' = sign(z), from the input z
  | 'sin' // f' = cos(z), from the input z
  | 'cos'; // f' = −sin(z), from the input z

/** dz = f'(·)·dy for an activation, given the saved input z or output y (see UnaryGradOp). */
export function unaryGrad(op: UnaryGradOp, dy: FloatArray, saved: FloatArray): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  switch (op) {
    case 'sigmoid': for (let i = 0; i < n; i++) { const y = saved[i]; dz[i] = dy[i] * y * (1 - y); } break;
    case 'tanh': for (let i = 0; i < n; i++) { const y = saved[i]; dz[i] = dy[i] * (1 - y * y); } break;
    case 'relu': for (let i = 0; i < n; i++) dz[i] = saved[i] > 0 ? dy[i] : 0; break;
    case 'exp': for (let i = 0; i < n; i++) dz[i] = dy[i] * saved[i]; break;
    case 'log': for (let i = 0; i < n; i++) dz[i] = dy[i] / saved[i]; break;
    case 'sqrt': for (let i = 0; i < n; i++) dz[i] = dy[i] / (2 * saved[i]); break;
    case 'abs': for (let i = 0; i < n; i++) { const z = saved[i]; dz[i] = z > 0 ? dy[i] : z < 0 ? -dy[i] : 0; } break;
    case 'sin': for (let i = 0; i < n; i++) dz[i] = dy[i] * Math.cos(saved[i]); break;
    case 'cos': for (let i = 0; i < n; i++) dz[i] = -dy[i] * Math.sin(saved[i]); break;
  }
  return dz;
}

/** dz for softplus: σ(βz)·dy, or dy where βz > threshold (where forward is z itself). */
export function softplusGrad(dy: FloatArray, x: FloatArray, beta: number, threshold: number): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  for (let i = 0; i < n; i++) {
    const bz = beta * x[i];
    const s = bz > threshold ? 1 : bz >= 0 ? 1 / (1 + Math.exp(-bz)) : Math.exp(bz) / (1 + Math.exp(bz));
    dz[i] = dy[i] * s;
  }
  return dz;
}

/** dz for leaky ReLU: dy where z > 0, slope·dy elsewhere. */
export function leakyReluGrad(dy: FloatArray, x: FloatArray, slope: number): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  for (let i = 0; i < n; i++) dz[i] = x[i] > 0 ? dy[i] : slope * dy[i];
  return dz;
}

/** dz for ELU: dy where z > 0, (y + α)·dy elsewhere. */
export function eluGrad(dy: FloatArray, x: FloatArray, y: FloatArray, alpha: number): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  for (let i = 0; i < n; i++) dz[i] = x[i] > 0 ? dy[i] : (y[i] + alpha) * dy[i];
  return dz;
}

/** dz for x^p: p·x^(p−1)·dy. */
export function powScalarGrad(dy: FloatArray, x: FloatArray, p: number): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  if (p === 0) return dz; // d/dx x⁰ = 0 everywhere (0·0⁻¹ would be NaN at 0)
  if (p === 2) for (let i = 0; i < n; i++) dz[i] = 2 * x[i] * dy[i];
  else for (let i = 0; i < n; i++) dz[i] = p * Math.pow(x[i], p - 1) * dy[i];
  return dz;
}

/** dz for clamp: dy where lo ≤ x ≤ hi, 0 where clamped. */
export function clampGrad(dy: FloatArray, x: FloatArray, lo: number, hi: number): FloatArray {
  const n = dy.length;
  const dz = alloc(n, dy);
  for (let i = 0; i < n; i++) { const z = x[i]; dz[i] = z >= lo && z <= hi ? dy[i] : 0; }
  return dz;
}

/** a += b in place (gradient accumulation). */
export function addInPlace(a: FloatArray, b: FloatArray): void {
  const n = a.length;
  for (let i = 0; i < n; i++) a[i] += b[i];
}

/** a += alpha·b in place (the optimiser's axpy). */
export function axpyInPlace(a: FloatArray, alpha: number, b: FloatArray): void {
  const n = a.length;
  for (let i = 0; i < n; i++) a[i] += alpha * b[i];
}

/** Adds the row vector `bias` of length cols to every row of x ([rows, cols]) in place. */
export function addRowInPlace(x: FloatArray, bias: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) x[o + j] += bias[j];
  }
}

/**
 * Binary cross-entropy −d·log y − (1−d)·log(1−y) elementwise, each log clamped at −100
 * as PyTorch does, so y = 0 or 1 gives a large finite value.
 */
export function binaryCrossEntropy(y: FloatArray, d: FloatArray): FloatArray {
  const n = y.length;
  const out = alloc(n, d instanceof Float64Array ? d : y);
  for (let i = 0; i < n; i++) {
    const ly = Math.max(Math.log(y[i]), -100);
    const l1y = Math.max(Math.log(1 - y[i]), -100);
    out[i] = -(d[i] * ly + (1 - d[i]) * l1y);
  }
  return out;
}

/** Gradient of binary cross-entropy with respect to y: dy·(y − d) / max(y(1−y), 1e-12), finite at 0 and 1. */
export function binaryCrossEntropyGrad(dy: FloatArray, y: FloatArray, d: FloatArray): FloatArray {
  const n = y.length;
  const out = alloc(n, [dy, y, d].find((a) => a instanceof Float64Array) ?? dy);
  for (let i = 0; i < n; i++) out[i] = (dy[i] * (y[i] - d[i])) / Math.max(y[i] * (1 - y[i]), 1e-12);
  return out;
}

/** Gradient of binary cross-entropy with respect to the target d: dy·(log(1−y) − log y), logs clamped at −100. */
export function binaryCrossEntropyTargetGrad(dy: FloatArray, y: FloatArray): FloatArray {
  const n = y.length;
  const out = alloc(n, y instanceof Float64Array ? y : dy);
  for (let i = 0; i < n; i++) out[i] = dy[i] * (Math.max(Math.log(1 - y[i]), -100) - Math.max(Math.log(y[i]), -100));
  return out;
}
