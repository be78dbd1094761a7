/**
 * Many-to-one: a recurrent network reads a whole sequence and one output classifies it.
 *
 * The task is parity: is the number of 1s in a bit string odd? Strings have 2 to 12 bits and
 * are padded to 12 with the PAD token; the model skips padded steps, so its final state h_T is
 * the state after each string's own last bit. A GRU carries the running parity in h, and a
 * Linear layer turns h_T into two logits. The test strings were never seen in training.
 *
 * Run: npx tsx --conditions=source examples/seq-classify.ts
 */
import { pathToFileURL } from 'node:url';
import { SequenceClassifier, Adam, fit, evaluate, predict, parityTask, manualSeed, argmax, type ProgressMode } from 'backprop';

/** Options of trainParity. */
export interface ParityExampleOptions {
  /** Epochs over the 2000 training strings (default 4). */
  epochs?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

/** Trains the classifier; returns its held-out accuracy before and after, and a few of its answers. */
export function trainParity(options: ParityExampleOptions = {}): { before: number; accuracy: number; answers: { bits: string; odd: boolean; said: boolean }[] } {
  manualSeed(0);
  const task = parityTask({ train: 2000, test: 500, minLen: 2, maxLen: 12 });
  const model = new SequenceClassifier({ vocabSize: task.vocab.size, embeddingDim: 8, hiddenSize: 32, numClasses: 2, cell: 'gru' });
  const judge = () => evaluate(model, task.test, { loss: 'crossEntropy', metrics: ['accuracy'] }).accuracy;
  const before = judge();
  fit(model, task.train, {
    loss: 'crossEntropy',
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    epochs: options.epochs ?? 4,
    batchSize: 16,
    progress: options.progress ?? 'none',
  });
  const said = argmax(predict(model, task.test.x), 1).data;
  const answers = task.test.inputs.slice(0, 8).map((bits, i) => ({ bits, odd: task.test.y.data[i] === 1, said: said[i] === 1 }));
  return { before, accuracy: judge(), answers };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainParity({ progress: 'lines' });
  console.log(`held-out accuracy: ${(r.before * 100).toFixed(1)} % before training, ${(r.accuracy * 100).toFixed(1)} % after`);
  for (const a of r.answers) console.log(`${a.bits.padEnd(12)} → ${a.said ? 'odd ' : 'even'} (${a.said === a.odd ? 'right' : 'wrong'})`);
}
