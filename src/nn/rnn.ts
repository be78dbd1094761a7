/**
 * Recurrent layers over whole sequences: RNN, LSTM and GRU, several layers deep and optionally
 * bidirectional, with PyTorch's parameter names (weight_ih_l0, bias_hh_l1_reverse, …) so
 * state dicts load both ways. Our input is batch first, [N, T, F], unless batchFirst: false.
 * Each layer-direction is one `linear` over all steps (xProj = x W_ihᵀ + b_ih) followed by one
 * recurrence over time; back-propagation through time is back-propagation through that graph.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { random } from '../tensor/random.js';
import { mul } from '../ops/arith.js';
import { linear } from '../ops/matmul.js';
import { concat, permute, reshape, slice, stack } from '../ops/shape.js';
import { gateCount, recurrenceUnrolled, type RecurrenceKind } from './rnn-unrolled.js';
import { recurrence } from '../ops/recurrence.js';
import { checkNonlinearity, checkSize, recurrentInit } from './rnn-cells.js';
import { Module, intOpt, numOpt, registerModuleType, type ModuleConfig } from './module.js';

/** Which lengths of a padded batch are real. */
export interface SeqOptions {
  /** The real length of each sequence (1 … T); steps from lengths[n] on are padding. */
  lengths?: readonly number[];
  /** [N, T] of 0/1: 1 = a real step, 0 = padding (instead of lengths). */
  mask?: Tensor;
}

/** Options of RNN, LSTM and GRU. */
export interface RNNOptions {
  /** Stacked recurrent layers, each reading the previous one's outputs (default 1). */
  numLayers?: number;
  /** RNN only: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  /** Add the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [N, T, F] (default TRUE, our convention; PyTorch's default is [T, N, F]). */
  batchFirst?: boolean;
  /** A second recurrence runs from the last step to the first; outputs are concatenated (default false). */
  bidirectional?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training only (default 0). */
  dropout?: number;
}

/** How the time loop runs: the fused single-node op, or the unfolded graph of ordinary ops. */
export type RecurrenceImpl = 'fused' | 'unrolled';

/** The recurrence function for an impl. */
function recurrenceFor(impl: RecurrenceImpl): typeof recurrenceUnrolled {
  // Same signature and result: the fused op is one graph node with hand-written BPTT (fast);
  // the unfolded graph is the lecture's picture, one node per gate per step (the reference).
  return impl === 'fused' ? recurrence : recurrenceUnrolled;
}

/** A 0/1 mask [N, T] from lengths, checked against the batch. */
function maskFrom(layer: string, seq: SeqOptions | undefined, n: number, t: number): Tensor | null {
  if (seq === undefined) return null;
  if (typeof seq !== 'object' || seq === null) throw new ConfigError(`${layer}: seq must be { lengths } or { mask }`);
  const { lengths, mask } = seq;
  if (lengths !== undefined && mask !== undefined) throw new ConfigError(`${layer}: give seq.lengths or seq.mask, not both`);
  if (mask !== undefined) {
    if (!(mask instanceof Tensor) || mask.ndim !== 2 || mask.shape[0] !== n || mask.shape[1] !== t) {
      throw new ShapeError(`${layer}: mask has shape ${mask instanceof Tensor ? fmtShape(mask.shape) : String(mask)}, expected [N, T] = ${fmtShape([n, t])}`);
    }
    for (let i = 0; i < mask.size; i++) {
      const v = mask.data[i];
      if (v !== 0 && v !== 1) throw new ShapeError(`${layer}: mask ${fmtShape(mask.shape)} must hold only 0 and 1, found ${v} at flat index ${i}`);
    }
    return mask;
  }
  if (lengths === undefined) return null;
  if (!Array.isArray(lengths) || lengths.length !== n) {
    throw new ShapeError(`${layer}: lengths must list one length per sequence (${n} for an input with N = ${n}), got ${Array.isArray(lengths) ? `${lengths.length}` : String(lengths)}`);
  }
  const m = zeros([n, t]);
  lengths.forEach((len: unknown, i) => {
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 1 || len > t) {
      throw new ShapeError(`${layer}: lengths[${i}] = ${String(len)} is out of range 1 … ${t} for an input of T = ${t} steps`);
    }
    m.data.fill(1, i * t, i * t + len);
  });
  return m;
}

/** Inverted dropout on a layer's outputs: zero with probability p, scale the rest by 1/(1−p). */
function dropout(x: Tensor, p: number): Tensor {
  const keep = 1 - p;
  const m = zeros(x.shape);
  for (let i = 0; i < m.size; i++) m.data[i] = random() < keep ? 1 / keep : 0;
  return mul(x, m);
}

/** The state(s) of one layer-direction after its last real step. */
interface Final {
  h: Tensor;
  c: Tensor | null;
}

/** The shared body of RNN, LSTM and GRU. */
abstract class RecurrentBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly dropout: number;
  /** How the time loop runs (default 'fused'); 'unrolled' builds the lecture's unfolded graph. */
  impl: RecurrenceImpl = 'fused';
  private readonly layerName: string;
  private readonly slots = new Map<string, Tensor>();

  constructor(protected readonly kind: RecurrenceKind, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions) {
    super();
    const name = new.target.name;
    this.layerName = name;
    checkSize(name, 'inputSize', inputSize);
    checkSize(name, 'hiddenSize', hiddenSize);
    this.numLayers = checkSize(name, 'numLayers', options.numLayers ?? 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? true;
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout < 1)) {
      throw new ConfigError(`${name}: dropout must be in [0, 1), got ${String(options.dropout)}`);
    }
    const GH = gateCount(kind) * hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    // PyTorch's order: per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh.
    for (let k = 0; k < this.numLayers; k++) {
      const inF = k === 0 ? inputSize : D * hiddenSize;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [[`weight_ih${sfx}`, [GH, inF]], [`weight_hh${sfx}`, [GH, hiddenSize]]];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [GH]], [`bias_hh${sfx}`, [GH]]);
        for (const [n, shape] of shapes) this.slots.set(n, this.registerParameter(n, recurrentInit(shape, hiddenSize)));
      }
    }
  }

  /** Number of directions D: 2 when bidirectional. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameter of this module named `name`. */
  private param(name: string): Tensor {
    const p = this.slots.get(name);
    if (!p) throw new ConfigError(`${this.layerName}: no parameter '${name}'`);
    return p;
  }

  /** The parameters of layer k, direction d. */
  protected weights(k: number, d: number): { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null } {
    const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: this.param(`weight_ih${sfx}`),
      wHh: this.param(`weight_hh${sfx}`),
      bIh: this.bias ? this.param(`bias_ih${sfx}`) : null,
      bHh: this.bias ? this.param(`bias_hh${sfx}`) : null,
    };
  }

  /** x as [N, T, F], checked. */
  protected input(x: Tensor): Tensor {
    const F = this.inputSize;
    const layout = this.batchFirst ? '[N, T, F]' : '[T, N, F]';
    if (!(x instanceof Tensor)) throw new ShapeError(`${this.layerName}: input must be a Tensor ${layout}`);
    if (x.ndim !== 3 || x.shape[2] !== F) {
      throw new ShapeError(`${this.layerName}(${F}→${this.hiddenSize}): input of shape ${fmtShape(x.shape)} should be ${layout} with F = ${F}${x.ndim === 2 ? ' (add a batch axis: unsqueeze)' : ''}`);
    }
    return this.batchFirst ? x : permute(x, [1, 0, 2]);
  }

  /** An initial state [L·D, N, H] given by the caller, checked; or zeros. */
  protected initial(s: Tensor | null | undefined, n: number, what: string): Tensor {
    const want = [this.numLayers * this.numDirections, n, this.hiddenSize];
    if (s === undefined || s === null) return zeros(want);
    if (!(s instanceof Tensor) || s.ndim !== 3 || s.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`${this.layerName}: ${what} has shape ${s instanceof Tensor ? fmtShape(s.shape) : String(s)}, expected [L·D, N, H] = ${fmtShape(want)}`);
    }
    return s;
  }

  /**
   * Runs every layer and direction over x [N, T, F] from the initial states h0 (and c0) [L·D, N, H].
   * Returns the last layer's outputs [N, T, D·H] (0 at padded steps) and the final states [L·D, N, H].
   */
  protected run(x: Tensor, h0: Tensor, c0: Tensor | null, seq: SeqOptions | undefined): { out: Tensor; hN: Tensor; cN: Tensor | null } {
    const [N, T] = x.shape;
    const H = this.hiddenSize;
    const D = this.numDirections;
    const mask = maskFrom(this.layerName, seq, N, T);
    const mask3 = mask && reshape(mask, [N, T, 1]);
    const recurrence = recurrenceFor(this.impl);
    const finals: Final[] = [];
    let cur = x;
    for (let k = 0; k < this.numLayers; k++) {
      if (k > 0 && this.training && this.dropout > 0) cur = dropout(cur, this.dropout);
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const { wIh, wHh, bIh, bHh } = this.weights(k, d);
        const idx = k * D + d;
        const pick = (s: Tensor): Tensor => reshape(slice(s, idx, idx + 1, 0), [N, H]);
        // One matrix product for all T steps: the input's part of every z_t.
        const xProj = linear(cur, wIh, bIh);
        const states = recurrence(this.kind, xProj, pick(h0), c0 && pick(c0), wHh, bHh, { reverse: d === 1, mask });
        const hAll = this.kind === 'lstm' ? slice(states, 0, H, 2) : states;
        // Padded steps carry the state, so the last real step's state sits at position T−1
        // (forward) or 0 (reverse, which ends at the first position).
        const at = d === 0 ? T - 1 : 0;
        const last = (t: Tensor): Tensor => reshape(slice(t, at, at + 1, 1), [N, H]);
        finals.push({ h: last(hAll), c: this.kind === 'lstm' ? last(slice(states, H, 2 * H, 2)) : null });
        outs.push(hAll);
      }
      cur = D === 1 ? outs[0] : concat(outs, 2);
      if (mask3) cur = mul(cur, mask3); // outputs are 0 at padded steps
    }
    return {
      out: this.batchFirst ? cur : permute(cur, [1, 0, 2]),
      hN: stack(finals.map((f) => f.h), 0),
      cN: this.kind === 'lstm' ? stack(finals.map((f) => f.c as Tensor), 0) : null,
    };
  }

  override toConfig(): ModuleConfig {
    return {
      type: this.layerName, inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers,
      bias: this.bias, batchFirst: this.batchFirst, bidirectional: this.bidirectional, dropout: this.dropout,
    };
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (!this.batchFirst) parts.push('batchFirst=false');
    if (this.bidirectional) parts.push('bidirectional=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    return parts.join(', ');
  }
}

/**
 * A vanilla recurrent network h_t = f(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), f = tanh or ReLU.
 * forward(x [N, T, F], h0? [L·D, N, H], seq?) → [output [N, T, D·H], hN [L·D, N, H]].
 */
export class RNN extends RecurrentBase<[x: Tensor, h0?: Tensor | null, seq?: SeqOptions], [Tensor, Tensor]> {
  /** 'tanh' or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nl = checkNonlinearity('RNN', options.nonlinearity);
    super(nl === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }
  override forward(x: Tensor, h0?: Tensor | null, seq?: SeqOptions): [Tensor, Tensor] {
    const xb = this.input(x);
    const { out, hN } = this.run(xb, this.initial(h0, xb.shape[0], 'h0'), null, seq);
    return [out, hN];
  }
  override toConfig(): ModuleConfig {
    return { ...super.toConfig(), nonlinearity: this.nonlinearity };
  }
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}`;
  }
}

/**
 * Long short-term memory: gates i, f, g, o and a cell state c carried additively.
 * forward(x [N, T, F], [h0, c0]? each [L·D, N, H], seq?) → [output [N, T, D·H], [hN, cN]].
 */
export class LSTM extends RecurrentBase<[x: Tensor, state?: [Tensor, Tensor] | null, seq?: SeqOptions], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }
  override forward(x: Tensor, state?: [Tensor, Tensor] | null, seq?: SeqOptions): [Tensor, [Tensor, Tensor]] {
    const xb = this.input(x);
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ShapeError('LSTM: state must be a pair [h0, c0]');
    }
    const n = xb.shape[0];
    const { out, hN, cN } = this.run(xb, this.initial(state?.[0], n, 'h0'), this.initial(state?.[1], n, 'c0'), seq);
    return [out, [hN, cN as Tensor]];
  }
}

/**
 * Gated recurrent unit: reset gate r, update gate z, candidate n; h_t = (1−z)⊙n + z⊙h_{t−1}.
 * forward(x [N, T, F], h0? [L·D, N, H], seq?) → [output [N, T, D·H], hN [L·D, N, H]].
 */
export class GRU extends RecurrentBase<[x: Tensor, h0?: Tensor | null, seq?: SeqOptions], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('gru', inputSize, hiddenSize, options);
  }
  override forward(x: Tensor, h0?: Tensor | null, seq?: SeqOptions): [Tensor, Tensor] {
    const xb = this.input(x);
    const { out, hN } = this.run(xb, this.initial(h0, xb.shape[0], 'h0'), null, seq);
    return [out, hN];
  }
}

/** The options every recurrent layer's config holds. */
function rnnOptions(c: ModuleConfig): RNNOptions {
  return {
    numLayers: intOpt(c, 'numLayers', 1), bias: c.bias !== false, batchFirst: c.batchFirst !== false,
    bidirectional: c.bidirectional === true, dropout: numOpt(c, 'dropout', 0),
  };
}

registerModuleType('RNN', (c) => new RNN(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), { ...rnnOptions(c), nonlinearity: checkNonlinearity('RNN', c.nonlinearity ?? undefined) }));
registerModuleType('LSTM', (c) => new LSTM(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), rnnOptions(c)));
registerModuleType('GRU', (c) => new GRU(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), rnnOptions(c)));
