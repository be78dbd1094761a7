/**
 * The decoder of the one-to-many models and what they share: teacher forcing in training (step t
 * reads the true token t − 1, START at t = 0), and in use feeding back its own output, greedy or
 * sampled, until END. Internal to models/ (SequenceGenerator and Seq2Seq are the public face).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { Embedding } from '../nn/embedding.js';
import { sequenceCrossEntropy } from '../losses/sequence.js';
import { PAD_TOKEN, START_TOKEN, END_TOKEN } from '../data/sequences.js';
import { checkTokens, makeRecurrent, runRecurrent, whole, type CellType, type Recurrent, type State } from './seq-parts.js';

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
export class TokenDecoder extends Module<[tokens: Tensor, state: State, extra: Tensor | null], [Tensor, State]> {
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
export abstract class DecodingModel extends Module<[x: Tensor, target?: Tensor], Tensor> {
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
