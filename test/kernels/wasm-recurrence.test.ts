// The WebAssembly recurrence steps against the cpu kernels: tanh and ReLU RNN, LSTM and GRU over
// whole sequences (forward and reversed order, with and without padding masks, all steps kept or
// one reused). Forward within one float32 rounding, backward bit for bit; float64 buffers fall
// back to the cpu kernels exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recurrenceStep, recurrenceStepGrad, recurrenceGates, recurrenceSaved,
  type RecurrenceDims, type RecurrenceForwardBuffers, type RecurrenceGradBuffers, type RecurrenceKind,
} from '../../src/kernels/cpu/recurrence.js';
import { wasmBackend, wasmRecurrenceStep, wasmRecurrenceStepGrad } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { rng } from './data.js';

/** n seeded values in [-scale, scale), float32 or float64. */
function randomArray(n: number, next: () => number, scale: number, f64: boolean): FloatArray {
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = next() * scale;
  return x;
}

/** One problem: the buffers of a recurrence and the hh (h W_hhᵀ stand-in) of every step. */
interface Problem {
  dims: RecurrenceDims;
  buf: RecurrenceForwardBuffers;
  hh: FloatArray[];
}

/** Random buffers for a recurrence; the mask has padding at the ends of some sequences and a fractional value. */
function problem(kind: RecurrenceKind, n: number, T: number, H: number, opts: { masked: boolean; keepAll: boolean; f64?: boolean }, seed: number): Problem {
  const next = rng(seed);
  const f64 = opts.f64 === true;
  const G = recurrenceGates(kind) * H;
  const A = recurrenceSaved(kind) * H;
  const S = kind === 'lstm' ? 2 : 1;
  let mask: FloatArray | null = null;
  if (opts.masked) {
    mask = f64 ? new Float64Array(n * T) : new Float32Array(n * T);
    for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) mask[i * T + t] = t < T - (i % 3) ? 1 : 0;
    mask[0] = 0.25;
  }
  const zeros = (len: number): FloatArray => (f64 ? new Float64Array(len) : new Float32Array(len));
  const h = zeros((T + 1) * n * H);
  h.set(randomArray(n * H, next, 0.5, f64));
  const c = kind === 'lstm' ? zeros((T + 1) * n * H) : null;
  c?.set(randomArray(n * H, next, 2, f64));
  const buf: RecurrenceForwardBuffers = {
    // large enough pre-activations that σ and tanh saturate somewhere (|z| up to ~12)
    xProj: randomArray(n * T * G, next, 6, f64),
    bHh: randomArray(G, next, 1, f64),
    mask,
    h,
    c,
    act: zeros((opts.keepAll ? T : 1) * n * A),
    keepAll: opts.keepAll,
    states: zeros(n * T * S * H),
  };
  const hh = Array.from({ length: T }, () => randomArray(n * G, next, 5, f64));
  return { dims: { kind, n, t: T, h: H }, buf, hh };
}

/** A deep copy of the mutable buffers. */
function cloneBuf(b: RecurrenceForwardBuffers): RecurrenceForwardBuffers {
  return { ...b, h: b.h.slice(), c: b.c ? b.c.slice() : null, act: b.act.slice(), states: b.states.slice() };
}

/** Runs every step (forward or reversed order) with the given kernel. */
function run(step: typeof recurrenceStep, p: Problem, buf: RecurrenceForwardBuffers, reverse: boolean): void {
  for (let s = 0; s < p.dims.t; s++) step(p.dims, s, reverse ? p.dims.t - 1 - s : s, p.hh[s], buf);
}

/** Asserts two arrays agree within a float32 rounding or two (relative, and absolute below 1). */
function close(what: string, got: FloatArray, want: FloatArray): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const tol = 4e-7 * Math.max(1, Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}[${i}] = ${got[i]}, cpu ${want[i]}`);
  }
}

/** Gradient buffers for a problem, random ∂L/∂states and incoming dh (dc), plus the `back` of every step but the last. */
function gradProblem(p: Problem, seed: number): { grad: RecurrenceGradBuffers; back: (FloatArray | null)[] } {
  const next = rng(seed);
  const { kind, n, t: T, h: H } = p.dims;
  const f64 = p.buf.h instanceof Float64Array;
  const G = recurrenceGates(kind) * H;
  const S = kind === 'lstm' ? 2 : 1;
  const zeros = (len: number): FloatArray => (f64 ? new Float64Array(len) : new Float32Array(len));
  const grad: RecurrenceGradBuffers = {
    dStates: randomArray(n * T * S * H, next, 1, f64),
    dh: randomArray(n * H, next, 1, f64),
    dc: kind === 'lstm' ? randomArray(n * H, next, 1, f64) : null,
    dx: zeros(n * T * G),
    dhh: zeros(T * n * G),
  };
  const back = Array.from({ length: T }, (_, s) => (s === T - 1 ? null : randomArray(n * H, next, 1, f64)));
  return { grad, back };
}

/** A deep copy of the gradient buffers. */
function cloneGrad(g: RecurrenceGradBuffers): RecurrenceGradBuffers {
  return { dStates: g.dStates, dh: g.dh.slice(), dc: g.dc ? g.dc.slice() : null, dx: g.dx.slice(), dhh: g.dhh.slice() };
}

/** Runs the backward steps s = T−1 … 0 with the given kernel. */
function runGrad(step: typeof recurrenceStepGrad, p: Problem, back: (FloatArray | null)[], grad: RecurrenceGradBuffers, reverse: boolean): void {
  for (let s = p.dims.t - 1; s >= 0; s--) step(p.dims, s, reverse ? p.dims.t - 1 - s : s, back[s], p.buf, grad);
}

describe('wasm recurrence step', () => {
  test('the wasm backend provides recurrenceStep and recurrenceStepGrad', () => {
    assert.equal(typeof wasmBackend()?.kernels.recurrenceStep, 'function');
    assert.equal(typeof wasmBackend()?.kernels.recurrenceStepGrad, 'function');
  });

  let seed = 1;
  for (const kind of ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as RecurrenceKind[]) {
    for (const variant of ['simd'] as const) {
      const step = wasmRecurrenceStep(variant);
      test(`${kind}: every step equals the cpu kernel (masks, reversed order, kept or reused activations, odd sizes)`, () => {
        for (const [n, T, H] of [[1, 1, 1], [3, 5, 7], [32, 6, 128], [5, 4, 33]] as [number, number, number][]) {
          for (const masked of [false, true]) {
            for (const reverse of [false, true]) {
              const p = problem(kind, n, T, H, { masked, keepAll: !reverse }, seed++);
              const want = cloneBuf(p.buf);
              const got = cloneBuf(p.buf);
              run(recurrenceStep, p, want, reverse);
              run(step, p, got, reverse);
              const what = `${kind} n${n} T${T} H${H}${masked ? ' masked' : ''}${reverse ? ' reversed' : ''}`;
              close(`${what} h`, got.h, want.h);
              if (want.c && got.c) close(`${what} c`, got.c, want.c);
              close(`${what} act`, got.act, want.act);
              close(`${what} states`, got.states, want.states);
            }
          }
        }
      });
    }
  }

  for (const kind of ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as RecurrenceKind[]) {
    const stepGrad = wasmRecurrenceStepGrad('simd');
    test(`${kind}: every backward step is bit for bit the cpu kernel's (masks, reversed order, odd sizes)`, () => {
      for (const [n, T, H] of [[1, 1, 1], [3, 5, 7], [32, 6, 128], [5, 4, 33]] as [number, number, number][]) {
        for (const masked of [false, true]) {
          for (const reverse of [false, true]) {
            const p = problem(kind, n, T, H, { masked, keepAll: true }, seed++);
            run(recurrenceStep, p, p.buf, reverse);
            const { grad, back } = gradProblem(p, seed++);
            const want = cloneGrad(grad);
            const got = cloneGrad(grad);
            runGrad(recurrenceStepGrad, p, back, want, reverse);
            runGrad(stepGrad, p, back, got, reverse);
            assert.deepStrictEqual(got, want, `${kind} n${n} T${T} H${H}${masked ? ' masked' : ''}${reverse ? ' reversed' : ''}`);
          }
        }
      }
    });
  }

  test('extreme and non-finite pre-activations saturate and propagate like the cpu kernel', () => {
    const step = wasmRecurrenceStep('simd');
    for (const kind of ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as RecurrenceKind[]) {
      const p = problem(kind, 2, 1, 8, { masked: false, keepAll: true }, 99);
      const x = p.buf.xProj;
      [1e4, -1e4, 800, -800, 40, -40, NaN, Infinity, -Infinity, 0].forEach((v, i) => (x[i % x.length] = v));
      const want = cloneBuf(p.buf);
      const got = cloneBuf(p.buf);
      run(recurrenceStep, p, want, false);
      run(step, p, got, false);
      for (const key of ['h', 'act', 'states'] as const) {
        const g = got[key], w = want[key];
        for (let i = 0; i < w.length; i++) {
          if (g[i] === w[i]) continue;
          if (Number.isNaN(w[i])) assert.ok(Number.isNaN(g[i]), `${kind} ${key}[${i}]: ${g[i]}, cpu NaN`);
          else assert.ok(Math.abs(g[i] - w[i]) <= 4e-7 * Math.max(1, Math.abs(w[i])), `${kind} ${key}[${i}]: ${g[i]}, cpu ${w[i]}`);
        }
      }
    }
  });

  test('float64 buffers take the cpu kernels exactly', () => {
    const step = wasmRecurrenceStep('simd');
    const stepGrad = wasmRecurrenceStepGrad('simd');
    const cases: [RecurrenceKind, boolean][] = [['gru', true], ['lstm', true], ['rnnTanh', true]];
    for (const [kind, f64] of cases) {
      const p = problem(kind, 3, 4, 5, { masked: true, keepAll: true, f64 }, 7);
      const want = cloneBuf(p.buf);
      const got = cloneBuf(p.buf);
      run(recurrenceStep, p, want, false);
      run(step, p, got, false);
      assert.deepStrictEqual(got, want, `${kind}${f64 ? ' f64' : ''}`);
      const { grad, back } = gradProblem(p, 8);
      const gWant = cloneGrad(grad);
      const gGot = cloneGrad(grad);
      runGrad(recurrenceStepGrad, p, back, gWant, false);
      runGrad(stepGrad, p, back, gGot, false);
      assert.deepStrictEqual(gGot, gWant, `${kind}${f64 ? ' f64' : ''} backward`);
    }
  });
});
