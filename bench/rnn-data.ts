/**
 * The RNN and LSTM rows' shared inputs: one batch of sequences, regression targets and one set of initial weights in
 * PyTorch layouts, so that every library trains the same network from the same start (their first-step losses agree).
 */
import { randomFloats } from './data.js';

/** The recurrent nets compared: a vanilla tanh RNN (G = 1 gate block) and an LSTM (G = 4: i, f, g, o). */
export type RnnKind = 'rnn' | 'lstm';

/** Sizes of the rows: batch N of sequences of T steps with F features, hidden size H. */
export interface RnnDims {
  readonly n: number;
  readonly t: number;
  readonly f: number;
  readonly h: number;
}

/** The sizes: hidden 128, input 64, 32 steps, batch 32. */
export const RNN_DIMS: RnnDims = { n: 32, t: 32, f: 64, h: 128 };

/** The problem and starting point of one row. */
export interface RnnProblem {
  readonly kind: RnnKind;
  readonly dims: RnnDims;
  /** Inputs [N, T, F] row-major (batch first), uniform in [−1, 1). */
  readonly x: Float32Array;
  /** Targets [N, 1] of the regression head, uniform in [−1, 1). */
  readonly y: Float32Array;
  /** weight_ih_l0 [G·H, F] as PyTorch stores it. */
  readonly wIh: Float32Array;
  /** weight_hh_l0 [G·H, H]. */
  readonly wHh: Float32Array;
  /** bias_ih_l0 [G·H]. */
  readonly bIh: Float32Array;
  /** bias_hh_l0 [G·H]. */
  readonly bHh: Float32Array;
  /** The head Linear(H → 1): weight [1, H]. */
  readonly headW: Float32Array;
  /** The head's bias [1]. */
  readonly headB: Float32Array;
}

/** Gate blocks per kind: W_ih stacks G matrices of [H, F] (PyTorch: 1 for RNN, 4 for LSTM in the order i, f, g, o). */
export function gates(kind: RnnKind): number {
  return kind === 'lstm' ? 4 : 1;
}

/** Uniform in ±bound, drawn from the seeded generator. */
function uniform(size: number, bound: number, seed: number): Float32Array {
  return randomFloats(size, seed).map((v) => v * bound);
}

/** The row's data and initial weights, PyTorch's default init U(−1/√H, 1/√H) for the recurrent layer and the head. */
export function rnnProblem(kind: RnnKind, dims: RnnDims = RNN_DIMS, seed = 11): RnnProblem {
  const { n, t, f, h } = dims;
  const gh = gates(kind) * h;
  const bound = 1 / Math.sqrt(h);
  return {
    kind,
    dims,
    x: randomFloats(n * t * f, seed),
    y: randomFloats(n, seed + 1),
    wIh: uniform(gh * f, bound, seed + 2),
    wHh: uniform(gh * h, bound, seed + 3),
    bIh: uniform(gh, bound, seed + 4),
    bHh: uniform(gh, bound, seed + 5),
    headW: uniform(h, bound, seed + 6),
    headB: uniform(1, bound, seed + 7),
  };
}

/** A row-major [rows, cols] matrix transposed to [cols, rows] (PyTorch's [out, in] to the [in, out] of tfjs kernels). */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** Elementwise sum of two equal-length vectors (b_ih + b_hh: tfjs keeps one bias where PyTorch keeps two). */
export function addVectors(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}

/** The loss every library computes: mean over the batch of (head(h_T) − y)², h_T the hidden state after the last step. */
export const RNN_LOSS = 'mean squared error of a Linear(H→1) head on the last hidden state';
