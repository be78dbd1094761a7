/**
 * The wasm recurrence steps (recurrence.c): one time step of the tanh/ReLU RNN and the LSTM,
 * forward and backward (recurrence.c), and of the GRU (gru.c), with the step's slices gathered into
 * contiguous scratch. Float64 buffers stay on the cpu kernel.
 */
import type { Kernels } from '../backend.js';
import { span, type FloatArray } from '../types.js';
import {
  recurrenceStep as cpuRecurrenceStep, recurrenceStepGrad as cpuRecurrenceStepGrad,
  type RecurrenceDims, type RecurrenceForwardBuffers, type RecurrenceGradBuffers,
} from '../cpu/recurrence.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';

/** The recurrence.c exports this file calls. */
interface RecurrenceExports {
  rnn_step(x: number, hh: number, b: number, mask: number, hprev: number, act: number, hnew: number, n: number, h: number, relu: number): void;
  lstm_step(
    x: number, hh: number, b: number, mask: number, hprev: number, cprev: number, act: number, hnew: number, cnew: number,
    n: number, h: number,
  ): void;
  rnn_step_grad(dy: number, dh: number, back: number, act: number, mask: number, dx: number, n: number, h: number, relu: number): void;
  lstm_step_grad(
    dy: number, dh: number, dc: number, back: number, act: number, cprev: number, mask: number, dx: number, n: number, h: number,
  ): void;
  gru_step(x: number, hh: number, b: number, mask: number, hprev: number, act: number, hnew: number, n: number, h: number): void;
  gru_step_grad(
    dy: number, dh: number, back: number, act: number, hprev: number, mask: number, dx: number, dhh: number, n: number, h: number,
  ): void;
}

/** Gates G and saved values A per hidden unit of a cell (as recurrenceGates, recurrenceSaved). */
function widths(kind: RecurrenceDims['kind']): { g: number; a: number } {
  return kind === 'lstm' ? { g: 4, a: 5 } : kind === 'gru' ? { g: 3, a: 4 } : { g: 1, a: 1 };
}

/** Copies rows i·T+t (each `width` floats) of a (n, T, width) array into contiguous scratch; its byte offset. */
function gatherStep(c: WasmCall, src: FloatArray, n: number, T: number, t: number, width: number): number {
  const at = c.scratch(n * width);
  const w = c.view(at, n * width);
  for (let i = 0; i < n; i++) {
    const from = (i * T + t) * width;
    w.set(span((src as Float32Array), from, from + width), i * width);
  }
  return at;
}

/** The step's mask column (one float per sample) in scratch, or 0 without a mask. */
function maskStep(c: WasmCall, mask: FloatArray | null, n: number, T: number, t: number): number {
  return mask ? gatherStep(c, mask, n, T, t, 1) : 0;
}

/** The forward recurrence step of one variant: equal to the cpu kernel's or one float32 rounding off (σ, tanh). */
export function wasmRecurrenceStep(variant: WasmVariant): Kernels['recurrenceStep'] {
  const inst = instance(variant);
  const ex = inst.exports as unknown as RecurrenceExports;
  return function recurrenceStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
    const { kind, n, t: T, h: H } = dims;
    const lstm = kind === 'lstm';
    if (!allF32(hh, buf.xProj, buf.bHh, buf.mask, buf.h, buf.c, buf.act, buf.states)) {
      cpuRecurrenceStep(dims, s, t, hh, buf);
      return;
    }
    const G = widths(kind).g * H;
    const A = widths(kind).a * H;
    const nH = n * H;
    const prev = s * nH;
    const next = prev + nH;
    const hs = buf.h as Float32Array;
    const cs = buf.c as Float32Array | null;
    const done = wasmCall(inst, (c) => {
      const pX = gatherStep(c, buf.xProj, n, T, t, G);
      const pHh = c.input(span((hh as Float32Array), 0, n * G));
      const pB = c.input(span((buf.bHh as Float32Array), 0, G));
      const pMask = maskStep(c, buf.mask, n, T, t);
      const pHp = c.input(span(hs, prev, next));
      const pCp = lstm ? c.input(span((cs as Float32Array), prev, next)) : 0;
      const pAct = c.scratch(n * A);
      const pHn = c.scratch(nH);
      const pCn = lstm ? c.scratch(nH) : 0;
      if (lstm) ex.lstm_step(pX, pHh, pB, pMask, pHp, pCp, pAct, pHn, pCn, n, H);
      else if (kind === 'gru') ex.gru_step(pX, pHh, pB, pMask, pHp, pAct, pHn, n, H);
      else ex.rnn_step(pX, pHh, pB, pMask, pHp, pAct, pHn, n, H, kind === 'rnnRelu' ? 1 : 0);
      (buf.act as Float32Array).set(c.view(pAct, n * A), buf.keepAll ? s * n * A : 0);
      const hNew = c.view(pHn, nH);
      hs.set(hNew, next);
      const cNew = lstm ? c.view(pCn, nH) : null;
      if (cNew) (cs as Float32Array).set(cNew, next);
      scatterStates(buf.states as Float32Array, hNew, cNew, n, T, t, H);
    });
    if (!done) cpuRecurrenceStep(dims, s, t, hh, buf);
  };
}

/** Writes a step's h (and c, for the LSTM) into the (n, T, H or 2H) states output. */
function scatterStates(states: Float32Array, hNew: Float32Array, cNew: Float32Array | null, n: number, T: number, t: number, H: number): void {
  const S = cNew ? 2 * H : H;
  for (let i = 0; i < n; i++) {
    const so = (i * T + t) * S;
    states.set(span(hNew, i * H, i * H + H), so);
    if (cNew) states.set(span(cNew, i * H, i * H + H), so + H);
  }
}

/** The backward recurrence step of one variant: bit for bit the cpu kernel's results. */
export function wasmRecurrenceStepGrad(variant: WasmVariant): Kernels['recurrenceStepGrad'] {
  const inst = instance(variant);
  const ex = inst.exports as unknown as RecurrenceExports;
  return function recurrenceStepGrad(
    dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
  ): void {
    const { kind, n, t: T, h: H } = dims;
    const lstm = kind === 'lstm';
    const arrays = [back, fwd.mask, fwd.act, fwd.c, grad.dStates, grad.dh, grad.dc, grad.dx, grad.dhh];
    if (!allF32(...arrays, fwd.h)) {
      cpuRecurrenceStepGrad(dims, s, t, back, fwd, grad);
      return;
    }
    const gru = kind === 'gru';
    const G = widths(kind).g * H;
    const A = widths(kind).a * H;
    const S = (lstm ? 2 : 1) * H;
    const nH = n * H;
    const done = wasmCall(inst, (c) => {
      const pDy = gatherStep(c, grad.dStates, n, T, t, S);
      const pDh = c.inout(span((grad.dh as Float32Array), 0, nH));
      const pDc = lstm ? c.inout(span((grad.dc as Float32Array), 0, nH)) : 0;
      const pBack = back ? c.input(span((back as Float32Array), 0, nH)) : 0;
      const pAct = c.input(span((fwd.act as Float32Array), s * n * A, (s + 1) * n * A));
      const pCp = lstm ? c.input(span((fwd.c as Float32Array), s * nH, (s + 1) * nH)) : 0;
      const pMask = maskStep(c, fwd.mask, n, T, t);
      const pHp = gru ? c.input(span((fwd.h as Float32Array), s * nH, (s + 1) * nH)) : 0;
      const pDx = c.scratch(n * G);
      const pDhh = gru ? c.scratch(n * G) : pDx;
      if (lstm) ex.lstm_step_grad(pDy, pDh, pDc, pBack, pAct, pCp, pMask, pDx, n, H);
      else if (gru) ex.gru_step_grad(pDy, pDh, pBack, pAct, pHp, pMask, pDx, pDhh, n, H);
      else ex.rnn_step_grad(pDy, pDh, pBack, pAct, pMask, pDx, n, H, kind === 'rnnRelu' ? 1 : 0);
      (grad.dhh as Float32Array).set(c.view(pDhh, n * G), s * n * G);
      const dxW = c.view(pDx, n * G);
      const dx = grad.dx as Float32Array;
      for (let i = 0; i < n; i++) dx.set(span(dxW, i * G, i * G + G), (i * T + t) * G);
    });
    if (!done) cpuRecurrenceStepGrad(dims, s, t, back, fwd, grad);
  };
}
