/**
 * The wasm activations and their derivatives (unary.c): unary, unaryGrad, softplus, leakyRelu, elu,
 * clamp, affine and binary cross-entropy with their gradients. Arithmetic-only kernels equal the
 * cpu kernels bit for bit; those the cpu kernels compute with Math.exp/log/tanh/log1p/expm1 are
 * equal or one float32 rounding step off (vmath.h), as are sin and cos (|x| ≤ 1e5; beyond, and for
 * float64 arrays, the cpu kernels).
 */
import type { Kernels } from '../backend.js';
import * as cpu from '../cpu/elementwise.js';
import { span, type FloatArray } from '../types.js';
import { instance, type WasmInstance, type WasmVariant } from './instance.js';
import { allF32, wasmCall } from './call.js';

/** The unary.c exports this file calls. */
interface UnaryExports {
  unary_f(op: number, x: number, y: number, n: number): number;
  unary_grad_f(op: number, dy: number, saved: number, dz: number, n: number): number;
  softplus_f(x: number, y: number, n: number, beta: number, threshold: number): void;
  softplus_grad_f(dy: number, x: number, dz: number, n: number, beta: number, threshold: number): void;
  leaky_relu_f(x: number, y: number, n: number, slope: number): void;
  leaky_relu_grad_f(dy: number, x: number, dz: number, n: number, slope: number): void;
  elu_f(x: number, y: number, n: number, alpha: number): void;
  elu_grad_f(dy: number, x: number, y: number, dz: number, n: number, alpha: number): void;
  clamp_f(x: number, y: number, n: number, lo: number, hi: number): void;
  clamp_grad_f(dy: number, x: number, dz: number, n: number, lo: number, hi: number): void;
  affine_f(x: number, y: number, n: number, a: number, b: number): void;
  bce_f(y: number, d: number, out: number, n: number): void;
  bce_grad_f(dy: number, y: number, d: number, out: number, n: number): void;
  bce_target_grad_f(dy: number, y: number, out: number, n: number): void;
}

/** Op codes of unary_f / unary_grad_f (the enum of unary.c). */
const UNARY_CODES: Record<cpu.UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sigmoid: 5, tanh: 6, relu: 7, sign: 8, sin: 9, cos: 10 };

/**
 * Runs `run(inputs' offsets, output offset, n)` on n = the first input's length, every input
 * read over its first n elements; the output, or null (float64 operand, or memory full).
 */
export function wasmMap(inst: WasmInstance, ins: FloatArray[], run: (p: number[], out: number, n: number) => void): Float32Array | null {
  if (!allF32(...ins)) return null;
  const n = ins[0].length;
  const r = wasmCall(inst, (c) => {
    const p = ins.map((a) => c.input(a.length === n ? (a as Float32Array) : span((a as Float32Array), 0, n)));
    run(p, c.output(n), n);
  });
  return r ? r[0] : null;
}

type UnaryKernelNames =
  | 'unary' | 'unaryGrad' | 'softplus' | 'softplusGrad' | 'leakyRelu' | 'leakyReluGrad' | 'elu' | 'eluGrad'
  | 'clamp' | 'clampGrad' | 'affine' | 'binaryCrossEntropy' | 'binaryCrossEntropyGrad' | 'binaryCrossEntropyTargetGrad';

/** The activation kernels of one variant; each falls back to its cpu kernel where wasm cannot run it. */
export function wasmUnaryKernels(variant: WasmVariant): Pick<Kernels, UnaryKernelNames> {
  const inst = instance(variant);
  const ex = inst.exports as unknown as UnaryExports;
  const map = (ins: FloatArray[], run: (p: number[], out: number, n: number) => void): Float32Array | null => wasmMap(inst, ins, run);
  return {
    unary(op, x) {
      let beyond = 0; // sin/cos with |x| > 1e5: the cpu kernel
      const y = map([x], ([px], py, n) => (beyond = ex.unary_f(UNARY_CODES[op], px, py, n)));
      return y && !beyond ? y : cpu.unary(op, x);
    },
    unaryGrad(op, dy, saved) {
      let beyond = 0;
      const dz = map([dy, saved], ([pd, ps], po, n) => (beyond = ex.unary_grad_f(UNARY_CODES[op], pd, ps, po, n)));
      return dz && !beyond ? dz : cpu.unaryGrad(op, dy, saved);
    },
    softplus: (x, beta, threshold) => map([x], ([px], py, n) => ex.softplus_f(px, py, n, beta, threshold)) ?? cpu.softplus(x, beta, threshold),
    softplusGrad: (dy, x, beta, threshold) =>
      map([dy, x], ([pd, px], po, n) => ex.softplus_grad_f(pd, px, po, n, beta, threshold)) ?? cpu.softplusGrad(dy, x, beta, threshold),
    leakyRelu: (x, slope) => map([x], ([px], py, n) => ex.leaky_relu_f(px, py, n, slope)) ?? cpu.leakyRelu(x, slope),
    leakyReluGrad: (dy, x, slope) => map([dy, x], ([pd, px], po, n) => ex.leaky_relu_grad_f(pd, px, po, n, slope)) ?? cpu.leakyReluGrad(dy, x, slope),
    elu: (x, alpha) => map([x], ([px], py, n) => ex.elu_f(px, py, n, alpha)) ?? cpu.elu(x, alpha),
    eluGrad: (dy, x, y, alpha) => map([dy, x, y], ([pd, px, py], po, n) => ex.elu_grad_f(pd, px, py, po, n, alpha)) ?? cpu.eluGrad(dy, x, y, alpha),
    clamp: (x, lo, hi) => map([x], ([px], py, n) => ex.clamp_f(px, py, n, lo, hi)) ?? cpu.clamp(x, lo, hi),
    clampGrad: (dy, x, lo, hi) => map([dy, x], ([pd, px], po, n) => ex.clamp_grad_f(pd, px, po, n, lo, hi)) ?? cpu.clampGrad(dy, x, lo, hi),
    affine: (x, a, b) => map([x], ([px], py, n) => ex.affine_f(px, py, n, a, b)) ?? cpu.affine(x, a, b),
    binaryCrossEntropy: (y, d) => map([y, d], ([py, pd], po, n) => ex.bce_f(py, pd, po, n)) ?? cpu.binaryCrossEntropy(y, d),
    binaryCrossEntropyGrad: (dy, y, d) =>
      map([y, dy, d], ([py, pdy, pd], po, n) => ex.bce_grad_f(pdy, py, pd, po, n)) ?? cpu.binaryCrossEntropyGrad(dy, y, d),
    binaryCrossEntropyTargetGrad: (dy, y) =>
      map([y, dy], ([py, pdy], po, n) => ex.bce_target_grad_f(pdy, py, po, n)) ?? cpu.binaryCrossEntropyTargetGrad(dy, y),
  };
}
