/**
 * One-to-many: one vector in, a sequence out.
 *
 * A number's digits, one-hot (units, tens, hundreds: 30 values), go in once; the model writes the
 * number's English words character by character — 342 → "three hundred forty two". The vector sets
 * the decoder's initial state h0 = tanh(W v + b) and is also fed beside every input character.
 * Training uses teacher forcing (step t reads the true character t − 1); in use the model reads
 * back what it wrote, until it writes END. 100 numbers are held out: the model must compose their
 * words from what it learned on the others.
 *
 * Run: npx tsx --conditions=source examples/seq-generate.ts
 */
import { pathToFileURL } from 'node:url';
import { SequenceGenerator, Adam, fit, evaluateSequences, teacherForcingStep, numberWordsTask, manualSeed, type ProgressMode } from 'backprop';

/** Options of trainNumberWords. */
export interface NumberWordsExampleOptions {
  /** Epochs over the 900 training numbers (default 8). */
  epochs?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

/** Trains the generator; returns its held-out exact-match accuracy, some greedy outputs and some samples. */
export function trainNumberWords(options: NumberWordsExampleOptions = {}): {
  accuracy: number;
  written: { number: number; words: string; truth: string }[];
  samples: string[];
} {
  manualSeed(0);
  const task = numberWordsTask({ test: 100 });
  const model = new SequenceGenerator({ codeSize: task.codeSize, vocabSize: task.vocab.size, embeddingDim: 16, hiddenSize: 64, cell: 'gru', condition: 'both' });
  fit(model, task.train, {
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    trainStep: teacherForcingStep, // the loss needs the targets as decoder inputs
    epochs: options.epochs ?? 8,
    batchSize: 32,
    clipGradNorm: 1,
    progress: options.progress ?? 'none',
  });
  const { accuracy } = evaluateSequences(model, task.test);
  const greedy = model.generate(task.test.x);
  const written = task.test.inputs.slice(0, 10).map((n, i) => ({ number: Number(n), words: task.vocab.decode(greedy[i]), truth: task.test.targets[i] }));
  // Sampling at temperature 1.5 from the first test number shows what else the model thinks likely.
  const first = task.test.x.slice(0, 1);
  const samples = Array.from({ length: 4 }, () => task.vocab.decode(model.generate(first, { temperature: 1.5 })[0]));
  return { accuracy, written, samples };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainNumberWords({ progress: 'lines' });
  console.log(`held-out numbers written exactly right: ${(r.accuracy * 100).toFixed(1)} %`);
  for (const w of r.written) console.log(`${String(w.number).padStart(3)} → "${w.words}"${w.words === w.truth ? '' : `  (should be "${w.truth}")`}`);
  console.log(`sampled at temperature 1.5 for ${r.written[0].number}: ${r.samples.map((s) => `"${s}"`).join(', ')}`);
}
