/**
 * The CLI's character language model: `backprop train` on text data (the 'char-rnn' preset)
 * trains a CharRNN on windows of the text with the cross-entropy of every step, printing a
 * temperature sample after each epoch; `backprop generate` samples from a saved one, and
 * `backprop eval` scores one in nats per character on its text's held-out tail.
 */
import { join } from 'node:path';
import { BackpropError, ConfigError } from '../errors.js';
import * as ops from '../ops/index.js';
import { sequenceCrossEntropy, l2Penalty } from '../losses/index.js';
import { clipGradNorm } from '../optim/clip.js';
import { CharRNN } from '../models/char-rnn.js';
import { saveModule } from '../models/persist.js';
import { fit } from '../train/fit.js';
import { TextSampler } from '../train/callbacks/text-sampler.js';
import { DiagnosticsPrinter, saveDiagnostics } from './diagnostics-line.js';
import type { TrainContext, XY, Callback, EpochLogs } from '../train/types.js';
import type { ProgressMode } from '../train/progress.js';
import { detectAnomaly } from '../autograd/debug.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import { Tensor } from '../tensor/tensor.js';
import { loadData, readText, textWindows, DATASETS, type DataConfig } from './datasets.js';
import { unigramEntropy, type CharVocab } from '../data/text.js';
import { buildOptimizer, buildSchedule, type TrainConfig, type SampleConfig } from './config.js';
import { curveSvg } from './curve.js';
import { buildCharRnn } from './models.js';
import type { Obj } from './fields.js';

/** Where the CLI writes (as main.ts's CliIO). */
interface LmIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The parts of `backprop train`'s flags a language-model run uses. */
export interface LmFlags {
  progress: ProgressMode;
  resume?: string;
  debug?: boolean;
  diagnostics?: boolean;
}

/** The text data a language model trains on: windows, their next characters, the vocabulary and its unigram entropy. */
export interface TextData {
  train: XY;
  test: XY | null;
  vocab: CharVocab;
  /** The text's unigram entropy in nats per character: the loss of the best model that ignores context. */
  entropy: number;
}

/** Defaults of the samples printed while training. */
const SAMPLE_DEFAULTS = { length: 200, temperatures: [0.5, 1], prime: '' };

/**
 * One step of a language model: logits for every step of the windows, E = mean cross-entropy
 * per character [+ λ Σ w²], back-propagation through the unfolded steps, clipping, an update.
 */
export function languageModelStep(batch: XY, ctx: TrainContext<CharRNN>): number {
  const [logits] = ctx.model.call(batch.x);
  let loss = sequenceCrossEntropy(logits, batch.y);
  if (ctx.options.l2) loss = ops.add(loss, l2Penalty(ctx.weights, ctx.options.l2));
  const value = loss.item();
  if (!Number.isFinite(value)) return value;
  ctx.optimizer.zeroGrad();
  loss.backward();
  // An RNN's gradient can explode through the unfolded steps: clipping keeps the step bounded.
  if (ctx.options.clipGradNorm !== undefined) clipGradNorm(ctx.params as Parameters<typeof clipGradNorm>[0], ctx.options.clipGradNorm);
  ctx.optimizer.step();
  return value;
}

/** After each epoch, the held-out loss in nats per character (on stderr, beside the progress). */
class HeldOutLoss implements Callback {
  constructor(private readonly test: XY, private readonly print: (line: string) => void) {}
  onEpochEnd(epoch: number, _logs: EpochLogs, ctx: TrainContext): void {
    const loss = (ctx.model as unknown as CharRNN).textLoss(this.test);
    this.print(`epoch ${epoch + 1}: held-out loss ${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(3)} bits/char)`);
  }
}

/** Formats a loss in nats per character with its bits per character and perplexity. */
export function describeTextLoss(loss: number): string {
  return `loss ${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(3)} bits/char, perplexity ${Math.exp(loss).toFixed(2)})`;
}

/** Trains a CharRNN into the (locked) run folder; returns the exit code. */
export function trainLanguageModel(config: TrainConfig, outDir: string, data: TextData, flags: LmFlags, io: LmIO): number {
  const { entropy } = data;
  const s = { ...SAMPLE_DEFAULTS, ...(config.sample ?? {}) } as Required<SampleConfig>;
  const unseen = missingChars(s.prime, data.vocab);
  if (unseen.length > 0) throw new ConfigError(`config.sample.prime: has characters the text does not: ${unseen.map((c) => JSON.stringify(c)).join(', ')}`);
  const model = buildCharRnn(config.model as Obj, data.vocab, 'config.model');
  // The model takes windows of any length; it records the one it was trained on (backprop info's summary shows it).
  model.inputShape = [data.train.x.shape[1]];
  io.err(`model: ${model.toString().split('\n').join('\n       ')}\n       ${model.numParameters()} trainable parameters`);
  io.err(`vocabulary: ${data.vocab.size} characters; the text's unigram entropy is ${entropy.toFixed(4)} nats/char (a model that ignores context cannot do better)`);
  const optimizer = buildOptimizer(config.optimizer, model.parameters());
  const scheduler = buildSchedule(config.schedule, optimizer, config.epochs);
  const checkpointPath = join(outDir, 'checkpoint.safetensors');
  const sampler = new TextSampler({ length: s.length, temperatures: s.temperatures, prime: s.prime, seed: config.seed, print: io.out });
  const started = Date.now();
  const history = (flags.debug ? detectAnomaly : <T>(f: () => T) => f())(() => fit(model, data.train, {
    optimizer,
    scheduler,
    epochs: config.epochs,
    batchSize: config.batchSize,
    stop: config.stop,
    l2: config.l2,
    clipGradNorm: config.clipGradNorm,
    progress: flags.progress,
    trainStep: languageModelStep,
    callbacks: [...(data.test ? [new HeldOutLoss(data.test, io.err)] : []), sampler, ...(flags.diagnostics ? [new DiagnosticsPrinter(io.err)] : [])],
    diagnostics: flags.diagnostics === true,
    checkpoint: { path: checkpointPath, every: Math.max(1, Math.floor(config.epochs / 10)) },
    resumeFrom: flags.resume,
  }));
  const seconds = (Date.now() - started) / 1000;
  const which = data.test ? 'test' : 'training';
  const loss = model.textLoss(data.test ?? data.train);
  io.out(`trained ${history.epochs.length} epoch(s), ${history.steps} steps, in ${seconds.toFixed(1)} s${history.stopReason === 'epochs' ? '' : ` — stopped: ${history.message}`}`);
  io.out(`${which} ${describeTextLoss(loss)}; the unigram entropy is ${entropy.toFixed(4)} nats/char`);
  const meta = { config, [which]: { loss }, unigramEntropy: entropy, seconds, stopReason: history.stopReason };
  const paths = saveModule(model, join(outDir, 'model'), JSON.parse(JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as Record<string, unknown>);
  writeFileAtomicSync(join(outDir, 'history.json'), JSON.stringify(history, null, 1));
  if (flags.diagnostics) saveDiagnostics(history, outDir, io.out);
  writeFileAtomicSync(join(outDir, 'curve.svg'), curveSvg(history.epochs, `backprop train — ${config.name}`));
  io.out(`saved model: ${paths.json} + ${paths.weights} (the vocabulary is in its architecture)`);
  io.out(`sample more with: backprop generate ${outDir} --length 500 --temperature 0.8`);
  return history.stopReason === 'nonFinite' ? 1 : 0;
}

/** Options of `backprop generate`, as parsed. */
export interface GenerateFlags {
  length: number;
  temperature: number;
  prime: string;
  seed: number;
}

/**
 * The text `backprop generate` prints: the prime followed by `length` sampled characters. A
 * prime with characters the model never saw is a usage error, made by `usage`.
 */
export function generateText(model: unknown, path: string, flags: GenerateFlags, usage: (msg: string) => Error): string {
  if (!(model instanceof CharRNN)) {
    throw new BackpropError(`generate: ${path} is not a character language model (it is a ${(model as object).constructor.name}); train one with: backprop train --preset char-rnn`);
  }
  const unseen = missingChars(flags.prime, model.vocab);
  if (unseen.length > 0) throw usage(`--prime: the model never saw the character(s) ${unseen.map((c) => JSON.stringify(c)).join(', ')} (its vocabulary: ${JSON.stringify(model.vocab.chars.join(''))})`);
  return flags.prime + model.generate(flags.prime, flags.length, { temperature: flags.temperature, seed: flags.seed });
}

/** The characters of `text` that are not in the vocabulary, each once. */
function missingChars(text: string, vocab: CharVocab): string[] {
  const known = new Set(vocab.chars);
  return [...new Set(text)].filter((ch) => !known.has(ch));
}

/**
 * `backprop eval` of a language model: its loss in nats per character on the held-out tail of
 * the text it was trained on, or on the whole of a text given with --data (`given`), in windows
 * of its training length. Characters are encoded in the model's own vocabulary.
 */
export function evalLanguageModel(model: CharRNN, dataCfg: DataConfig | undefined, given: boolean, io: LmIO): number {
  if (!dataCfg || dataCfg.name !== 'text') throw new ConfigError(`eval: a language model is scored on text data (--data ${DATASETS.text.spec}), got ${dataCfg ? `'${dataCfg.name}'` : 'none'}`);
  if (given) {
    const text = readText(dataCfg);
    const unseen = missingChars(text, model.vocab);
    if (unseen.length > 0) throw new ConfigError(`eval: the text has characters the model never saw: ${unseen.slice(0, 20).map((c) => JSON.stringify(c)).join(', ')}`);
    const ids = model.vocab.encode(text);
    if (ids.length < 2) throw new ConfigError('eval: the text needs at least two characters (one to read, one to predict)');
    const seqLen = Math.min(model.inputShape?.[0] ?? 64, ids.length - 1);
    const set = textWindows(ids, seqLen, seqLen);
    io.out(`the whole text: ${set.x.shape[0]} windows of ${seqLen} characters`);
    io.out(`${describeTextLoss(model.textLoss(set))}; the text's unigram entropy is ${unigramEntropy(text).toFixed(4)} nats/char`);
    return 0;
  }
  const loaded = loadData(dataCfg);
  if (!loaded.text) throw new BackpropError('eval: the text data has no vocabulary');
  const set = loaded.test ?? loaded.train;
  const which = loaded.test ? 'test' : 'training';
  const unseen = loaded.text.vocab.chars.filter((ch) => !model.vocab.chars.includes(ch));
  if (unseen.length > 0) throw new ConfigError(`eval: the text has characters the model never saw: ${unseen.slice(0, 20).map((c) => JSON.stringify(c)).join(', ')}`);
  const toModel = Float32Array.from(loaded.text.vocab.chars, (ch) => model.vocab.chars.indexOf(ch));
  const remap = (t: Tensor) => new Tensor(t.data.map((i) => toModel[i]), t.shape);
  const loss = model.textLoss({ x: remap(set.x), y: remap(set.y) });
  io.out(`${which}: ${set.x.shape[0]} windows of ${set.x.shape[1]} characters`);
  io.out(`${describeTextLoss(loss)}; the text's unigram entropy is ${loaded.text.entropy.toFixed(4)} nats/char`);
  return 0;
}
