/** The wasm optimiser steps (optim.c): SGD, Adam/AdamW and RMSprop, rounding exactly as the cpu kernels. */
import type { Kernels } from '../backend.js';
import * as cpuOptim from '../cpu/optim.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';
import { span } from '../types.js';

/** The optim.c exports this file calls. */
interface OptimExports {
  sgd_step(
    theta: number, grad: number, buf: number, n: number, hasBuf: number,
    lr: number, mu: number, dampening: number, nesterov: number, wd: number, maximize: number, first: number,
  ): void;
  adam_step(
    theta: number, grad: number, m: number, v: number, vmax: number, n: number, hasVmax: number,
    beta1: number, beta2: number, eps: number, wd: number, decoupled: number, maximize: number,
    stepSize: number, bc2Sqrt: number, shrink: number,
  ): void;
  rmsprop_step(
    theta: number, grad: number, v: number, gAvg: number, buf: number, n: number, hasGAvg: number, hasBuf: number,
    lr: number, alpha: number, eps: number, wd: number, mu: number, maximize: number,
  ): void;
}

const b = (x: boolean): number => (x ? 1 : 0);

/** The byte offset of an optional state array updated in place (0 when absent). */
function state(c: WasmCall, x: unknown, n: number): number {
  return x ? c.inout(span((x as Float32Array), 0, n)) : 0;
}

/** The optimiser kernels of one variant: results identical to the cpu kernels; float64 falls back to cpu. */
export function wasmOptimKernels(variant: WasmVariant): Pick<Kernels, 'sgdStep' | 'adamStep' | 'rmspropStep'> {
  const inst = instance(variant);
  const ex = inst.exports as unknown as OptimExports;
  return {
    sgdStep(theta, grad, buf, o) {
      if (!allF32(theta, grad, buf)) return cpuOptim.sgdStep(theta, grad, buf, o);
      const n = theta.length;
      const done = wasmCall(inst, (c) => {
        const t = state(c, theta, n);
        const g = c.input(span((grad as Float32Array), 0, n));
        ex.sgd_step(t, g, state(c, buf, n), n, b(buf !== null), o.lr, o.momentum, o.dampening, b(o.nesterov), o.weightDecay, b(o.maximize), b(o.first));
      });
      if (!done) cpuOptim.sgdStep(theta, grad, buf, o);
    },
    adamStep(theta, grad, m, v, vmax, o) {
      if (!allF32(theta, grad, m, v, vmax)) return cpuOptim.adamStep(theta, grad, m, v, vmax, o);
      const n = theta.length;
      // The same expressions as the cpu kernel, so the factors round identically.
      const stepSize = o.lr / (1 - o.beta1 ** o.step);
      const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
      const shrink = 1 - o.lr * o.weightDecay;
      const done = wasmCall(inst, (c) => {
        const t = state(c, theta, n);
        const g = c.input(span((grad as Float32Array), 0, n));
        ex.adam_step(
          t, g, state(c, m, n), state(c, v, n), state(c, vmax, n), n, b(vmax !== null),
          o.beta1, o.beta2, o.eps, o.weightDecay, b(o.decoupled), b(o.maximize), stepSize, bc2Sqrt, shrink,
        );
      });
      if (!done) cpuOptim.adamStep(theta, grad, m, v, vmax, o);
    },
    rmspropStep(theta, grad, v, gAvg, buf, o) {
      if (!allF32(theta, grad, v, gAvg, buf)) return cpuOptim.rmspropStep(theta, grad, v, gAvg, buf, o);
      const n = theta.length;
      const done = wasmCall(inst, (c) => {
        const t = state(c, theta, n);
        const g = c.input(span((grad as Float32Array), 0, n));
        ex.rmsprop_step(
          t, g, state(c, v, n), state(c, gAvg, n), state(c, buf, n), n, b(gAvg !== null), b(buf !== null),
          o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, b(o.maximize),
        );
      });
      if (!done) cpuOptim.rmspropStep(theta, grad, v, gAvg, buf, o);
    },
  };
}
