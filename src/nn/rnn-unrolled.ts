/**
 * The lecture's "unfolded graph" of a recurrent net: one copy of the cell per time step, all
 * sharing W_hh, built from ordinary ops (linear, add, mul, tanh, σ, slice, stack). Back-propagation
 * through time is then plain back-propagation through this graph. It is the readable reference
 * the fused `recurrence` op is tested against, and what the layers run until that op is merged.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/arith.js';
import { relu, sigmoid, tanh } from '../ops/activation.js';
import { linear } from '../ops/matmul.js';
import { concat, reshape, slice, stack } from '../ops/shape.js';
import type { RecurrenceKind, RecurrenceOptions } from '../ops/recurrence.js';
import { recurrenceGates } from '../kernels/cpu/recurrence.js';

export type { RecurrenceKind, RecurrenceOptions };

/** Number of gate blocks G stacked in W_ih and W_hh: 1 for a vanilla RNN, 4 for LSTM, 3 for GRU. */
export const gateCount: (kind: RecurrenceKind) => number = recurrenceGates;

/** The new state of one step. */
export interface CellState {
  /** h_t [N, H]. */
  h: Tensor;
  /** c_t [N, H] (LSTM only; null otherwise). */
  c: Tensor | null;
}

/**
 * One step of a recurrent cell, PyTorch's formulas: given xProj_t = W_ih x_t + b_ih [N, G·H] and
 * the previous state, hh = W_hh h_{t−1} + b_hh, and
 * - RNN: h_t = f(xProj_t + hh)
 * - LSTM: i, f, g, o = σ, σ, tanh, σ of the chunks of xProj_t + hh; c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t)
 * - GRU: r = σ(x_r + hh_r), z = σ(x_z + hh_z), n = tanh(x_n + r⊙hh_n), h_t = (1−z)⊙n + z⊙h_{t−1}
 */
export function cellStep(kind: RecurrenceKind, xt: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): CellState {
  const H = h.shape[1];
  const hh = linear(h, wHh, bHh);
  const chunk = (t: Tensor, k: number): Tensor => slice(t, k * H, (k + 1) * H, 1);
  switch (kind) {
    case 'rnnTanh':
      return { h: tanh(add(xt, hh)), c: null };
    case 'rnnRelu':
      return { h: relu(add(xt, hh)), c: null };
    case 'lstm': {
      if (c === null) throw new ValueError('recurrence: an LSTM needs a cell state c0 [N, H]');
      const z = add(xt, hh);
      const i = sigmoid(chunk(z, 0)); // input gate: how much of the candidate g to write
      const f = sigmoid(chunk(z, 1)); // forget gate: how much of c_{t−1} to keep
      const g = tanh(chunk(z, 2)); // candidate cell values
      const o = sigmoid(chunk(z, 3)); // output gate: how much of tanh(c_t) to show as h_t
      // The additive path c_t = f⊙c_{t−1} + … is what lets δ flow back many steps without vanishing.
      const cNew = add(mul(f, c), mul(i, g));
      return { h: mul(o, tanh(cNew)), c: cNew };
    }
    case 'gru': {
      const r = sigmoid(add(chunk(xt, 0), chunk(hh, 0))); // reset gate
      const z = sigmoid(add(chunk(xt, 1), chunk(hh, 1))); // update gate
      // b_hn sits inside the r product, as in PyTorch: r⊙(W_hn h + b_hn).
      const n = tanh(add(chunk(xt, 2), mul(r, chunk(hh, 2))));
      // (1−z)⊙n + z⊙h_{t−1}, written n + z⊙(h_{t−1} − n): one multiply fewer.
      return { h: add(n, mul(z, sub(h, n))), c: null };
    }
  }
}

/** Throws a ShapeError unless `t` has exactly `shape`. */
function expectShape(t: Tensor, shape: readonly number[], what: string): void {
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`recurrence: ${what} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
  }
}

/**
 * Runs one layer-direction of a recurrent net over all T steps, unfolded: the same signature and
 * result as the fused `recurrence` op. xProj [N, T, G·H] = x W_ihᵀ + b_ih for every step, h0 [N, H],
 * c0 [N, H] (LSTM only, else null), wHh [G·H, H], bHh [G·H] or null. Returns the states [N, T, H]
 * (h_t at each position t), or [N, T, 2H] for an LSTM (h_t in [..., :H], c_t in [..., H:]).
 * At a step where the mask is 0 the state is carried unchanged: s_t = m·s̃_t + (1−m)·s_{t−1}.
 */
export function recurrenceUnrolled(
  kind: RecurrenceKind,
  xProj: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  wHh: Tensor,
  bHh: Tensor | null,
  opts: RecurrenceOptions = {},
): Tensor {
  if (xProj.ndim !== 3) throw new ShapeError(`recurrence: xProj must be [N, T, G·H], got ${fmtShape(xProj.shape)}`);
  const [N, T, GH] = xProj.shape;
  const G = gateCount(kind);
  if (h0.ndim !== 2) throw new ShapeError(`recurrence: h0 must be [N, H], got ${fmtShape(h0.shape)}`);
  const H = h0.shape[1];
  expectShape(h0, [N, H], 'h0');
  if (GH !== G * H) throw new ShapeError(`recurrence: xProj ${fmtShape(xProj.shape)} should end in ${G}·H = ${G * H} for ${kind} with H = ${H}`);
  expectShape(wHh, [G * H, H], 'wHh');
  if (bHh) expectShape(bHh, [G * H], 'bHh');
  if (kind === 'lstm') {
    if (!c0) throw new ShapeError('recurrence: an LSTM needs c0 [N, H]');
    expectShape(c0, [N, H], 'c0');
  } else if (c0) throw new ShapeError(`recurrence: c0 is for an LSTM only, got one for ${kind}`);
  const mask = opts.mask ?? null;
  if (mask) expectShape(mask, [N, T], 'mask');
  const reverse = opts.reverse ?? false;

  // Cutting xProj straight into T steps would send T gradients the size of all of xProj back
  // into it (O(T²) work in backward: the bulk of a step at T = 1000); cutting it first into
  // blocks of ⌈√T⌉ steps, then each block into steps, keeps that O(T·√T).
  const B = Math.ceil(Math.sqrt(T));
  let block: Tensor | null = null;
  let blockStart = -1;
  const input = (t: number): Tensor => {
    const start = t - (t % B);
    if (block === null || start !== blockStart) {
      block = slice(xProj, start, Math.min(start + B, T), 1);
      blockStart = start;
    }
    return reshape(slice(block, t - start, t - start + 1, 1), [N, GH]);
  };

  const hs = new Array<Tensor>(T);
  const cs = new Array<Tensor>(T);
  let h = h0;
  let c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const xt = input(t);
    const next = cellStep(kind, xt, h, c, wHh, bHh);
    if (mask) {
      // Padding carries the state through: s_t = m·s̃_t + (1−m)·s_{t−1}, so δ at a padded step
      // reaches neither the weights nor the padded input.
      const m = reshape(slice(mask, t, t + 1, 1), [N, 1]);
      const keep = sub(1, m);
      h = add(mul(m, next.h), mul(keep, h));
      if (c && next.c) c = add(mul(m, next.c), mul(keep, c));
    } else {
      h = next.h;
      c = next.c;
    }
    hs[t] = h;
    if (c) cs[t] = c;
  }
  const hAll = stack(hs, 1);
  return kind === 'lstm' ? concat([hAll, stack(cs, 1)], 2) : hAll;
}
