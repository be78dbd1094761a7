/**
 * The lectures' sequence modes as models (the fourth, many-to-many, is the character model):
 * - many-to-one, SequenceClassifier: read a sequence, classify it from the final state;
 * - one-to-many, SequenceGenerator: one vector sets the initial state (and/or is fed at every
 *   step), a decoder writes a sequence token by token;
 * - encoder–decoder, Seq2Seq: many-to-one into the encoder's final state, one-to-many out of it.
 * Decoders are trained with teacher forcing (step t reads the true token t − 1) and used by
 * feeding back their own output (greedy or sampled) until they write END.
 * Tokens are whole numbers in float storage: PAD (0) pads, START (1) and END (2) frame a decoder's output.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import { Module, registerModuleType, intOpt, numOpt, type ModuleConfig, type JsonValue } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { Embedding } from '../nn/embedding.js';
import { RNN, LSTM, GRU, type SeqOptions } from '../nn/rnn.js';
import { sequenceCrossEntropy } from '../losses/sequence.js';
import { PAD_TOKEN, START_TOKEN, END_TOKEN } from '../data/sequences.js';

/** The recurrent layer inside a sequence model. */
export type CellType = 'rnn' | 'lstm' | 'gru';

const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

type Recurrent = RNN | LSTM | GRU;

/** A recurrent state: h [L, N, H], or [h, c] for an LSTM. */
type State = Tensor | [Tensor, Tensor];

/** Checks `cell` is one of CELL_TYPES. */
function checkCell(what: string, cell: unknown): CellType {
  if (!CELL_TYPES.includes(cell as CellType)) throw new ConfigError(`${what}: cell must be one of ${CELL_TYPES.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(cell)}`);
  return cell as CellType;
}

/** Checks a whole-number option ≥ min. */
function whole(what: string, field: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(`${what}: ${field} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** A recurrent layer of the given cell type. */
function makeRecurrent(cell: CellType, inputSize: number, hiddenSize: number, o: { numLayers: number; bidirectional?: boolean; dropout: number }): Recurrent {
  const opts = { numLayers: o.numLayers, bidirectional: o.bidirectional ?? false, dropout: o.dropout };
  if (cell === 'lstm') return new LSTM(inputSize, hiddenSize, opts);
  if (cell === 'gru') return new GRU(inputSize, hiddenSize, opts);
  return new RNN(inputSize, hiddenSize, opts);
}

/** Runs a recurrent layer of any cell type from `state` (null: zeros): [outputs [N, T, D·H], final state]. */
function runRecurrent(rnn: Recurrent, x: Tensor, state: State | null, seq?: SeqOptions): [Tensor, State] {
  if (rnn instanceof LSTM) return rnn.call(x, state as [Tensor, Tensor] | null, seq);
  return rnn.call(x, state as Tensor | null, seq);
}

/** Checks tokens are [N, T]. */
function checkTokens(what: string, x: Tensor): void {
  if (!(x instanceof Tensor) || x.ndim !== 2) throw new ShapeError(`${what}: tokens must be [N, T], got ${x instanceof Tensor ? fmtShape(x.shape) : String(x)}`);
}

/**
 * The mask [N, T] of real tokens: 1 where x is not `pad`, 0 where it is; null when no step is
 * padded. The recurrence carries its state unchanged over the 0s, so the final state is the one
 * after each sequence's last real token.
 */
function paddingMask(x: Tensor, pad: number): Tensor | null {
  const m = new Float32Array(x.size);
  let padded = false;
  for (let i = 0; i < x.size; i++) {
    if (x.data[i] === pad) padded = true;
    else m[i] = 1;
  }
  return padded ? new Tensor(m, x.shape) : null;
}

/** Each row's real tokens in reverse order, the padding still at the end: [a, b, c, PAD] → [c, b, a, PAD]. */
function reversedTokens(x: Tensor): Tensor {
  const [n, t] = x.shape;
  const out = new Float32Array(x.size);
  for (let i = 0; i < n; i++) {
    const row = x.data.subarray(i * t, (i + 1) * t);
    let len = t;
    while (len > 0 && row[len - 1] === PAD_TOKEN) len--;
    for (let j = 0; j < len; j++) out[i * t + j] = row[len - 1 - j];
  }
  return new Tensor(out, x.shape);
}

/** The last layer's final state(s) side by side: h [L·D, N, H] → [N, D·H]. */
function topState(h: Tensor, numLayers: number, dirs: number): Tensor {
  const top = ops.slice(h, (numLayers - 1) * dirs, numLayers * dirs, 0); // [D, N, H]
  const [, n, hidden] = top.shape;
  return dirs === 1 ? ops.reshape(top, [n, hidden]) : ops.reshape(ops.permute(top, [1, 0, 2]), [n, dirs * hidden]);
}

/** Options of SequenceClassifier. */
export interface SequenceClassifierOptions {
  /** Number of classes: the size of the output (logits). */
  numClasses: number;
  /** Token inputs [N, T] from a vocabulary of this size, through an Embedding (give this or inputSize). */
  vocabSize?: number;
  /** Size of a token's embedding vector (default 16). */
  embeddingDim?: number;
  /** Feature inputs [N, T, inputSize] instead of tokens. */
  inputSize?: number;
  /** Size of the recurrent state h (default 32). */
  hiddenSize?: number;
  /** 'rnn', 'lstm' or 'gru' (default 'gru'). */
  cell?: CellType;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Read the sequence both ways; the two final states are concatenated (default false). */
  bidirectional?: boolean;
  /** Dropout between recurrent layers, in training (default 0). */
  dropout?: number;
  /** The token that marks padding (default PAD = 0; null: no padding token). Padded steps are skipped. */
  padIndex?: number | null;
}

/**
 * Many-to-one: a recurrent net reads the whole sequence, and a Linear layer classifies its
 * final state (the state after each sequence's last real step when the batch is padded).
 * forward(x [N, T] tokens or [N, T, F] features, seq?) → logits [N, numClasses]. Padding comes
 * from seq (lengths or mask) or, for tokens, from the padding token.
 */
export class SequenceClassifier extends Module<[x: Tensor, seq?: SeqOptions], Tensor> {
  readonly embedding: Embedding | null;
  readonly rnn: Recurrent;
  readonly head: Linear;
  readonly numClasses: number;
  readonly vocabSize: number | null;
  readonly embeddingDim: number | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly cell: CellType;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly dropout: number;
  readonly padIndex: number | null;

  constructor(options: SequenceClassifierOptions) {
    super();
    const what = 'SequenceClassifier';
    if (typeof options !== 'object' || options === null) throw new ConfigError(`${what}: options must be an object like { vocabSize: 5, numClasses: 2 }`);
    this.numClasses = whole(what, 'numClasses', options.numClasses);
    if ((options.vocabSize === undefined) === (options.inputSize === undefined)) {
      throw new ConfigError(`${what}: give vocabSize (token inputs [N, T]) or inputSize (features [N, T, F]), exactly one`);
    }
    this.vocabSize = options.vocabSize === undefined ? null : whole(what, 'vocabSize', options.vocabSize);
    this.embeddingDim = this.vocabSize === null ? null : whole(what, 'embeddingDim', options.embeddingDim ?? 16);
    this.inputSize = this.embeddingDim ?? whole(what, 'inputSize', options.inputSize);
    this.hiddenSize = whole(what, 'hiddenSize', options.hiddenSize ?? 32);
    this.cell = checkCell(what, options.cell ?? 'gru');
    this.numLayers = whole(what, 'numLayers', options.numLayers ?? 1);
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = options.dropout ?? 0;
    const pad = options.padIndex === undefined ? (this.vocabSize === null ? null : PAD_TOKEN) : options.padIndex;
    if (pad !== null && (this.vocabSize === null || !Number.isInteger(pad) || pad < 0 || pad >= this.vocabSize)) {
      throw new ConfigError(`${what}: padIndex must be a token in 0 … ${(this.vocabSize ?? 1) - 1} (token inputs only) or null, got ${String(pad)}`);
    }
    this.padIndex = pad;
    this.embedding = this.vocabSize === null ? null : this.registerModule('embedding', new Embedding(this.vocabSize, this.inputSize, { paddingIdx: pad }));
    this.rnn = this.registerModule('rnn', makeRecurrent(this.cell, this.inputSize, this.hiddenSize, this));
    this.head = this.registerModule('head', new Linear((this.bidirectional ? 2 : 1) * this.hiddenSize, this.numClasses));
  }

  /** Logits [N, numClasses] of the sequences x ([N, T] tokens or [N, T, F] features). */
  override forward(x: Tensor, seq?: SeqOptions): Tensor {
    let input = x;
    let s = seq;
    if (this.embedding) {
      checkTokens('SequenceClassifier', x);
      if (s === undefined && this.padIndex !== null) {
        const mask = paddingMask(x, this.padIndex);
        if (mask) s = { mask };
      }
      input = this.embedding.call(x);
    } else if (!(x instanceof Tensor) || x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(`SequenceClassifier: features must be [N, T, ${this.inputSize}], got ${x instanceof Tensor ? fmtShape(x.shape) : String(x)}`);
    }
    const [, state] = runRecurrent(this.rnn, input, null, s);
    const h = Array.isArray(state) ? state[0] : state;
    return this.head.call(topState(h, this.numLayers, this.bidirectional ? 2 : 1));
  }

  override toConfig(): ModuleConfig {
    const c: ModuleConfig = {
      type: 'SequenceClassifier', numClasses: this.numClasses, hiddenSize: this.hiddenSize, cell: this.cell,
      numLayers: this.numLayers, bidirectional: this.bidirectional, dropout: this.dropout,
    };
    if (this.vocabSize !== null) Object.assign(c, { vocabSize: this.vocabSize, embeddingDim: this.embeddingDim, padIndex: this.padIndex });
    else c.inputSize = this.inputSize;
    return c;
  }
}

/** Options of decoding: how long, and greedy or sampled. */
export interface DecodeOptions {
  /** Most tokens to write (default the model's maxLen); a sequence ends earlier at END. */
  maxLen?: number;
  /** Sample from softmax(s / temperature) instead of taking the most likely token (default: greedy). */
  temperature?: number;
}

/**
 * The decoder of the one-to-many models: embedding of the previous token (optionally beside a
 * fixed vector fed at every step) → recurrent layer → Linear to a score per token.
 */
class TokenDecoder extends Module<[tokens: Tensor, state: State, extra: Tensor | null], [Tensor, State]> {
  readonly embedding: Embedding;
  readonly rnn: Recurrent;
  readonly out: Linear;

  constructor(readonly vocabSize: number, embeddingDim: number, readonly hiddenSize: number, readonly extraSize: number, cell: CellType, numLayers: number, dropout: number) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding(vocabSize, embeddingDim, { paddingIdx: PAD_TOKEN }));
    this.rnn = this.registerModule('rnn', makeRecurrent(cell, embeddingDim + extraSize, hiddenSize, { numLayers, dropout }));
    this.out = this.registerModule('out', new Linear(hiddenSize, vocabSize));
  }

  /** Scores [N, T, V] of the next token after each of `tokens` [N, T], from `state`; and the state after. */
  override forward(tokens: Tensor, state: State, extra: Tensor | null): [Tensor, State] {
    let x = this.embedding.call(tokens);
    if (extra) {
      const [n, t] = tokens.shape;
      // The same vector beside every step's embedding: [N, K] → [N, T, K].
      x = ops.concat([x, ops.broadcastTo(ops.unsqueeze(extra, 1), [n, t, this.extraSize])], 2);
    }
    const [h, next] = runRecurrent(this.rnn, x, state);
    return [this.out.call(h), next];
  }

  /** Teacher forcing: the scores [N, T, V] for targets [N, T] when step t reads the true token t − 1 (START at t = 0). */
  teacherForced(target: Tensor, state: State, extra: Tensor | null): Tensor {
    const [n, t] = target.shape;
    const input = new Float32Array(n * t);
    for (let i = 0; i < n; i++) {
      input[i * t] = START_TOKEN;
      input.set(target.data.subarray(i * t, i * t + t - 1), i * t + 1);
    }
    return this.call(new Tensor(input, [n, t]), state, extra)[0];
  }

  /**
   * Feeds back its own output, one step at a time from START, until every row wrote END or
   * maxLen steps: the tokens of each row (without END) and the scores [N, steps, V] of every step.
   */
  run(state: State, extra: Tensor | null, n: number, maxLen: number, temperature?: number): { tokens: number[][]; logits: Tensor } {
    const rows: number[][] = Array.from({ length: n }, () => []);
    const done = new Array<boolean>(n).fill(false);
    const scores: Tensor[] = [];
    let prev = new Tensor(new Float32Array(n).fill(START_TOKEN), [n, 1]);
    for (let step = 0; step < maxLen && done.some((d) => !d); step++) {
      const [logits, next] = this.call(prev, state, extra); // [N, 1, V]
      state = next;
      scores.push(logits);
      // Greedy: the most likely token; sampled: drawn from softmax(s / temperature) by the seeded generator.
      const picks = ops.sampleLogits(ops.reshape(logits, [n, this.vocabSize]), temperature === undefined ? { greedy: true } : { temperature });
      const chosen = Float32Array.from(picks);
      picks.forEach((k, i) => {
        if (done[i]) return;
        if (k === END_TOKEN) done[i] = true;
        else rows[i].push(k);
      });
      prev = new Tensor(chosen, [n, 1]);
    }
    return { tokens: rows, logits: scores.length ? ops.concat(scores, 1) : zeros([n, 0, this.vocabSize]) };
  }
}

/** Checks decode options and returns [maxLen, temperature]. */
function decodeOptions(what: string, o: DecodeOptions, fallback: number): [number, number | undefined] {
  const maxLen = whole(what, 'maxLen', o.maxLen ?? fallback);
  if (o.temperature !== undefined && !(typeof o.temperature === 'number' && o.temperature > 0 && Number.isFinite(o.temperature))) {
    throw new ConfigError(`${what}: temperature must be a number > 0, got ${String(o.temperature)}`);
  }
  return [maxLen, o.temperature];
}

/** The mask [N, T] of target tokens that count: 1 for a real token or END, 0 for PAD. */
function realTokens(target: Tensor): Tensor {
  return new Tensor(Float32Array.from(target.data, (v) => (v === PAD_TOKEN ? 0 : 1)), target.shape);
}

/** Token rows equal to targets up to END: the share of rows right in every token. */
function exactShare(decoded: number[][], target: Tensor): number {
  const [n, t] = target.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const want: number[] = [];
    for (let j = 0; j < t; j++) {
      const v = target.data[i * t + j];
      if (v === END_TOKEN || v === PAD_TOKEN) break;
      want.push(v);
    }
    const got = decoded[i];
    if (got.length === want.length && got.every((v, j) => v === want[j])) right++;
  }
  return n === 0 ? 0 : right / n;
}

/**
 * What the one-to-many models share: a TokenDecoder started from a state (and a vector fed at
 * every step) that `begin` derives from the input; teacher forcing in training, decoding in use.
 */
abstract class DecodingModel extends Module<[x: Tensor, target?: Tensor], Tensor> {
  abstract readonly decoder: TokenDecoder;
  /** Default most tokens written by decode and by forward without targets. */
  abstract readonly maxLen: number;

  /** The decoder's initial state and its every-step vector, from the input x. */
  protected abstract begin(x: Tensor): { state: State; extra: Tensor | null };

  /**
   * With targets [N, T]: teacher-forced scores [N, T, V] (training). Without: the scores of the
   * model's own greedy output, [N, steps, V], steps ≤ maxLen.
   */
  override forward(x: Tensor, target?: Tensor): Tensor {
    const { state, extra } = this.begin(x);
    if (target === undefined) return this.decoder.run(state, extra, x.shape[0], this.maxLen).logits;
    checkTokens(`${this.constructor.name}: target`, target);
    if (target.shape[0] !== x.shape[0]) throw new ShapeError(`${this.constructor.name}: ${x.shape[0]} inputs but ${target.shape[0]} targets (shapes ${fmtShape(x.shape)} and ${fmtShape(target.shape)})`);
    return this.decoder.teacherForced(target, state, extra);
  }

  /** The tokens the model writes for each input (up to END, without it): greedy, or sampled with a temperature. */
  decode(x: Tensor, options: DecodeOptions = {}): number[][] {
    const [maxLen, temperature] = decodeOptions(`${this.constructor.name}.decode`, options, this.maxLen);
    const was = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const { state, extra } = this.begin(x);
        return this.decoder.run(state, extra, x.shape[0], maxLen, temperature).tokens;
      });
    } finally {
      this.train(was);
    }
  }

  /** The teacher-forced training loss: cross-entropy of every target token (END included, PAD left out). */
  trainingLoss(x: Tensor, target: Tensor): Tensor {
    return sequenceCrossEntropy(this.call(x, target), target, { mask: realTokens(target) });
  }

  /** Share of inputs whose greedy output equals the target exactly (every token, and no more). */
  exactMatch(x: Tensor, target: Tensor): number {
    checkTokens(`${this.constructor.name}.exactMatch: target`, target);
    return exactShare(this.decode(x, { maxLen: target.shape[1] + 1 }), target);
  }
}

/** Options of SequenceGenerator. */
export interface SequenceGeneratorOptions {
  /** Size of the vector a sequence is generated from. */
  codeSize: number;
  /** Tokens in the output vocabulary (with PAD, START and END). */
  vocabSize: number;
  /** Size of a token's embedding (default 16). */
  embeddingDim?: number;
  /** Size of the recurrent state (default 64). */
  hiddenSize?: number;
  /** 'rnn', 'lstm' or 'gru' (default 'gru'). */
  cell?: CellType;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Dropout between recurrent layers, in training (default 0). */
  dropout?: number;
  /** How the vector enters: 'state' sets h0 = tanh(W v + b), 'input' is fed beside every token, 'both' (default). */
  condition?: 'state' | 'input' | 'both';
  /** Most tokens written when decoding (default 32). */
  maxLen?: number;
}

/**
 * One-to-many: a sequence from one vector (a class as one-hot, a code …). The vector sets the
 * decoder's initial state h0 = tanh(W v + b) and/or is fed beside every token; the decoder
 * writes a token per step until END. forward(v [N, K], target? [N, T]) → scores [N, T, V].
 */
export class SequenceGenerator extends DecodingModel {
  readonly init: Linear | null;
  readonly decoder: TokenDecoder;
  readonly codeSize: number;
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly cell: CellType;
  readonly numLayers: number;
  readonly dropout: number;
  readonly condition: 'state' | 'input' | 'both';
  readonly maxLen: number;

  constructor(options: SequenceGeneratorOptions) {
    super();
    const what = 'SequenceGenerator';
    if (typeof options !== 'object' || options === null) throw new ConfigError(`${what}: options must be an object like { codeSize: 10, vocabSize: 13 }`);
    this.codeSize = whole(what, 'codeSize', options.codeSize);
    this.vocabSize = whole(what, 'vocabSize', options.vocabSize, 4);
    this.embeddingDim = whole(what, 'embeddingDim', options.embeddingDim ?? 16);
    this.hiddenSize = whole(what, 'hiddenSize', options.hiddenSize ?? 64);
    this.cell = checkCell(what, options.cell ?? 'gru');
    this.numLayers = whole(what, 'numLayers', options.numLayers ?? 1);
    this.dropout = options.dropout ?? 0;
    this.maxLen = whole(what, 'maxLen', options.maxLen ?? 32);
    const cond = options.condition ?? 'both';
    if (cond !== 'state' && cond !== 'input' && cond !== 'both') throw new ConfigError(`${what}: condition must be 'state', 'input' or 'both', got ${JSON.stringify(cond)}`);
    this.condition = cond;
    this.init = cond === 'input' ? null : this.registerModule('init', new Linear(this.codeSize, this.numLayers * this.hiddenSize));
    const extra = cond === 'state' ? 0 : this.codeSize;
    this.decoder = this.registerModule('decoder', new TokenDecoder(this.vocabSize, this.embeddingDim, this.hiddenSize, extra, this.cell, this.numLayers, this.dropout));
  }

  protected begin(v: Tensor): { state: State; extra: Tensor | null } {
    if (!(v instanceof Tensor) || v.ndim !== 2 || v.shape[1] !== this.codeSize) {
      throw new ShapeError(`SequenceGenerator: the vectors must be [N, ${this.codeSize}], got ${v instanceof Tensor ? fmtShape(v.shape) : String(v)}`);
    }
    const n = v.shape[0];
    const [layers, hidden] = [this.numLayers, this.hiddenSize];
    // h0 = tanh(W v + b) for every layer: [N, L·H] → [L, N, H].
    const h = this.init
      ? ops.permute(ops.reshape(ops.tanh(this.init.call(v)), [n, layers, hidden]), [1, 0, 2])
      : zeros([layers, n, hidden]);
    const state: State = this.cell === 'lstm' ? [h, zeros([layers, n, hidden])] : h;
    return { state, extra: this.condition === 'state' ? null : v };
  }

  /** The sequences (tokens, without END) generated from vectors v [N, K]: greedy, or sampled with a temperature. */
  generate(v: Tensor, options: DecodeOptions = {}): number[][] {
    return this.decode(v, options);
  }

  override toConfig(): ModuleConfig {
    return {
      type: 'SequenceGenerator', codeSize: this.codeSize, vocabSize: this.vocabSize, embeddingDim: this.embeddingDim,
      hiddenSize: this.hiddenSize, cell: this.cell, numLayers: this.numLayers, dropout: this.dropout, condition: this.condition, maxLen: this.maxLen,
    };
  }
}

/** Options of Seq2Seq. */
export interface Seq2SeqOptions {
  /** Tokens in the source vocabulary (with PAD, START and END). */
  srcVocab: number;
  /** Tokens in the target vocabulary (default srcVocab). */
  tgtVocab?: number;
  /** Size of a token's embedding, in encoder and decoder (default 32). */
  embeddingDim?: number;
  /** Size of the recurrent state, shared by encoder and decoder (default 128). */
  hiddenSize?: number;
  /** 'rnn', 'lstm' or 'gru' (default 'gru'). */
  cell?: CellType;
  /** Stacked recurrent layers in encoder and decoder (default 1). */
  numLayers?: number;
  /** Dropout between recurrent layers, in training (default 0). */
  dropout?: number;
  /** Also feed the encoder's final (top-layer) state beside every decoder input (default false). */
  feedContext?: boolean;
  /**
   * Read each source backwards (default false), as Sutskever et al. (2014) did: the first target
   * tokens then sit close to the source tokens they depend on (for "12+345" → "357" the last digits).
   */
  reverseSource?: boolean;
  /** Most tokens written when decoding (default 32). */
  maxLen?: number;
}

/**
 * Encoder–decoder: an encoder reads the source (PAD-padded tokens [N, S]) into its final state,
 * which is the decoder's initial state; the decoder writes the target. forward(src, target?) →
 * scores [N, T, V] (teacher-forced with a target); greedyDecode(src, maxLen) in use.
 */
export class Seq2Seq extends DecodingModel {
  readonly encoderEmbedding: Embedding;
  readonly encoder: Recurrent;
  readonly decoder: TokenDecoder;
  readonly srcVocab: number;
  readonly tgtVocab: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly cell: CellType;
  readonly numLayers: number;
  readonly dropout: number;
  readonly feedContext: boolean;
  readonly reverseSource: boolean;
  readonly maxLen: number;

  constructor(options: Seq2SeqOptions) {
    super();
    const what = 'Seq2Seq';
    if (typeof options !== 'object' || options === null) throw new ConfigError(`${what}: options must be an object like { srcVocab: 14 }`);
    this.srcVocab = whole(what, 'srcVocab', options.srcVocab, 4);
    this.tgtVocab = whole(what, 'tgtVocab', options.tgtVocab ?? this.srcVocab, 4);
    this.embeddingDim = whole(what, 'embeddingDim', options.embeddingDim ?? 32);
    this.hiddenSize = whole(what, 'hiddenSize', options.hiddenSize ?? 128);
    this.cell = checkCell(what, options.cell ?? 'gru');
    this.numLayers = whole(what, 'numLayers', options.numLayers ?? 1);
    this.dropout = options.dropout ?? 0;
    this.feedContext = options.feedContext ?? false;
    this.reverseSource = options.reverseSource ?? false;
    this.maxLen = whole(what, 'maxLen', options.maxLen ?? 32);
    const layers = { numLayers: this.numLayers, dropout: this.dropout };
    this.encoderEmbedding = this.registerModule('encoderEmbedding', new Embedding(this.srcVocab, this.embeddingDim, { paddingIdx: PAD_TOKEN }));
    this.encoder = this.registerModule('encoder', makeRecurrent(this.cell, this.embeddingDim, this.hiddenSize, layers));
    this.decoder = this.registerModule('decoder', new TokenDecoder(this.tgtVocab, this.embeddingDim, this.hiddenSize, this.feedContext ? this.hiddenSize : 0, this.cell, this.numLayers, this.dropout));
  }

  /** The encoder's final state after each source's last real token: the summary the decoder starts from. */
  encode(src: Tensor): State {
    checkTokens('Seq2Seq: source', src);
    if (this.reverseSource) src = reversedTokens(src);
    const mask = paddingMask(src, PAD_TOKEN);
    return runRecurrent(this.encoder, this.encoderEmbedding.call(src), null, mask ? { mask } : undefined)[1];
  }

  protected begin(src: Tensor): { state: State; extra: Tensor | null } {
    const state = this.encode(src);
    const h = Array.isArray(state) ? state[0] : state;
    return { state, extra: this.feedContext ? topState(h, this.numLayers, 1) : null };
  }

  /** The greedy output tokens for each source (up to END, without it), at most maxLen of them. */
  greedyDecode(src: Tensor, maxLen?: number): number[][] {
    return this.decode(src, { maxLen: maxLen ?? this.maxLen });
  }

  override toConfig(): ModuleConfig {
    return {
      type: 'Seq2Seq', srcVocab: this.srcVocab, tgtVocab: this.tgtVocab, embeddingDim: this.embeddingDim, hiddenSize: this.hiddenSize,
      cell: this.cell, numLayers: this.numLayers, dropout: this.dropout, feedContext: this.feedContext, reverseSource: this.reverseSource, maxLen: this.maxLen,
    };
  }
}

/** Reads an optional whole-number field of a config. */
function optInt(c: ModuleConfig, key: string): number | undefined {
  return c[key] === undefined || c[key] === null ? undefined : intOpt(c, key);
}

/** Reads an optional string field of a config. */
function optStr<T extends string>(c: ModuleConfig, key: string): T | undefined {
  const v: JsonValue | undefined = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${c.type}: field '${key}' must be a string, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Reads an optional true/false field of a config. */
function optBool(c: ModuleConfig, key: string): boolean | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`${c.type}: field '${key}' must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

registerModuleType('SequenceClassifier', (c) => new SequenceClassifier({
  numClasses: intOpt(c, 'numClasses'), vocabSize: optInt(c, 'vocabSize'), embeddingDim: optInt(c, 'embeddingDim'), inputSize: optInt(c, 'inputSize'),
  hiddenSize: optInt(c, 'hiddenSize'), cell: optStr<CellType>(c, 'cell'), numLayers: optInt(c, 'numLayers'), bidirectional: optBool(c, 'bidirectional'),
  dropout: numOpt(c, 'dropout', 0), padIndex: c.padIndex === null ? null : c.padIndex === undefined ? undefined : intOpt(c, 'padIndex', undefined, 0),
}));
registerModuleType('SequenceGenerator', (c) => new SequenceGenerator({
  codeSize: intOpt(c, 'codeSize'), vocabSize: intOpt(c, 'vocabSize'), embeddingDim: optInt(c, 'embeddingDim'), hiddenSize: optInt(c, 'hiddenSize'),
  cell: optStr<CellType>(c, 'cell'), numLayers: optInt(c, 'numLayers'), dropout: numOpt(c, 'dropout', 0),
  condition: optStr<'state' | 'input' | 'both'>(c, 'condition'), maxLen: optInt(c, 'maxLen'),
}));
registerModuleType('Seq2Seq', (c) => new Seq2Seq({
  srcVocab: intOpt(c, 'srcVocab'), tgtVocab: optInt(c, 'tgtVocab'), embeddingDim: optInt(c, 'embeddingDim'), hiddenSize: optInt(c, 'hiddenSize'),
  cell: optStr<CellType>(c, 'cell'), numLayers: optInt(c, 'numLayers'), dropout: numOpt(c, 'dropout', 0),
  feedContext: optBool(c, 'feedContext'), reverseSource: optBool(c, 'reverseSource'), maxLen: optInt(c, 'maxLen'),
}));
