/**
 * Encoder–decoder (many-to-one, then one-to-many): an LSTM encoder reads the source into its
 * final state (h, c); that state starts an LSTM decoder, which writes the answer token by token.
 *
 * Two tasks, each judged on strings never seen in training:
 * - reverse a 3–6-digit string, "1234" → "4321";
 * - add two numbers of up to 2 digits, "12+34" → "46". The encoder reads the source backwards
 *   (reverseSource, as Sutskever et al. 2014), so the units — where the sum starts to be
 *   worked out — are what it read last.
 * Training uses teacher forcing; in use, greedyDecode feeds back the likeliest token until END.
 *
 * Run: npx tsx --conditions=source examples/seq2seq.ts
 */
import { pathToFileURL } from 'node:url';
import { Seq2Seq, Adam, fit, evaluateSequences, teacherForcingStep, reverseTask, additionTask, manualSeed, type ProgressMode } from 'backprop';

/** Options of trainSeq2Seq. */
export interface Seq2SeqExampleOptions {
  /** 'reverse' (default) or 'add'. */
  task?: 'reverse' | 'add';
  /** Epochs (default 3 for reverse, 10 for add). */
  epochs?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

/** Trains an encoder–decoder on one task; returns its held-out exact-match accuracy and some answers. */
export function trainSeq2Seq(options: Seq2SeqExampleOptions = {}): { accuracy: number; answers: { input: string; output: string; truth: string }[] } {
  const add = options.task === 'add';
  manualSeed(0);
  const task = add ? additionTask({ train: 6000, test: 500, digits: 2 }) : reverseTask({ train: 6000, test: 500, minLen: 3, maxLen: 6 });
  const model = new Seq2Seq({ srcVocab: task.vocab.size, embeddingDim: 32, hiddenSize: add ? 128 : 64, cell: 'lstm', reverseSource: add });
  fit(model, task.train, {
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    trainStep: teacherForcingStep,
    epochs: options.epochs ?? (add ? 10 : 3),
    batchSize: 32,
    clipGradNorm: 1,
    progress: options.progress ?? 'none',
  });
  const { accuracy } = evaluateSequences(model, task.test);
  const out = model.greedyDecode(task.test.x.slice(0, 8), 8);
  const answers = out.map((t, i) => ({ input: task.test.inputs[i], output: task.vocab.decode(t), truth: task.test.targets[i] }));
  return { accuracy, answers };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const task of ['reverse', 'add'] as const) {
    const r = trainSeq2Seq({ task, progress: 'lines' });
    console.log(`${task}: held-out strings answered exactly right: ${(r.accuracy * 100).toFixed(1)} %`);
    for (const a of r.answers) console.log(`  ${a.input.padEnd(8)} → ${a.output.padEnd(8)}${a.output === a.truth ? '' : `(should be ${a.truth})`}`);
  }
}
