/**
 * The recurrent cells, one time step each: RNNCell (h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)),
 * LSTMCell (gates i, f, g, o) and GRUCell (gates r, z, n), with PyTorch's parameter names and layouts
 * (weight_ih [G·H, F], weight_hh [G·H, H], bias_ih, bias_hh [G·H]) and its init U(±1/√H).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { random } from '../tensor/random.js';
import { linear } from '../ops/matmul.js';
import { reshape } from '../ops/shape.js';
import { cellStep, gateCount, type RecurrenceKind } from './rnn-unrolled.js';
import { Module, intOpt, registerModuleType, type ModuleConfig } from './module.js';

/** A tensor of `shape` filled from U(−1/√H, 1/√H), PyTorch's init for every recurrent weight and bias. */
export function recurrentInit(shape: readonly number[], hiddenSize: number): Tensor {
  const t = zeros(shape);
  const k = 1 / Math.sqrt(hiddenSize);
  for (let i = 0; i < t.size; i++) t.data[i] = -k + 2 * k * random();
  return t;
}

/** Throws a ConfigError unless `v` is a whole number ≥ 1. */
export function checkSize(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`${layer}: ${name} must be a whole number ≥ 1, got ${String(v)}`);
  return v;
}

/** The nonlinearity of a vanilla RNN, checked. */
export function checkNonlinearity(layer: string, v: unknown): 'tanh' | 'relu' {
  if (v === undefined) return 'tanh';
  if (v !== 'tanh' && v !== 'relu') throw new ConfigError(`${layer}: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(v)}`);
  return v;
}

/** Options of RNNCell, LSTMCell and GRUCell. */
export interface CellOptions {
  /** Add the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** RNNCell only: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** The shared body of the three cells: parameters, input checks, the step. */
abstract class CellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly weight_ih: Tensor;
  readonly weight_hh: Tensor;
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;

  constructor(protected readonly kind: RecurrenceKind, readonly inputSize: number, readonly hiddenSize: number, bias: boolean) {
    super();
    const name = new.target.name;
    checkSize(name, 'inputSize', inputSize);
    checkSize(name, 'hiddenSize', hiddenSize);
    const GH = gateCount(kind) * hiddenSize;
    this.weight_ih = this.registerParameter('weight_ih', recurrentInit([GH, inputSize], hiddenSize));
    this.weight_hh = this.registerParameter('weight_hh', recurrentInit([GH, hiddenSize], hiddenSize));
    this.bias_ih = bias ? this.registerParameter('bias_ih', recurrentInit([GH], hiddenSize)) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', recurrentInit([GH], hiddenSize)) : null;
  }

  /** x as [N, F] (a 1-D [F] is one sample), with whether it was unbatched. */
  protected batched(x: Tensor): [Tensor, boolean] {
    if (!(x instanceof Tensor)) throw new ShapeError(`${this.constructor.name}: input must be a Tensor`);
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${this.constructor.name}(${this.inputSize}→${this.hiddenSize}): input of shape ${fmtShape(x.shape)} should be [N, ${this.inputSize}] (or [${this.inputSize}] for one sample)`);
    }
    return x.ndim === 1 ? [reshape(x, [1, this.inputSize]), true] : [x, false];
  }

  /** A state given by the caller, as [N, H], or zeros. */
  protected state(s: Tensor | undefined, n: number, unbatched: boolean, what: string): Tensor {
    if (s === undefined) return zeros([n, this.hiddenSize]);
    const want = unbatched ? [this.hiddenSize] : [n, this.hiddenSize];
    if (!(s instanceof Tensor) || s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      const got = s instanceof Tensor ? fmtShape(s.shape) : String(s);
      throw new ShapeError(`${this.constructor.name}: ${what} has shape ${got}, expected ${fmtShape(want)} for an input of ${n} sample(s)`);
    }
    return unbatched ? reshape(s, [1, this.hiddenSize]) : s;
  }

  /** One step from x [N, F] and the previous state: W_ih x + b_ih, then the cell's formulas. */
  protected step(x: Tensor, h: Tensor, c: Tensor | null): { h: Tensor; c: Tensor | null } {
    return cellStep(this.kind, linear(x, this.weight_ih, this.bias_ih), h, c, this.weight_hh, this.bias_hh);
  }

  /** Back to [H] for an unbatched input. */
  protected unbatch(t: Tensor, unbatched: boolean): Tensor {
    return unbatched ? reshape(t, [this.hiddenSize]) : t;
  }

  override toConfig(): ModuleConfig {
    return { type: this.constructor.name, inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias_ih !== null };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}`;
  }
}

/** A vanilla RNN cell: h' = f(W_ih x + b_ih + W_hh h + b_hh), f = tanh or ReLU; h defaults to zeros. */
export class RNNCell extends CellBase<[x: Tensor, h?: Tensor], Tensor> {
  /** 'tanh' or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    const nl = checkNonlinearity('RNNCell', options.nonlinearity);
    super(nl === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, options.bias ?? true);
    this.nonlinearity = nl;
  }
  override forward(x: Tensor, h?: Tensor): Tensor {
    const [xb, one] = this.batched(x);
    return this.unbatch(this.step(xb, this.state(h, xb.shape[0], one, 'h'), null).h, one);
  }
  override toConfig(): ModuleConfig {
    return { ...super.toConfig(), nonlinearity: this.nonlinearity };
  }
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}`;
  }
}

/** An LSTM cell: (h, c) → (h', c') through the gates i, f, g, o; the state defaults to zeros. */
export class LSTMCell extends CellBase<[x: Tensor, state?: [Tensor, Tensor]], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<CellOptions, 'nonlinearity'> = {}) {
    super('lstm', inputSize, hiddenSize, options.bias ?? true);
  }
  override forward(x: Tensor, state?: [Tensor, Tensor]): [Tensor, Tensor] {
    const [xb, one] = this.batched(x);
    if (state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new ShapeError('LSTMCell: state must be a pair [h, c]');
    }
    const n = xb.shape[0];
    const next = this.step(xb, this.state(state?.[0], n, one, 'h'), this.state(state?.[1], n, one, 'c'));
    return [this.unbatch(next.h, one), this.unbatch(next.c as Tensor, one)];
  }
}

/** A GRU cell: h' = (1−z)⊙n + z⊙h with gates r, z and candidate n; h defaults to zeros. */
export class GRUCell extends CellBase<[x: Tensor, h?: Tensor], Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<CellOptions, 'nonlinearity'> = {}) {
    super('gru', inputSize, hiddenSize, options.bias ?? true);
  }
  override forward(x: Tensor, h?: Tensor): Tensor {
    const [xb, one] = this.batched(x);
    return this.unbatch(this.step(xb, this.state(h, xb.shape[0], one, 'h'), null).h, one);
  }
}

registerModuleType('RNNCell', (c) => new RNNCell(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), { bias: c.bias !== false, nonlinearity: checkNonlinearity('RNNCell', c.nonlinearity ?? undefined) }));
registerModuleType('LSTMCell', (c) => new LSTMCell(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), { bias: c.bias !== false }));
registerModuleType('GRUCell', (c) => new GRUCell(intOpt(c, 'inputSize'), intOpt(c, 'hiddenSize'), { bias: c.bias !== false }));
