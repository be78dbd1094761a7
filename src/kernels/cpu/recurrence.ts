/**
 * The elementwise half of a recurrent layer, one time step at a time: the gate loops of the
 * vanilla RNN, the LSTM and the GRU, forward and backward (BPTT). The matrix half, the product
 * with W_hh, is the matmul kernel's; the op (src/ops/recurrence.ts) alternates the two.
 *
 * Layouts (N sequences, T steps, H hidden units, G gates; "step s" counts in processing order,
 * so for a reversed layer step s sits at position t = T−1−s):
 *  - xProj [N, T, G·H] and the output states [N, T, S·H] (S = 2 for the LSTM: h then c) are
 *    batch first, as the layer sees them;
 *  - everything private to the recurrence is time-major in processing order, so the slice one
 *    step reads or writes is contiguous: the states h [T+1, N, H] (h[0] = h₀), the LSTM cells
 *    c [T+1, N, H], the saved activations act [T, N, A·H], the gate gradients dhh [T, N, G·H].
 * Every loop reads its step's slices once and writes each output once; nothing is allocated.
 */
import type { FloatArray } from '../types.js';

/** The four recurrent cells of the lectures (PyTorch's nn.RNN with tanh or ReLU, nn.LSTM, nn.GRU). */
export type RecurrenceKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** The recurrent cells, in the order error messages list them. */
export const RECURRENCE_KINDS: readonly RecurrenceKind[] = ['rnnTanh', 'rnnRelu', 'lstm', 'gru'];

/** Gates per cell: z for an RNN; i, f, g, o for the LSTM; r, z, n for the GRU. */
export function recurrenceGates(kind: RecurrenceKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

/**
 * Values per hidden unit kept from the forward pass for backward: y = f(z) for an RNN;
 * i, f, g, o and tanh(c̃) for the LSTM; r, z, n and W_hn h + b_hn for the GRU.
 */
export function recurrenceSaved(kind: RecurrenceKind): number {
  return kind === 'lstm' ? 5 : kind === 'gru' ? 4 : 1;
}

/** Sizes of one recurrence. */
export interface RecurrenceDims {
  readonly kind: RecurrenceKind;
  /** Sequences in the batch. */
  readonly n: number;
  /** Steps per sequence. */
  readonly t: number;
  /** Hidden units. */
  readonly h: number;
}

/** What the forward step reads and writes (see the file comment for the layouts). */
export interface RecurrenceForwardBuffers {
  /** x W_ihᵀ + b_ih for every step [N, T, G·H]. */
  readonly xProj: FloatArray;
  /** b_hh [G·H] (zeros for a layer without bias). */
  readonly bHh: FloatArray;
  /** 1 at a real step, 0 at padding [N, T]; null: every step is real. */
  readonly mask: FloatArray | null;
  /** States [T+1, N, H]: h[0] = h₀ is read, h[s+1] written at step s. */
  readonly h: FloatArray;
  /** LSTM cells [T+1, N, H], as h; null for the other kinds. */
  readonly c: FloatArray | null;
  /** Saved activations [T, N, A·H]; or one step's [N, A·H] when `keepAll` is false (no backward). */
  readonly act: FloatArray;
  /** Whether act holds every step (for backward) or is reused by each step. */
  readonly keepAll: boolean;
  /** The op's output [N, T, S·H]. */
  readonly states: FloatArray;
}

/** What the backward step reads and writes. */
export interface RecurrenceGradBuffers {
  /** ∂L/∂states from the layers above [N, T, S·H]. */
  readonly dStates: FloatArray;
  /** In: ∂L/∂s_t reaching step s from later steps, other than through W_hh; out: the same for step s−1 [N, H]. */
  readonly dh: FloatArray;
  /** LSTM: ∂L/∂c_t from later steps, in and out as dh [N, H]; null otherwise. */
  readonly dc: FloatArray | null;
  /** ∂L/∂xProj [N, T, G·H], written at the step's position. */
  readonly dx: FloatArray;
  /** ∂L/∂(W_hh h + b_hh) [T, N, G·H], written at step s; equals dx but for the GRU's n gate. */
  readonly dhh: FloatArray;
}

/** σ(z) = 1/(1 + e^−z); e^−z = ∞ for very negative z gives 0, no NaN. */
function sig(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** tanh(z) = 1 − 2/(1 + e^{2z}): one exp, about twice as fast as Math.tanh under V8, exact at ±∞. */
function th(z: number): number {
  return 1 - 2 / (1 + Math.exp(2 * z));
}

/**
 * Forward step s (position t) of the recurrence: given hh = h_{s−1} W_hhᵀ [N, G·H], computes the
 * gates, the candidate state s̃ and s_t = m·s̃ + (1 − m)·s_{t−1} (m = the mask at (n, t)), writing
 * h[s+1] (and c[s+1]), the saved activations and the output states at position t.
 */
export function recurrenceStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
  switch (dims.kind) {
    case 'rnnTanh':
    case 'rnnRelu':
      rnnStep(dims, s, t, hh, buf);
      break;
    case 'lstm':
      lstmStep(dims, s, t, hh, buf);
      break;
    case 'gru':
      gruStep(dims, s, t, hh, buf);
      break;
  }
}

/** h_t = f(xProj_t + W_hh h_{t−1} + b_hh), f = tanh or ReLU; act keeps y = f(z). */
function rnnStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
  const { n, t: T, h: H } = dims;
  const relu = dims.kind === 'rnnRelu';
  const { xProj: x, bHh: b, mask, h: hs, act, states } = buf;
  const prev = s * n * H;
  const next = prev + n * H;
  const a0 = buf.keepAll ? s * n * H : 0;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * H;
    const io = i * H;
    for (let j = 0; j < H; j++) {
      const z = x[xo + j] + hh[io + j] + b[j];
      const y = relu ? (z > 0 || z !== z ? z : 0) : th(z);
      act[a0 + io + j] = y;
      // Padding (m = 0) carries the state: m·y + (1 − m)·h is exactly h there and exactly y at m = 1.
      const v = m === 1 ? y : m * y + (1 - m) * hs[prev + io + j];
      hs[next + io + j] = v;
      states[xo + j] = v;
    }
  }
}

/**
 * LSTM, gates in PyTorch's order i, f, g, o: i, f, o = σ(·), g = tanh(·),
 * c̃ = f⊙c_{t−1} + i⊙g, h̃ = o⊙tanh(c̃); act keeps i, f, g, o, tanh(c̃).
 */
function lstmStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
  const { n, t: T, h: H } = dims;
  const G = 4 * H;
  const { xProj: x, bHh: b, mask, h: hs, act, states } = buf;
  const cs = buf.c as FloatArray;
  const prev = s * n * H;
  const next = prev + n * H;
  const a0 = buf.keepAll ? s * n * 5 * H : 0;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * G;
    const go = i * G;
    const ao = a0 + i * 5 * H;
    const so = (i * T + t) * 2 * H;
    const po = prev + i * H;
    const no = next + i * H;
    for (let j = 0; j < H; j++) {
      const ig = sig(x[xo + j] + hh[go + j] + b[j]);
      const fg = sig(x[xo + H + j] + hh[go + H + j] + b[H + j]);
      const gg = th(x[xo + 2 * H + j] + hh[go + 2 * H + j] + b[2 * H + j]);
      const og = sig(x[xo + 3 * H + j] + hh[go + 3 * H + j] + b[3 * H + j]);
      const cPrev = cs[po + j];
      const c = fg * cPrev + ig * gg;
      const tc = th(c);
      const hNew = og * tc;
      act[ao + j] = ig;
      act[ao + H + j] = fg;
      act[ao + 2 * H + j] = gg;
      act[ao + 3 * H + j] = og;
      act[ao + 4 * H + j] = tc;
      const hv = m === 1 ? hNew : m * hNew + (1 - m) * hs[po + j];
      const cv = m === 1 ? c : m * c + (1 - m) * cPrev;
      hs[no + j] = hv;
      cs[no + j] = cv;
      states[so + j] = hv;
      states[so + H + j] = cv;
    }
  }
}

/**
 * GRU, gates in PyTorch's order r, z, n: r, z = σ(·), n = tanh(x_n + r⊙(W_hn h + b_hn)) with
 * b_hn inside the r product, h̃ = (1 − z)⊙n + z⊙h_{t−1}; act keeps r, z, n, W_hn h + b_hn.
 */
function gruStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
  const { n, t: T, h: H } = dims;
  const G = 3 * H;
  const { xProj: x, bHh: b, mask, h: hs, act, states } = buf;
  const prev = s * n * H;
  const next = prev + n * H;
  const a0 = buf.keepAll ? s * n * 4 * H : 0;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * G;
    const go = i * G;
    const ao = a0 + i * 4 * H;
    const so = (i * T + t) * H;
    const po = prev + i * H;
    for (let j = 0; j < H; j++) {
      const r = sig(x[xo + j] + hh[go + j] + b[j]);
      const z = sig(x[xo + H + j] + hh[go + H + j] + b[H + j]);
      const hn = hh[go + 2 * H + j] + b[2 * H + j];
      const nn = th(x[xo + 2 * H + j] + r * hn);
      const hp = hs[po + j];
      const hNew = (1 - z) * nn + z * hp;
      act[ao + j] = r;
      act[ao + H + j] = z;
      act[ao + 2 * H + j] = nn;
      act[ao + 3 * H + j] = hn;
      const v = m === 1 ? hNew : m * hNew + (1 - m) * hp;
      hs[next + i * H + j] = v;
      states[so + j] = v;
    }
  }
}

/**
 * Backward step s (position t) of BPTT. The gradient reaching s_t is δ = ∂L/∂states_t + dh (from
 * step s+1, not through W_hh) + back (= dhh_{s+1} W_hh, the part through W_hh; null at the last
 * step). Writes the gate gradients of step s to dx (at t) and dhh (at s), and leaves in dh (and
 * dc) what reaches s_{t−1} other than through W_hh: (1 − m)·δ, plus z⊙δ̃ for the GRU, plus the
 * cell path f⊙δc̃ for the LSTM. At padding (m = 0) the gates get no gradient and δ passes to s_{t−1}.
 */
export function recurrenceStepGrad(
  dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
): void {
  switch (dims.kind) {
    case 'rnnTanh':
    case 'rnnRelu':
      rnnStepGrad(dims, s, t, back, fwd, grad);
      break;
    case 'lstm':
      lstmStepGrad(dims, s, t, back, fwd, grad);
      break;
    case 'gru':
      gruStepGrad(dims, s, t, back, fwd, grad);
      break;
  }
}

/** RNN: δz = m·δ⊙f'(z), with f' = 1 − y² (tanh) or [y > 0] (ReLU) from the saved output y. */
function rnnStepGrad(
  dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
): void {
  const { n, t: T, h: H } = dims;
  const relu = dims.kind === 'rnnRelu';
  const { mask, act } = fwd;
  const { dStates: dy, dh, dx, dhh } = grad;
  const a0 = s * n * H;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * H;
    const io = i * H;
    for (let j = 0; j < H; j++) {
      const d = dy[xo + j] + dh[io + j] + (back === null ? 0 : back[io + j]);
      const y = act[a0 + io + j];
      const dz = m * d * (relu ? (y > 0 ? 1 : 0) : 1 - y * y);
      dx[xo + j] = dz;
      dhh[a0 + io + j] = dz;
      dh[io + j] = (1 - m) * d;
    }
  }
}

/**
 * LSTM: δh̃ = m·δh, δc̃ = m·δc + δh̃⊙o⊙(1 − tanh²c̃); δo = δh̃⊙tanh c̃⊙o(1−o), δi = δc̃⊙g⊙i(1−i),
 * δg = δc̃⊙i⊙(1−g²), δf = δc̃⊙c_{t−1}⊙f(1−f); the cell passes (1 − m)·δc + f⊙δc̃ back.
 */
function lstmStepGrad(
  dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
): void {
  const { n, t: T, h: H } = dims;
  const G = 4 * H;
  const { mask, act } = fwd;
  const cs = fwd.c as FloatArray;
  const { dStates: dy, dh, dx, dhh } = grad;
  const dc = grad.dc as FloatArray;
  const prev = s * n * H;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * G;
    const go = (s * n + i) * G;
    const ao = (s * n + i) * 5 * H;
    const so = (i * T + t) * 2 * H;
    const io = i * H;
    const po = prev + io;
    for (let j = 0; j < H; j++) {
      const dH = dy[so + j] + dh[io + j] + (back === null ? 0 : back[io + j]);
      const dC = dy[so + H + j] + dc[io + j];
      const ig = act[ao + j], fg = act[ao + H + j], gg = act[ao + 2 * H + j], og = act[ao + 3 * H + j], tc = act[ao + 4 * H + j];
      const dht = m * dH;
      const dct = m * dC + dht * og * (1 - tc * tc);
      const di = dct * gg * ig * (1 - ig);
      const df = dct * cs[po + j] * fg * (1 - fg);
      const dg = dct * ig * (1 - gg * gg);
      const dO = dht * tc * og * (1 - og);
      dx[xo + j] = di;
      dx[xo + H + j] = df;
      dx[xo + 2 * H + j] = dg;
      dx[xo + 3 * H + j] = dO;
      dhh[go + j] = di;
      dhh[go + H + j] = df;
      dhh[go + 2 * H + j] = dg;
      dhh[go + 3 * H + j] = dO;
      dh[io + j] = (1 - m) * dH;
      dc[io + j] = (1 - m) * dC + dct * fg;
    }
  }
}

/**
 * GRU: δh̃ = m·δ; δn = δh̃⊙(1−z)⊙(1−n²), δz = δh̃⊙(h_{t−1} − n)⊙z(1−z), δr = δn⊙(W_hn h + b_hn)⊙r(1−r).
 * The n gate's two inputs get different gradients: ∂L/∂x_n = δn, ∂L/∂(W_hn h + b_hn) = δn⊙r.
 * h_{t−1} also receives z⊙δh̃ directly, besides (1 − m)·δ.
 */
function gruStepGrad(
  dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
): void {
  const { n, t: T, h: H } = dims;
  const G = 3 * H;
  const { mask, act, h: hs } = fwd;
  const { dStates: dy, dh, dx, dhh } = grad;
  const prev = s * n * H;
  for (let i = 0; i < n; i++) {
    const m = mask === null ? 1 : mask[i * T + t];
    const xo = (i * T + t) * G;
    const go = (s * n + i) * G;
    const ao = (s * n + i) * 4 * H;
    const so = (i * T + t) * H;
    const io = i * H;
    const po = prev + io;
    for (let j = 0; j < H; j++) {
      const d = dy[so + j] + dh[io + j] + (back === null ? 0 : back[io + j]);
      const r = act[ao + j], z = act[ao + H + j], nn = act[ao + 2 * H + j], hn = act[ao + 3 * H + j];
      const dht = m * d;
      const dn = dht * (1 - z) * (1 - nn * nn);
      const dz = dht * (hs[po + j] - nn) * z * (1 - z);
      const dr = dn * hn * r * (1 - r);
      dx[xo + j] = dr;
      dx[xo + H + j] = dz;
      dx[xo + 2 * H + j] = dn;
      dhh[go + j] = dr;
      dhh[go + H + j] = dz;
      dhh[go + 2 * H + j] = dn * r;
      dh[io + j] = (1 - m) * d + dht * z;
    }
  }
}
