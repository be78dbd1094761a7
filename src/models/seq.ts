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
import * as ops from '../ops/index.js';
import { Module, registerModuleType, intOpt, numOpt, type ModuleConfig } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { Embedding } from '../nn/embedding.js';
import type { SeqOptions } from '../nn/rnn.js';
import { PAD_TOKEN } from '../data/sequences.js';
import {
  checkCell, checkTokens, makeRecurrent, optBool, optInt, optStr, paddingMask, reversedTokens, runRecurrent, topState, whole,
  type CellType, type Recurrent, type State,
} from './seq-parts.js';
import { DecodingModel, TokenDecoder, type DecodeOptions } from './seq-decoder.js';

export type { CellType } from './seq-parts.js';
export type { DecodeOptions } from './seq-decoder.js';

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
