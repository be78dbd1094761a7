/**
 * A character-level language model — the lecture's many-to-many RNN — trained with truncated
 * back-propagation through time.
 *
 * The text is cut into B parallel streams. Batch b holds the b-th chunk of k characters of every
 * stream, so each batch continues the one before it: the step runs the CharRNN (Embedding →
 * LSTM → Linear) over the chunk from the state the previous chunk left, takes the
 * cross-entropy of every next character, back-propagates through the k unfolded steps, clips
 * the gradient and updates — then detaches the state, so the next chunk starts from its value
 * but the gradient stops there. After every epoch a TextSampler prints what the model writes at
 * two temperatures. The held-out tail of the text is scored the same way (state carried, no
 * graph) and compared with the text's unigram entropy, the best loss without context.
 *
 * Run: npx tsx --conditions=source examples/char-rnn.ts
 */
import { pathToFileURL } from 'node:url';
import {
  CharRNN, CharVocab, TextSampler, Adam, Tensor, fit, sequenceCrossEntropy, clipGradNorm, manualSeed, noGrad, loadText, unigramEntropy,
  type BatchSource, type CharRNNState, type ProgressMode, type TrainContext, type XY,
} from 'backprop';

/** Options of trainCharRnn. */
export interface CharRnnOptions {
  /** Characters of the bundled Pride and Prejudice to use (default: all, about 74,600). */
  maxChars?: number;
  /** Epochs over the training part (default 4). */
  epochs?: number;
  /** Parallel streams B = the batch size (default 32). */
  streams?: number;
  /** Characters per truncated chunk, k (default 64). */
  chunk?: number;
  /** Units of the LSTM state (default 128). */
  hiddenSize?: number;
  /** Adam's learning rate η (default 0.02). */
  lr?: number;
  /** Characters per printed sample (default 200). */
  sampleLength?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
  /** Where the samples go (default console.log). */
  print?: (line: string) => void;
}

/**
 * ids cut into `streams` equal parts walked `chunk` characters at a time: batch b is
 * x [B, k] = characters b·k … b·k + k − 1 of each part, y the characters one further on.
 */
class Streams implements BatchSource {
  readonly length: number;
  private readonly streamLen: number;

  constructor(private readonly ids: readonly number[], private readonly streams: number, private readonly chunk: number) {
    this.streamLen = Math.floor((ids.length - 1) / streams);
    this.length = Math.floor(this.streamLen / chunk);
  }

  /** The batch of chunk b of every stream. */
  batch(b: number): XY {
    const { streams: n, chunk: k } = this;
    const x = new Float32Array(n * k);
    const y = new Float32Array(n * k);
    for (let s = 0; s < n; s++) {
      for (let t = 0; t < k; t++) {
        const at = s * this.streamLen + b * k + t;
        x[s * k + t] = this.ids[at];
        y[s * k + t] = this.ids[at + 1];
      }
    }
    return { x: new Tensor(x, [n, k]), y: new Tensor(y, [n, k]) };
  }

  *[Symbol.iterator](): Iterator<XY> {
    for (let b = 0; b < this.length; b++) yield this.batch(b);
  }
}

/** The state with the graph behind it cut off: same values, no gradient back into earlier chunks. */
function detachState(s: CharRNNState): CharRNNState {
  return s instanceof Tensor ? s.detach() : [s[0].detach(), s[1].detach()];
}

/** The truncated-BPTT step: one chunk from the carried state, one update, the state kept detached. */
function tbpttStep(maxNorm: number) {
  let state: CharRNNState | null = null;
  return (batch: XY, ctx: TrainContext<CharRNN>): number => {
    if (ctx.position.batch === 0) state = null; // a new epoch walks the streams from their start
    const [logits, next] = ctx.model.call(batch.x, state);
    const loss = sequenceCrossEntropy(logits, batch.y);
    ctx.optimizer.zeroGrad();
    loss.backward();
    clipGradNorm(ctx.params as Tensor[], maxNorm); // keeps an exploding gradient from one bad chunk at bay
    ctx.optimizer.step();
    state = detachState(next); // carry the value, cut the gradient: the truncation
    return loss.item();
  };
}

/** The held-out loss in nats per character: every chunk of the streams in order, the state carried, no graph. */
function streamLoss(model: CharRNN, data: Streams): number {
  model.eval();
  try {
    return noGrad(() => {
      let state: CharRNNState | null = null;
      let total = 0;
      let count = 0;
      for (const { x, y } of data) {
        const [logits, next] = model.call(x, state);
        total += sequenceCrossEntropy(logits, y, { reduction: 'sum' }).item();
        count += y.size;
        state = next;
      }
      return total / count;
    });
  } finally {
    model.train();
  }
}

/**
 * Trains a CharRNN on Pride and Prejudice (90 % head for training, 10 % tail held out) with
 * truncated BPTT. Returns the held-out loss, the text's unigram entropy (both nats/char), each
 * epoch's training loss, and the samples printed along the way.
 */
export function trainCharRnn(options: CharRnnOptions = {}): { testLoss: number; entropy: number; losses: number[]; samples: string[]; model: CharRNN } {
  const { epochs = 4, streams = 32, chunk = 64, hiddenSize = 128, lr = 0.02, sampleLength = 200, progress = 'none' } = options;
  manualSeed(0);
  let text = loadText('pride-and-prejudice');
  if (options.maxChars !== undefined) text = text.slice(0, options.maxChars);
  const vocab = CharVocab.fromText(text);
  const ids = vocab.encode(text);
  const cut = Math.round(ids.length * 0.9);
  const train = new Streams(ids.slice(0, cut), streams, chunk);
  const test = new Streams(ids.slice(cut), 4, chunk);
  const model = new CharRNN(vocab, { cell: 'lstm', embeddingDim: 32, hiddenSize });
  const sampler = new TextSampler({ length: sampleLength, temperatures: [0.5, 1], prime: 'It is ', print: options.print });
  const history = fit(model, train, {
    optimizer: new Adam(model.parameters(), { lr }),
    epochs,
    trainStep: tbpttStep(5),
    callbacks: [sampler],
    progress,
  });
  return {
    testLoss: streamLoss(model, test),
    entropy: unigramEntropy(text),
    losses: history.epochs.map((e) => e.loss),
    samples: sampler.samples.map((s) => s.text),
    model,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainCharRnn({ progress: 'lines' });
  console.log(`held-out loss ${r.testLoss.toFixed(3)} nats/char (${(r.testLoss / Math.LN2).toFixed(2)} bits/char); the text's unigram entropy is ${r.entropy.toFixed(3)} nats/char`);
  console.log(`one more, at temperature 0.7:\n${r.model.generate('Mr. Darcy', 300, { temperature: 0.7, seed: 1 })}`);
}
