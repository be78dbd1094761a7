/**
 * The lecture's many-to-many model: a character-level language model. Each character xₜ is
 * embedded, a recurrent layer (LSTM by default, or GRU / vanilla RNN) carries the state
 * hₜ = f(xₜ, hₜ₋₁), and a linear layer turns every hₜ into logits over the vocabulary: the
 * model's guess at the next character. Trained with the cross-entropy of every step
 * (sequenceCrossEntropy), its loss is in nats per character; generate() samples from it one
 * character at a time, feeding each choice back in and carrying the state.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { getRngState, setRngState, manualSeed, MAX_SEED } from '../tensor/random.js';
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import { Module, registerModuleType, intOpt, numOpt, type ModuleConfig } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { sequenceCrossEntropy } from '../losses/sequence.js';
import { Embedding } from '../nn/embedding.js';
import { makeRecurrent, runRecurrent, type CellType, type Recurrent } from './seq-parts.js';
import { CharVocab } from '../data/vocab.js';
import { sampleLogits } from '../ops/sample.js';

/** The recurrent layer of a CharRNN: the sequence models' cell types. */
export type CharRNNCell = CellType;

/** The cell names, for configs and errors (the default, 'lstm', first). */
export const CHAR_RNN_CELLS: readonly CharRNNCell[] = Object.freeze(['lstm', 'gru', 'rnn']);

/** Options of CharRNN. */
export interface CharRNNOptions {
  /** The recurrent layer: 'lstm' (default), 'gru' or 'rnn' (vanilla tanh RNN). */
  cell?: CharRNNCell;
  /** Length E of each character's learned vector (default 32). */
  embeddingDim?: number;
  /** Units H of the recurrent state (default 128). */
  hiddenSize?: number;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Dropout between stacked recurrent layers, in training only (default 0). */
  dropout?: number;
}

/** The state a CharRNN carries between calls: h [L, N, H], or [h, c] for an LSTM. */
export type CharRNNState = Tensor | [Tensor, Tensor];

/** Options of CharRNN.generate. */
export interface GenerateOptions {
  /** Divides the logits before the softmax: < 1 sharpens the distribution, > 1 flattens it, 0 takes the argmax (default 1). */
  temperature?: number;
  /** Draw from this seed (the generator is put back afterwards); default: the global generator. */
  seed?: number;
  /** Always take the most likely character instead of sampling. */
  greedy?: boolean;
}

/** Embedding → LSTM / GRU / RNN → Linear to the vocabulary: logits for the next character at every step. */
export class CharRNN extends Module<[x: Tensor, state?: CharRNNState | null], [Tensor, CharRNNState]> {
  /** The characters the model reads and writes; index i is the i-th logit. */
  readonly vocab: CharVocab;
  readonly cell: CharRNNCell;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly dropout: number;
  readonly embedding: Embedding;
  readonly rnn: Recurrent;
  readonly head: Linear;

  constructor(vocab: CharVocab | string, options: CharRNNOptions = {}) {
    super();
    this.vocab = typeof vocab === 'string' ? CharVocab.fromText(vocab) : vocab;
    if (!(this.vocab instanceof CharVocab)) throw new ConfigError('CharRNN: vocab must be a CharVocab or a text to take the characters from');
    this.cell = options.cell ?? 'lstm';
    if (!CHAR_RNN_CELLS.includes(this.cell)) throw new ConfigError(`CharRNN: cell must be one of ${CHAR_RNN_CELLS.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(this.cell)}`);
    this.embeddingDim = options.embeddingDim ?? 32;
    this.hiddenSize = options.hiddenSize ?? 128;
    this.numLayers = options.numLayers ?? 1;
    this.dropout = options.dropout ?? 0;
    for (const [k, v] of [['embeddingDim', this.embeddingDim], ['hiddenSize', this.hiddenSize], ['numLayers', this.numLayers]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`CharRNN: ${k} must be a whole number ≥ 1, got ${String(v)}`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ConfigError(`CharRNN: dropout must be in [0, 1), got ${String(this.dropout)}`);
    const v = this.vocab.size;
    this.embedding = new Embedding(v, this.embeddingDim);
    this.rnn = makeRecurrent(this.cell, this.embeddingDim, this.hiddenSize, { numLayers: this.numLayers, dropout: this.dropout });
    this.head = new Linear(this.hiddenSize, v);
  }

  /** Logits [N, T, V] for the character after each of x [N, T] (vocabulary indices), and the state after the last step. */
  override forward(x: Tensor, state: CharRNNState | null = null): [Tensor, CharRNNState] {
    if (!(x instanceof Tensor) || x.ndim !== 2) throw new ShapeError(`CharRNN: input must be character indices [N, T], got ${x instanceof Tensor ? fmtShape(x.shape) : String(x)}`);
    this.checkState(state, x.shape[0]);
    const e = this.embedding.call(x); // [N, T, E]
    const [out, next] = runRecurrent(this.rnn, e, state);
    return [this.head.call(out), next];
  }

  /**
   * The mean cross-entropy, in nats per character, of predicting y [N, T] from x [N, T] (each
   * window from a zero state), in eval mode without a graph, `batchSize` windows at a time.
   */
  textLoss(data: { x: Tensor; y: Tensor }, batchSize = 256): number {
    const { x, y } = data;
    if (!(x instanceof Tensor) || !(y instanceof Tensor) || x.ndim !== 2 || y.ndim !== 2 || x.shape[0] !== y.shape[0] || x.shape[1] !== y.shape[1]) {
      throw new ShapeError(`CharRNN.textLoss: x and y must both be [N, T] character indices, got ${x instanceof Tensor ? fmtShape(x.shape) : String(x)} and ${y instanceof Tensor ? fmtShape(y.shape) : String(y)}`);
    }
    const n = x.shape[0];
    if (n === 0 || x.shape[1] === 0) throw new ValueError('CharRNN.textLoss: no characters to score');
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        let total = 0;
        for (let s = 0; s < n; s += batchSize) {
          const e = Math.min(s + batchSize, n);
          const [logits] = this.forward(ops.slice(x, s, e));
          total += sequenceCrossEntropy(logits, ops.slice(y, s, e), { reduction: 'sum' }).item();
        }
        return total / x.size;
      });
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * Continues `prime` by `length` characters, sampled one at a time from softmax(logits / T):
   * the prime is read in one pass, then each sampled character is fed back with the carried
   * state. An empty prime starts from a newline (or a space, or the first character) of the vocabulary.
   */
  generate(prime: string, length: number, options: GenerateOptions = {}): string {
    if (typeof prime !== 'string') throw new ValueError(`CharRNN.generate: prime must be a string, got ${typeof prime}`);
    if (!Number.isInteger(length) || length < 0) throw new ConfigError(`CharRNN.generate: length must be a whole number ≥ 0, got ${String(length)}`);
    const temperature = options.temperature ?? 1;
    if (!(Number.isFinite(temperature) && temperature >= 0)) throw new ConfigError(`CharRNN.generate: temperature must be a number ≥ 0 (0 takes the likeliest character), got ${String(temperature)}`);
    const seed = options.seed;
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) throw new ConfigError(`CharRNN.generate: seed must be a whole number from 0 to ${MAX_SEED}, got ${String(seed)}`);
    const unknown = [...new Set([...prime].filter((ch) => !this.vocab.chars.includes(ch)))];
    if (unknown.length > 0) throw new ValueError(`CharRNN.generate: the prime has characters the model never saw: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`);
    const start = prime.length > 0 ? prime : this.startChar();
    const saved = seed !== undefined ? getRngState() : undefined;
    const wasTraining = this.training;
    this.eval();
    try {
      if (seed !== undefined) manualSeed(seed);
      return noGrad(() => {
        const ids = this.vocab.encode(start);
        let [logits, state] = this.forward(new Tensor(Float32Array.from(ids), [1, ids.length]));
        let last = ops.reshape(ops.slice(logits, ids.length - 1, ids.length, 1), [this.vocab.size]);
        const out: number[] = [];
        for (let i = 0; i < length; i++) {
          const next = sampleLogits(last, { temperature, greedy: options.greedy })[0];
          out.push(next);
          if (i + 1 === length) break;
          [logits, state] = this.forward(new Tensor(Float32Array.of(next), [1, 1]), state);
          last = ops.reshape(logits, [this.vocab.size]);
        }
        return this.vocab.decode(out);
      });
    } finally {
      this.train(wasTraining);
      if (saved) setRngState(saved);
    }
  }

  /** The character an empty prime starts from: a newline, else a space, else the vocabulary's first. */
  private startChar(): string {
    for (const ch of ['\n', ' ']) if (this.vocab.chars.includes(ch)) return ch;
    return this.vocab.decode([0]);
  }

  private checkState(state: CharRNNState | null, n: number): void {
    if (state === null || state === undefined) return;
    const want = `[${this.numLayers}, ${n}, ${this.hiddenSize}]`;
    const ok = (t: unknown) => t instanceof Tensor && t.ndim === 3 && t.shape[0] === this.numLayers && t.shape[1] === n && t.shape[2] === this.hiddenSize;
    if (this.cell === 'lstm') {
      if (!Array.isArray(state) || state.length !== 2 || !ok(state[0]) || !ok(state[1])) {
        throw new ShapeError(`CharRNN: an LSTM's state must be [h, c], each ${want}, got ${describeState(state)}`);
      }
    } else if (!ok(state)) {
      throw new ShapeError(`CharRNN: a ${this.cell.toUpperCase()}'s state must be h ${want}, got ${describeState(state)}`);
    }
  }

  override toConfig(): ModuleConfig {
    return {
      type: 'CharRNN', vocab: { type: 'CharVocab', chars: [...this.vocab.chars] }, cell: this.cell, embeddingDim: this.embeddingDim,
      hiddenSize: this.hiddenSize, numLayers: this.numLayers, dropout: this.dropout,
    };
  }

  override extraRepr(): string {
    return `vocab=${this.vocab.size} chars, cell=${this.cell}`;
  }
}

function describeState(s: unknown): string {
  if (s instanceof Tensor) return `a tensor ${fmtShape(s.shape)}`;
  if (Array.isArray(s)) return `[${s.map((t) => (t instanceof Tensor ? fmtShape(t.shape) : typeof t)).join(', ')}]`;
  return String(s);
}

registerModuleType('CharRNN', (c: ModuleConfig) => {
  const cell = c.cell ?? 'lstm';
  if (typeof cell !== 'string' || !(CHAR_RNN_CELLS as readonly string[]).includes(cell)) {
    throw new ConfigError(`CharRNN: field 'cell' must be one of ${CHAR_RNN_CELLS.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(c.cell)}`);
  }
  let vocab: CharVocab;
  try {
    vocab = CharVocab.fromJSON(c.vocab as never);
  } catch (e) {
    throw new ConfigError(`CharRNN: field 'vocab' is not a saved vocabulary (${(e as Error).message})`);
  }
  return new CharRNN(vocab, {
    cell: cell as CharRNNCell,
    embeddingDim: intOpt(c, 'embeddingDim', 32),
    hiddenSize: intOpt(c, 'hiddenSize', 128),
    numLayers: intOpt(c, 'numLayers', 1),
    dropout: numOpt(c, 'dropout', 0),
  });
});
