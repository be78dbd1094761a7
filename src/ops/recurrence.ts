/**
 * One layer-direction of a recurrent network over all T steps as ONE graph node: the lecture's
 * unfolded graph, run as a loop instead of recorded step by step. Forward keeps what BPTT needs
 * (every state and gate activation); backward walks t backwards once, δ through the gates, and
 * collects the gate gradients of all steps so that ∂L/∂W_hh = Σ_t δ_tᵀ h_{t−1} is a single
 * matrix product over all N·T rows, and ∂L/∂b_hh one column sum.
 *
 * Per step the work is one [N,H]×[H,G·H] product forward (kernels.matmul with transB: W_hh is
 * used as stored, [G·H, H]) and one [N,G·H]×[G·H,H] backward, plus the fused elementwise gate
 * loops of kernels.recurrenceStep / recurrenceStepGrad. Gate formulas are PyTorch's
 * (torch.nn.RNN, LSTM, GRU).
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { alloc, span, type FloatArray } from '../kernels/types.js';
import {
  RECURRENCE_KINDS, recurrenceGates, recurrenceSaved,
  type RecurrenceDims, type RecurrenceForwardBuffers, type RecurrenceKind,
} from '../kernels/cpu/recurrence.js';
import { isGradEnabled, record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkSize } from '../tensor/limits.js';
import { checkArgCount } from './args.js';
import { checkOptions } from './window.js';

export type { RecurrenceKind } from '../kernels/cpu/recurrence.js';

/** Options of recurrence(). */
export interface RecurrenceOptions {
  /** Process the steps t = T−1 … 0 (the backward direction of a bidirectional layer); states[:, t] is still the state at t. */
  reverse?: boolean;
  /** [N, T] of 1 (a real step) and 0 (padding): at a padded step the state is carried unchanged. */
  mask?: Tensor | null;
}

const OP = 'recurrence';

/** Throws a ShapeError naming `what` unless t has exactly `shape`. */
function expectShape(t: Tensor, what: string, shape: readonly number[], why: string): void {
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${OP}: ${what} must have shape ${fmtShape(shape)} (${why}), got ${fmtShape(t.shape)}`);
  }
}

/** The checked sizes of a call; throws a typed error naming the first argument that does not fit. */
function checkInputs(
  kind: unknown, xProj: Tensor, h0: Tensor, c0: Tensor | null | undefined, wHh: Tensor, bHh: Tensor | null | undefined,
): RecurrenceDims {
  if (typeof kind !== 'string' || !(RECURRENCE_KINDS as readonly string[]).includes(kind)) {
    throw new ValueError(`${OP}: kind must be one of ${RECURRENCE_KINDS.join(', ')}, got ${JSON.stringify(kind) ?? String(kind)}`);
  }
  const k = kind as RecurrenceKind;
  checkTensor(xProj, OP, 'xProj');
  checkTensor(h0, OP, 'h0');
  checkTensor(wHh, OP, 'wHh');
  const G = recurrenceGates(k);
  if (wHh.ndim !== 2 || wHh.shape[0] !== G * wHh.shape[1]) {
    throw new ShapeError(`${OP}: wHh of a '${k}' recurrence must be [${G}·H, H] (${G} gate${G > 1 ? 's' : ''} of H rows), got ${fmtShape(wHh.shape)}`);
  }
  const H = wHh.shape[1];
  if (xProj.ndim !== 3 || xProj.shape[2] !== G * H) {
    throw new ShapeError(`${OP}: xProj must be [N, T, ${G * H}] (x W_ihᵀ + b_ih for ${G}·H = ${G * H} gate inputs, H = ${H} from wHh ${fmtShape(wHh.shape)}), got ${fmtShape(xProj.shape)}`);
  }
  const [N, T] = xProj.shape;
  if (T === 0) throw new ShapeError(`${OP}: xProj ${fmtShape(xProj.shape)} has no steps (T = 0)`);
  expectShape(h0, 'h0', [N, H], `N = ${N} from xProj ${fmtShape(xProj.shape)}, H = ${H} from wHh ${fmtShape(wHh.shape)}`);
  if (k === 'lstm') {
    if (c0 === null || c0 === undefined) throw new ValueError(`${OP}: an 'lstm' recurrence needs the initial cell state c0 [${N}, ${H}], got ${String(c0)}`);
    checkTensor(c0, OP, 'c0');
    expectShape(c0, 'c0', [N, H], `the LSTM's initial cell state, as h0`);
  } else if (c0 !== null && c0 !== undefined) {
    throw new ValueError(`${OP}: c0 is the LSTM's cell state; a '${k}' recurrence takes null`);
  }
  if (bHh !== null && bHh !== undefined) {
    checkTensor(bHh, OP, 'bHh');
    expectShape(bHh, 'bHh', [G * H], `one bias per row of wHh ${fmtShape(wHh.shape)}`);
  }
  checkSize([N, T + 1, recurrenceSaved(k) * H], OP);
  return { kind: k, n: N, t: T, h: H };
}

/** The checked options: the direction and the mask's data (null: no padding). */
function readOptions(opts: RecurrenceOptions | undefined, dims: RecurrenceDims): { reverse: boolean; mask: FloatArray | null } {
  checkOptions(OP, opts, ['reverse', 'mask']);
  const reverse = opts?.reverse ?? false;
  if (typeof reverse !== 'boolean') throw new ValueError(`${OP}: reverse must be true or false, got ${String(reverse)}`);
  const m = opts?.mask;
  if (m === undefined || m === null) return { reverse, mask: null };
  checkTensor(m, OP, 'mask');
  expectShape(m, 'mask', [dims.n, dims.t], 'one 0/1 per sequence and step');
  for (let i = 0; i < m.size; i++) {
    const v = m.data[i];
    if (v !== 0 && v !== 1) throw new ValueError(`${OP}: mask must hold only 0 (padding) and 1 (a real step), got ${v} at [${Math.floor(i / dims.t)}, ${i % dims.t}]`);
  }
  return { reverse, mask: m.data };
}

/**
 * Runs one layer-direction of a recurrent net over all T steps as ONE graph node.
 * xProj [N, T, G·H] = x W_ihᵀ + b_ih (G = 1 for 'rnnTanh'/'rnnRelu', 4 for 'lstm', 3 for 'gru'),
 * h0 [N, H], c0 [N, H] (LSTM only, else null), wHh [G·H, H], bHh [G·H] or null.
 * Returns the states [N, T, H] (h_t at each step), or [N, T, 2H] for the LSTM (h_t then c_t).
 */
export function recurrence(
  kind: RecurrenceKind, xProj: Tensor, h0: Tensor, c0: Tensor | null, wHh: Tensor, bHh: Tensor | null, opts?: RecurrenceOptions,
): Tensor {
  checkArgCount(OP, 7, arguments.length);
  const dims = checkInputs(kind, xProj, h0, c0, wHh, bHh);
  const { reverse, mask } = readOptions(opts, dims);
  const { n: N, t: T, h: H } = dims;
  const lstm = dims.kind === 'lstm';
  const G = recurrenceGates(dims.kind);
  const GH = G * H;
  const inputs = [xProj, h0, ...(lstm ? [c0 as Tensor] : []), wHh, ...(bHh ? [bHh] : [])];
  const keepAll = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const like = xProj.data;

  // Time-major, processing-order buffers: step s reads the contiguous h[s] and writes h[s+1].
  const h = alloc((T + 1) * N * H, like);
  h.set(h0.data);
  let c: FloatArray | null = null;
  if (lstm) {
    c = alloc((T + 1) * N * H, like);
    c.set((c0 as Tensor).data);
  }
  const A = recurrenceSaved(dims.kind) * H;
  const buf: RecurrenceForwardBuffers = {
    xProj: xProj.data,
    bHh: bHh ? bHh.data : alloc(GH, like),
    mask,
    h,
    c,
    act: alloc((keepAll ? T : 1) * N * A, like),
    keepAll,
    states: alloc(N * T * (lstm ? 2 : 1) * H, like),
  };
  const w = wHh.data;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    // hh = h_{t−1} W_hhᵀ: W_hh used as stored [G·H, H], no transposed copy.
    const hh = kernels.matmul(span(h, s * N * H, (s + 1) * N * H), w, N, H, GH, { transB: true });
    kernels.recurrenceStep(dims, s, t, hh, buf);
  }
  const y = new Tensor(buf.states, [N, T, (lstm ? 2 : 1) * H]);
  if (!keepAll) return y;

  return record(y, OP, inputs, (dy) => {
    const dh = alloc(N * H, like);
    const dc = lstm ? alloc(N * H, like) : null;
    const dx = alloc(N * T * GH, like);
    const dhh = alloc(T * N * GH, like);
    const grad = { dStates: dy, dh, dc, dx, dhh };
    // BPTT: walk the steps backwards; back = δ_{s+1} W_hh carries δ through the recurrent weights.
    let back: FloatArray | null = null;
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      kernels.recurrenceStepGrad(dims, s, t, back, buf, grad);
      if (s > 0 || h0.requiresGrad) back = kernels.matmul(span(dhh, s * N * GH, (s + 1) * N * GH), w, N, GH, H);
    }
    let dh0: FloatArray | null = null;
    if (h0.requiresGrad) {
      dh0 = dh;
      if (back) kernels.addInPlace(dh0, back);
    }
    // One product over all N·T rows: ∂L/∂W_hh = Σ_t δ_tᵀ h_{t−1}, with h[0..T−1] the previous states in step order.
    const dW = wHh.requiresGrad ? kernels.matmul(dhh, span(h, 0, T * N * H), GH, T * N, H, { transA: true }) : null;
    const db = bHh?.requiresGrad ? kernels.sumAxis(dhh, 1, T * N, GH) : null;
    return [
      xProj.requiresGrad ? dx : null,
      dh0,
      ...(lstm ? [(c0 as Tensor).requiresGrad ? dc : null] : []),
      dW,
      ...(bHh ? [db] : []),
    ];
  }, { kind: dims.kind, reverse });
}
