/**
 * The `backprop` command: train, eval, predict, generate, info. Exit codes: 0 ok, 1 failure (training
 * diverged, a file is corrupt), 2 bad usage (unknown option, invalid config field).
 */
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { BackpropError, ConfigError, FileFormatError, ValueError } from '../errors.js';
import { Tensor, tensor, zeros } from '../tensor/tensor.js';
import { detectAnomaly } from '../autograd/debug.js';
import { manualSeed, MAX_SEED } from '../tensor/random.js';
import { noGrad } from '../autograd/graph.js';
import { softmax } from '../ops/softmax.js';
import { exp } from '../ops/arith.js';
import { loadCsv } from '../data/csv.js';
import { trainTestSplit } from '../data/split.js';
import { Standardizer, type StandardizerState } from '../data/preprocess.js';
import { Perceptron, saveModule, loadModule } from '../models/index.js';
import { lossByName, type LossName } from '../losses/index.js';
import { fit, evaluate, predict } from '../train/fit.js';
import { defaultThreshold } from '../train/options.js';
import { confusionMatrix, formatConfusionMatrix } from '../train/metrics.js';
import type { ProgressMode } from '../train/progress.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import type { Module } from '../nn/module.js';
import { PRESETS, validateConfig, buildModel, buildOptimizer, buildSchedule, type TrainConfig } from './config.js';
import { loadData, describeData, parseDataSpec, dataSpecs } from './datasets.js';
import { curveSvg } from './curve.js';
import { writeRunReport } from './report.js';
import { reportFromRunFolder } from './report-folder.js';
import { readDigit } from './image.js';
import { modelInputShape, shapeInputs } from './input-shape.js';
import { printSummary } from '../nn/summary.js';
import { withAllocationLimit } from '../tensor/limits.js';
import { checkSavedMetadata } from './saved.js';
import { prepareOutDir } from './outdir.js';
import { assertFiniteJson } from './finite.js';
import { acquireRunLock } from './lock.js';
import { tensorFileInfo, backendInfoLines } from './info.js';
import { applyBackendChoice, chooseBackend, BACKEND_ENV } from '../kernels/select.js';
import { getBackend, getBackendSource, knownBackends, selectBackend } from '../kernels/backend.js';
import { isTeacherForced, teacherForcingStep, evaluateSequences, checkSequenceRun, predictTexts } from './sequences.js';
import { trainLanguageModel, generateText, evalLanguageModel } from './language-model.js';
import { CharRNN } from '../models/char-rnn.js';
import { DiagnosticsPrinter, saveDiagnostics } from './diagnostics-line.js';
import { gradcheckCommand, type GradcheckFlags } from './gradcheck.js';
import { GRADCHECK_PRESETS } from './gradcheck-presets.js';
import { explainCommand, graphCommand, type ExplainFlags } from './explain.js';

/** Where the CLI writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIO: CliIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** The version in package.json. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A usage error: exit code 2. */
class UsageError extends BackpropError {}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1, got '${v}'`);
    return n;
  };
}

interface TrainFlags {
  preset?: string;
  config?: string;
  epochs?: number;
  batchSize?: string;
  lr?: string;
  seed?: string;
  out?: string;
  /** --report: true for <out>/report.html, or the file to write. */
  report?: string | boolean;
  progress: ProgressMode;
  resume?: string;
  debug?: boolean;
  diagnostics?: boolean;
}

/** The config of a train run: from --config, --preset, or the run folder of --resume. */
function resolveTrainConfig(flags: TrainFlags): { config: TrainConfig; outDir: string } {
  if (flags.preset && flags.config) throw new UsageError('use either --preset or --config, not both');
  if (flags.resume !== undefined && !existsSync(flags.resume)) throw new UsageError(`--resume ${flags.resume}: no such checkpoint file`);
  let config: TrainConfig;
  let defaultOut: string | undefined;
  if (flags.config) config = validateConfig(readConfigFile(flags.config), undefined, basename(flags.config).replace(/\.json$/i, ''));
  else if (flags.preset || !flags.resume) {
    const name = flags.preset ?? 'mnist-mlp';
    const preset = PRESETS[name];
    if (!preset) throw new UsageError(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
    config = structuredClone(preset);
  } else {
    // --resume alone: the run folder holds the config it was started with.
    const saved = join(dirname(flags.resume), 'config.json');
    if (!existsSync(saved)) throw new UsageError(`--resume: no config.json beside ${flags.resume}; repeat the run's --preset or --config`);
    config = validateConfig(readConfigFile(saved));
    defaultOut = dirname(flags.resume);
  }
  if (flags.epochs !== undefined) {
    config.epochs = flags.epochs;
    if (config.model.type === 'perceptron') (config.model as { maxEpochs?: number }).maxEpochs = flags.epochs;
  }
  if (flags.batchSize !== undefined) config.batchSize = flags.batchSize === 'full' ? 'full' : positiveInt('--batch-size')(flags.batchSize);
  if (flags.lr !== undefined) {
    const lr = Number(flags.lr);
    if (!(lr > 0)) throw new UsageError(`--lr must be a positive number, got '${flags.lr}'`);
    config.optimizer.lr = lr;
  }
  if (flags.seed !== undefined) {
    config.seed = parseSeed(flags.seed);
  }
  // The config's name becomes a folder name: keep it to one plain path segment.
  const folder = config.name.replace(/[^\w.-]+/g, '-').replace(/^\.+/, '') || 'run';
  return { config, outDir: resolve(flags.out ?? defaultOut ?? join('runs', folder)) };
}

/** JSON-safe metadata: NaN and ±Infinity (a diverged run) become strings instead of failing the save. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

function formatMetrics(prefix: string, logs: Record<string, number>): string {
  return Object.entries(logs).map(([k, v]) => `${prefix} ${k} ${k === 'accuracy' ? `${(v * 100).toFixed(2)} %` : v.toFixed(4)}`).join(', ');
}

function trainCommand(flags: TrainFlags, io: CliIO): number {
  const { config, outDir } = resolveTrainConfig(flags);
  prepareOutDir(outDir);
  const lock = acquireRunLock(outDir);
  try {
    return trainInFolder(config, outDir, flags, io);
  } finally {
    lock.release();
  }
}

/** Trains into the (locked) run folder outDir. */
function trainInFolder(config: TrainConfig, outDir: string, flags: TrainFlags, io: CliIO): number {
  writeFileAtomicSync(join(outDir, 'config.json'), JSON.stringify(config, null, 1));

  manualSeed(config.seed);
  const t0 = Date.now();
  const loaded = loadData(config.data);
  const { classes, standardizer } = loaded;
  let test = loaded.test;
  let train = loaded.train;
  let validation: { x: Tensor; y: Tensor } | undefined;
  let split = config.validationSplit ?? 0;
  if (config.earlyStopping && split === 0) {
    split = 0.1;
    io.err('note: earlyStopping watches a validation split of 10 % of the training data (set validationSplit to change it); the test set is only used at the end');
  }
  if (split > 0) {
    const isClasses = config.loss === 'crossEntropy' || config.loss === 'nll' || config.metrics.includes('accuracy');
    const parts = trainTestSplit(train.x, train.y, { testFraction: split, stratify: isClasses });
    train = parts.train;
    validation = parts.test;
  }
  io.err(`data: ${describeData(config.data)} — ${train.x.shape[0]} training samples${validation ? `, ${validation.x.shape[0]} validation samples` : ''}${test ? `, ${test.x.shape[0]} test samples` : ''} (${Date.now() - t0} ms)`);
  if (loaded.text && flags.report) io.err('note: --report is not written for a character language model (its samples are printed while it trains)');
  if (loaded.text) return trainLanguageModel(config, outDir, { train, test, ...loaded.text }, flags, io);
  const model = buildModel(config.model, train.x.shape.slice(1));
  // From here on every input is [N, ...model.inputShape], as eval and predict will give it.
  train = { x: shapeInputs(model, train.x, 'train'), y: train.y };
  if (validation) validation = { x: shapeInputs(model, validation.x, 'train'), y: validation.y };
  if (test) test = { x: shapeInputs(model, test.x, 'train'), y: test.y };
  checkOutputsFitLabels(config, model, train);
  const buffered = model.namedBuffers().reduce((n, [, b]) => n + b.size, 0);
  io.err(`model: ${model.toString().split('\n').join('\n       ')}\n       ${model.numParameters()} trainable parameters${buffered ? `, ${buffered} values learned without gradients (buffers)` : ''}`);
  const modelBase = join(outDir, 'model');
  const extraMeta = { ...(classes ? { classes } : {}), ...(standardizer ? { standardizer } : {}), ...(loaded.tokens ? { tokens: loaded.tokens } : {}) };
  const started = Date.now();

  if (model instanceof Perceptron) {
    const y = new Tensor(train.y.data.map((v) => (v > 0 ? 1 : -1)), [train.y.size]);
    const maxEpochs = 'maxEpochs' in config.model && typeof config.model.maxEpochs === 'number' ? config.model.maxEpochs : config.epochs;
    const r = model.fit(train.x, y, { maxEpochs });
    const pred = model.call(train.x).data;
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y.data[i]) right++;
    const acc = right / y.size;
    const w = Array.from(model.weight.data);
    io.out(r.converged
      ? `perceptron converged after ${r.epochs} epoch(s) (mistakes per epoch: ${r.mistakes.join(', ')}); training accuracy ${(acc * 100).toFixed(1)} %`
      : `perceptron did NOT converge within ${r.epochs} epochs (the data is not linearly separable?); training accuracy ${(acc * 100).toFixed(1)} %`);
    io.out(`learned w = [${w.slice(0, -1).join(', ')}], b = ${w[w.length - 1]}: y = 1 if w·x + b ≥ 0 else −1`);
    const paths = saveModule(model, modelBase, jsonSafe({ config, trainAccuracy: acc, converged: r.converged, epochs: r.epochs, ...extraMeta }) as Record<string, unknown>);
    writeFileAtomicSync(join(outDir, 'history.json'), JSON.stringify({ rule: 'perceptron', converged: r.converged, mistakesPerEpoch: r.mistakes }, null, 1));
    io.out(`saved model: ${paths.json} + ${paths.weights} (mistakes per epoch: ${join(outDir, 'history.json')})`);
    if (flags.report) io.err('note: --report is not written for the perceptron rule (it has no loss curve); its mistakes per epoch are in history.json');
    return r.converged ? 0 : 1;
  }

  const optimizer = buildOptimizer(config.optimizer, model.parameters());
  const scheduler = buildSchedule(config.schedule, optimizer, config.epochs);
  const checkpointPath = join(outDir, 'checkpoint.safetensors');
  // --debug: the first op whose forward or backward makes a NaN/Inf stops the run, named.
  // An encoder–decoder trains by teacher forcing (the targets are its decoder's inputs) and is scored at the end.
  const seq2seq = isTeacherForced(model);
  const history = (flags.debug ? detectAnomaly : <T>(f: () => T) => f())(() => fit(model, train, {
    loss: config.loss,
    optimizer,
    scheduler,
    epochs: config.epochs,
    batchSize: config.batchSize,
    metrics: seq2seq ? [] : config.metrics,
    trainStep: seq2seq ? teacherForcingStep : undefined,
    validationData: validation,
    stop: config.stop,
    earlyStopping: config.earlyStopping,
    l2: config.l2,
    clipGradNorm: config.clipGradNorm,
    progress: flags.progress,
    // A checkpoint at most ~10 times per run (and always at the end): each one is an fsync'd file.
    checkpoint: { path: checkpointPath, every: Math.max(1, Math.floor(config.epochs / 10)) },
    resumeFrom: flags.resume,
    ...(flags.diagnostics ? { diagnostics: true, callbacks: [new DiagnosticsPrinter(io.err)] } : {}),
  }));
  const seconds = (Date.now() - started) / 1000;
  const final = seq2seq ? evaluateSequences(model, test ?? train) : evaluate(model, test ?? train, { loss: config.loss, metrics: config.metrics });
  const which = test ? 'test' : 'training';
  io.out(`trained ${history.epochs.length} epoch(s), ${history.steps} steps, in ${seconds.toFixed(1)} s${history.stopReason === 'epochs' ? '' : ` — stopped: ${history.message}`}`);
  io.out(formatMetrics(which, final));
  const paths = saveModule(model, modelBase, jsonSafe({ config, [which]: final, seconds, stopReason: history.stopReason, ...extraMeta }) as Record<string, unknown>);
  writeFileAtomicSync(join(outDir, 'history.json'), JSON.stringify(history, null, 1));
  if (flags.diagnostics) saveDiagnostics(history, outDir, io.out);
  writeFileAtomicSync(join(outDir, 'curve.svg'), curveSvg(history.epochs, `backprop train — ${config.name}`));
  io.out(`saved model: ${paths.json} + ${paths.weights}`);
  io.out(`saved curve: ${join(outDir, 'curve.svg')} (history: ${join(outDir, 'history.json')}); continue with --resume ${checkpointPath}`);
  if (flags.report) {
    const reportPath = typeof flags.report === 'string' ? resolve(flags.report) : join(outDir, 'report.html');
    writeRunReport(reportPath, {
      config, model, history, train, validation, test: test ?? undefined, final, finalOn: which, seconds, data: describeData(config.data),
      classes, tokens: loaded.tokens, seq2seq,
    });
    io.out(`saved report: ${reportPath}`);
  }
  return history.stopReason === 'nonFinite' ? 1 : 0;
}

/** For class-index losses, the output layer must have a unit per class: checked before training. */
function checkOutputsFitLabels(config: TrainConfig, model: Module, train: { x: Tensor; y: Tensor }): void {
  if (isTeacherForced(model)) return checkSequenceRun(config, model, train); // its outputs are tokens, one per step
  const y = train.y;
  if (config.loss !== 'crossEntropy' && config.loss !== 'nll') return;
  const shape = model.inputShape ?? [];
  const inFeatures = shape.reduce((a, b) => a * b, 1);
  const outputs = noGrad(() => model.eval().call(zeros([1, ...shape])));
  model.train();
  const units = outputs.shape[outputs.ndim - 1];
  let top = 0;
  for (const v of y.data) if (v > top) top = v;
  if (y.ndim === 1 && top + 1 > units) {
    throw new ConfigError(`config.model: the model has ${units} output unit(s) but the labels go up to ${top} (${top + 1} classes); ${config.model.type === 'logistic' ? "logistic regression is binary: use an mlp, e.g. {\"type\": \"mlp\", \"sizes\": [" + inFeatures + ", " + (top + 1) + "]}" : `make the last size ${top + 1}`}`);
  }
}

/** `backprop generate`: the prime and `--length` characters sampled from a saved language model. */
function generateCommand(modelPath: string, flags: { length?: number; temperature?: string; prime?: string; seed?: string }, io: CliIO): number {
  const temperature = flags.temperature === undefined ? 1 : Number(flags.temperature);
  if (flags.temperature !== undefined && (flags.temperature.trim() === '' || !Number.isFinite(temperature) || temperature < 0)) {
    throw new UsageError(`--temperature must be a number ≥ 0 (below 1 picks likelier characters, above 1 more surprising ones, 0 always the likeliest), got '${flags.temperature}'`);
  }
  const length = flags.length ?? 200;
  if (length > MAX_GENERATE) throw new UsageError(`--length must be at most ${MAX_GENERATE}, got ${length}`);
  const seed = flags.seed === undefined ? 0 : parseSeed(flags.seed);
  const { model } = loadForCli(modelPath);
  const text = generateText(model, modelPath, { length, temperature, prime: flags.prime ?? '', seed }, (msg) => new UsageError(msg));
  io.out(text);
  return 0;
}

/** Most characters one `backprop generate` writes. */
const MAX_GENERATE = 1_000_000;

function loadForCli(path: string): { model: Module; config: Partial<TrainConfig>; meta: Record<string, unknown> } {
  const { model, metadata } = loadModule(path);
  const config = checkSavedMetadata(metadata, path);
  return { model, config, meta: metadata };
}

/** The class names and input standardisation a model was trained with, from its metadata. */
function trainedWith(meta: Record<string, unknown>): { classes?: string[]; standardize: (x: Tensor) => Tensor } {
  const classes = Array.isArray(meta.classes) ? (meta.classes as string[]) : undefined;
  const st = meta.standardizer ? Standardizer.fromJSON(meta.standardizer as StandardizerState) : null;
  return { classes, standardize: (x) => (st ? st.transform(x) : x) };
}

/** `--seed`: a whole number in manualSeed's range 0 … MAX_SEED. */
function parseSeed(flag: string): number {
  const s = Number(flag);
  if (!Number.isInteger(s) || s < 0 || s > MAX_SEED) throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED}, got '${flag}'`);
  return s;
}

function evalCommand(modelPath: string, flags: { data?: string; seed?: string }, io: CliIO): number {
  const { model, config, meta } = loadForCli(modelPath);
  if (model instanceof CharRNN) return evalLanguageModel(model, flags.data ? parseDataSpec(flags.data) : config.data, flags.data !== undefined, io);
  const dataCfg = flags.data ? parseDataSpec(flags.data) : config.data;
  if (!dataCfg) throw new UsageError('eval: say which data with --data (the model does not record its training data)');
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (config.seed ?? 0);
  manualSeed(seed);
  const { classes, standardize } = trainedWith(meta);
  let set: { x: Tensor; y: Tensor };
  let which: string;
  if (dataCfg.name === 'csv' && flags.data) {
    // A file given for evaluation is evaluated whole, with the class names and feature scaling the model was trained with.
    const c = loadCsv(dataCfg.path, { labelColumn: dataCfg.labelColumn ?? (config.data?.name === 'csv' ? config.data.labelColumn : undefined) ?? -1, classes });
    if (!c.y) throw new UsageError(`eval: ${dataCfg.path} has no label column`);
    set = { x: standardize(c.x), y: c.y };
    which = dataCfg.path;
  } else {
    // loadData standardises a CSV split itself, with the same training statistics.
    const { train, test } = loadData(dataCfg);
    set = test ?? train;
    which = test ? 'test set' : 'training set';
  }
  const loss = (config.loss ?? 'crossEntropy') as LossName;
  lossByName(loss);
  const x = shapeInputs(model, set.x, 'eval');
  if (isTeacherForced(model)) {
    const r = evaluateSequences(model, { x, y: set.y });
    io.out(`${which}: ${set.x.shape[0]} sequences\nloss ${r.loss.toFixed(4)} per target token (teacher-forced), ${(r.accuracy * 100).toFixed(2)} % written exactly right`);
    return 0;
  }
  const classification = (config.metrics ?? ['accuracy']).includes('accuracy');
  io.out(`${which}: ${set.x.shape[0]} samples`);
  if (!classification) {
    const r = evaluate(model, { x, y: set.y }, { loss, metrics: ['mae'] });
    io.out(`loss (${loss}) ${r.loss.toFixed(4)}, mean absolute error ${r.mae.toFixed(4)}`);
    return 0;
  }
  const threshold = defaultThreshold(loss);
  const r = evaluate(model, { x, y: set.y }, { loss, metrics: ['accuracy'], threshold });
  io.out(model instanceof Perceptron ? `accuracy ${(r.accuracy * 100).toFixed(2)} %` : `loss (${loss}) ${r.loss.toFixed(4)}, accuracy ${(r.accuracy * 100).toFixed(2)} %`);
  const out = predict(model, x);
  io.out(`confusion matrix (rows: true class, columns: predicted${classes ? `; classes ${classes.map((c, i) => `${i}=${c}`).join(', ')}` : ''}):`);
  io.out(formatConfusionMatrix(confusionMatrix(out, set.y, classes?.length, threshold)));
  return 0;
}

/** Inputs for predict: JSON rows (inline or a .json file), a CSV file of feature rows, or a digit image. */
function readInputs(input: string, labelColumn: string | number | undefined): Tensor {
  if (/\.(png|pgm)$/i.test(input)) return readDigit(input);
  if (/\.csv$/i.test(input)) {
    if (!existsSync(input)) throw new UsageError(`predict: --input ${input}: no such file`);
    // A label column, if the file has the training file's one, is ignored.
    const withLabel = (() => {
      try {
        return labelColumn !== undefined ? loadCsv(input, { labelColumn }) : null;
      } catch {
        return null;
      }
    })();
    return (withLabel ?? loadCsv(input)).x;
  }
  const fromFile = existsSync(input);
  const text = fromFile ? readFileSync(input, 'utf8') : input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(fromFile
      ? `predict: ${input} is not valid JSON (${(e as Error).message}); --input takes JSON rows, a .csv file, or a .png/.pgm image`
      : `predict: --input is not valid JSON and not an existing file: ${input.slice(0, 60)}`);
  }
  assertFiniteJson(parsed, fromFile ? `predict: ${input}` : 'predict: --input');
  const x = tensor(parsed as number[][]);
  return x.ndim === 1 ? x.reshape([1, -1]) : x;
}

function predictCommand(modelPath: string, flags: { input?: string }, io: CliIO): number {
  if (!flags.input) throw new UsageError('predict: --input is required (JSON like "[[0,1]]", a .json or .csv file, or a PNG/PGM image of a digit)');
  const { model, config, meta } = loadForCli(modelPath);
  if (model instanceof CharRNN) throw new UsageError(`predict: ${modelPath} is a character language model: sample from it with backprop generate ${modelPath}`);
  const { classes: names, standardize } = trainedWith(meta);
  if (typeof meta.tokens === 'string') {
    const done = predictTexts(model, meta.tokens, flags.input, names, io.out, (msg) => new UsageError(msg));
    if (done !== null) return done;
  }
  const labelColumn = config.data?.name === 'csv' ? config.data.labelColumn : undefined;
  const x = shapeInputs(model, standardize(readInputs(flags.input, labelColumn)), 'predict');
  const out = predict(model, x);
  const multi = out.ndim === 2 && out.shape[1] > 1;
  const classification = (config.metrics ?? ['accuracy']).includes('accuracy');
  const name = (k: number) => (names?.[k] !== undefined ? ` (${names[k]})` : '');
  // Probabilities: softmax of logits (crossEntropy), exp of log-probabilities (nll), σ of a logit.
  const probs = !multi ? out : config.loss === 'nll' ? noGrad(() => exp(out)) : config.loss === 'crossEntropy' || config.loss === undefined ? noGrad(() => softmax(out, 1)) : out;
  const rows = out.shape[0];
  for (let i = 0; i < rows; i++) {
    if (multi) {
      const c = probs.shape[1];
      const p = Array.from(probs.data.subarray(i * c, (i + 1) * c));
      const best = p.indexOf(Math.max(...p));
      io.out(`sample ${i}: class ${best}${name(best)} (p = ${p[best].toFixed(3)}); probabilities [${p.map((v) => v.toFixed(3)).join(', ')}]`);
    } else if (model instanceof Perceptron) {
      io.out(`sample ${i}: output ${out.data[i]} (class ${out.data[i] > 0 ? 1 : 0})`);
    } else if (classification && config.loss === 'binaryCrossEntropyWithLogits') {
      const p = 1 / (1 + Math.exp(-out.data[i]));
      io.out(`sample ${i}: class ${p >= 0.5 ? 1 : 0}${name(p >= 0.5 ? 1 : 0)} (P(class 1) = ${p.toFixed(3)}; logit ${out.data[i].toFixed(4)})`);
    } else if (classification) {
      io.out(`sample ${i}: class ${out.data[i] >= 0.5 ? 1 : 0}${name(out.data[i] >= 0.5 ? 1 : 0)} (output ${out.data[i].toFixed(4)})`);
    } else {
      io.out(`sample ${i}: output ${out.data[i].toFixed(4)}`);
    }
  }
  return 0;
}

/** Most values the summary of `backprop info` may allocate for its dummy batches (256 MiB of float32). */
const SUMMARY_BUDGET = 64 * 2 ** 20;

/** The input shape line and the summary table of `backprop info`. */
function infoSummary(model: Module, io: CliIO): void {
  const known = modelInputShape(model);
  if (!known) {
    io.out('input shape: unknown (not recorded in the model file)');
    return;
  }
  io.out(`input shape: [${known.shape.join(', ')}]${known.recorded ? '' : " (not recorded in this older model file: taken from its first Linear layer's in-features)"}`);
  try {
    // A model file may declare any input shape: the dummy batches may not allocate without bound.
    withAllocationLimit(SUMMARY_BUDGET, 'info: the summary', () => printSummary(model, known.shape, io.out));
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    io.out(`summary: not shown for inputs of shape [${known.shape.join(', ')}] (${e.message})`);
  }
}

function infoCommand(modelPath: string | undefined, showBackend: boolean, io: CliIO): number {
  if (modelPath === undefined) {
    if (!showBackend) throw new UsageError('info: give a saved model, checkpoint or .safetensors file (or --backend to show the kernel backend)');
    for (const line of backendInfoLines()) io.out(line);
    return 0;
  }
  const code = modelInfo(modelPath, io);
  if (showBackend) for (const line of backendInfoLines()) io.out(line);
  return code;
}

function modelInfo(modelPath: string, io: CliIO): number {
  const fileInfo = tensorFileInfo(modelPath);
  if (fileInfo) {
    for (const line of fileInfo) io.out(line);
    return 0;
  }
  const { model, meta } = loadForCli(modelPath);
  io.out(model.toString());
  const buffers = model.namedBuffers().reduce((n, [, b]) => n + b.size, 0);
  io.out(`parameters: ${model.numParameters()}${buffers ? ` (plus ${buffers} values in buffers, e.g. a perceptron's weights)` : ''}`);
  for (const [name, t] of Object.entries(model.stateDict())) io.out(`  ${name.padEnd(24)} [${t.shape.join(', ')}]`);
  infoSummary(model, io);
  const { config, ...rest } = meta;
  if (config) io.out(`trained with: ${JSON.stringify(config)}`);
  for (const [k, v] of Object.entries(rest)) io.out(`${k}: ${JSON.stringify(v)}`);
  return 0;
}

/** Runs the CLI on argv (without `node` and the script) and returns the exit code. */
export function run(argv: readonly string[], io: CliIO = defaultIO): number {
  let code = 0;
  // Run in-process (tests, embedding), the CLI puts back the backend it found.
  const before = { name: getBackend(), source: getBackendSource() };
  const program = new Command();
  program
    .name('backprop')
    .description('Build, train, inspect and ship neural networks.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--backend [name]', `kernel backend for any command: ${knownBackends().join(' or ')} (default: ${BACKEND_ENV} or cpu); with info and no name: show the backend in use`))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (_program, action) => useBackendFlag(program.opts<{ backend?: string | true }>().backend, action.name()));
  program
    .command('train')
    .description('train a network (default: an MLP on the bundled MNIST digits) and save it with its loss/accuracy curve')
    .option('--preset <name>', `one of ${Object.keys(PRESETS).join(', ')} (default mnist-mlp)`)
    .option('--config <file>', 'a JSON training config (data, model, loss, optimizer, schedule, batchSize, epochs, stop, …)')
    .option('--epochs <n>', 'override the number of epochs', positiveInt('--epochs'))
    .option('--batch-size <n>', "override the batch size (a number, or 'full')")
    .option('--lr <x>', 'override the learning rate')
    .option('--seed <n>', 'override the random seed')
    .option('--out <dir>', 'where to write model, checkpoint and curve (default runs/<preset>)')
    .option('--report [file]', 'also write one self-contained HTML report of the run: config, metrics and every plot that applies (default <out>/report.html)')
    .option('--resume <checkpoint>', 'continue exactly from a checkpoint written by an earlier run')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .option('--debug', 'debug mode: stop at the first op whose forward or backward gives NaN/Inf, naming it and its layer')
    .option('--diagnostics', "per-epoch gradient norms per parameter, dead ReLUs, saturated sigmoid/tanh units and the first NaN/Inf op: printed per epoch, saved in diagnostics.json and history.json")
    .action((flags: TrainFlags) => { code = trainCommand(flags, io); });
  program
    .command('eval')
    .description('evaluate a saved model: loss, accuracy and confusion matrix')
    .argument('<model>', 'saved model (folder, base path, or its .json/.safetensors file)')
    .option('--data <spec>', `${dataSpecs()} (default: the data it was trained on)`)
    .option('--seed <n>', 'seed of the train/test split (default: the training seed)')
    .action((model: string, flags: { data?: string; seed?: string }) => { code = evalCommand(model, flags, io); });
  program
    .command('predict')
    .description("run a saved model on inputs: JSON rows, a JSON file, or a PNG/PGM image of a digit")
    .argument('<model>', 'saved model')
    .option('--input <input>', 'JSON such as "[[0,1],[1,1]]", a .json file, or an image file; text such as \'["0110"]\' for a sequence model, numbers such as \'["42", "913"]\' for number-words')
    .action((model: string, flags: { input?: string }) => { code = predictCommand(model, flags, io); });
  program
    .command('generate')
    .description('sample text from a saved character language model (trained with --preset char-rnn)')
    .argument('<model>', 'saved model')
    .option('--length <n>', 'characters to generate after the prime (default 200)', positiveInt('--length'))
    .option('--temperature <t>', 'sampling temperature ≥ 0: below 1 safer, above 1 wilder, 0 always the likeliest (default 1)')
    .option('--prime <text>', 'text to continue (default: none)')
    .option('--seed <n>', 'random seed of the sampling (default 0: the same text each time)')
    .action((model: string, flags: { length?: number; temperature?: string; prime?: string; seed?: string }) => { code = generateCommand(model, flags, io); });
  program
    .command('report')
    .description('write the HTML report of a finished train run again from its folder (config, history, model; the data is loaded again from the seed)')
    .argument('<run>', 'the folder a train run wrote, e.g. runs/circles')
    .option('--out <file>', 'where to write the report (default <run>/report.html)')
    .action((dir: string, flags: { out?: string }) => {
      io.out(`saved report: ${reportFromRunFolder(dir, flags.out, (msg) => new UsageError(msg))}`);
      code = 0;
    });
  program
    .command('info')
    .description("show a saved model's architecture, parameter shapes and training metadata; or a checkpoint's epoch, step, optimiser and tensors; or any .safetensors file's tensors; with --backend, the kernel backend in use (its native kernels, cpu fallbacks and threads)")
    .argument('[model]', 'saved model, checkpoint .safetensors, or any .safetensors file')
    .action((model: string | undefined) => { code = infoCommand(model, program.opts<{ backend?: string | true }>().backend !== undefined, io); });
  program
    .command('explain')
    .description("write out one forward and backward pass of a small network in the lecture's notation (z, y, ∂Div/∂y, ∂Div/∂z = f′(z) ⊙ ∂Div/∂y, ∂Div/∂W = δ yᵀ, ∂Div/∂b = δ), every number from autograd and checked against the formulas")
    .option('--preset <name>', 'lecture (default: the lecture\'s 1-2-1 sigmoid network at x = 2) or softmax-regression')
    .option('--model <model>', 'a saved model (Linear layers and elementwise activations) instead of a preset; needs --input and --target')
    .option('--input <json>', 'the input: a number or nested lists such as "[[0.5, 1]]" (one row per sample), or a .json file')
    .option('--target <json>', 'the desired output (rows), or class indices for crossEntropy')
    .option('--loss <name>', 'l2 (½‖y − d‖²), mse, crossEntropy (on logits) or binaryCrossEntropy (default: the preset\'s, or the saved model\'s training loss, else l2)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'markdown', 'html']).default('table'))
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action((flags: ExplainFlags) => { code = explainCommand(flags, io); });
  program
    .command('graph')
    .description("draw the autograd graph of a preset's or saved model's loss: each op with its shape, value summary and gradient summary")
    .option('--preset <name>', 'lecture (default) or softmax-regression')
    .option('--model <model>', 'a saved model instead of a preset; needs --input and --target')
    .option('--input <json>', 'the input: a number or nested lists, or a .json file')
    .option('--target <json>', 'the desired output, or class indices')
    .option('--loss <name>', 'the loss (default the preset\'s or the model\'s training loss, else l2)')
    .addOption(new Option('--format <format>', 'output format').choices(['svg', 'dot']).default('svg'))
    .option('--no-backward', 'draw before back-propagating (no gradient summaries)')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action((flags: ExplainFlags) => { code = graphCommand(flags, io); });

  program
    .command('gradcheck')
    .description('check back-propagation against finite differences (float64) per parameter tensor, on a saved model or a small preset; exit 1 if any tensor fails')
    .option('--model <model>', 'saved model (folder, base path, or its .json/.safetensors file)')
    .option('--preset <name>', `a small network: ${Object.keys(GRADCHECK_PRESETS).join(', ')} (default mlp)`)
    .option('--batch <n>', 'samples in the random batch', positiveInt('--batch'), 2)
    .option('--tolerance <x>', 'largest worst relative error that passes (default 1e-5)', '1e-5')
    .option('--eps <h>', 'finite-difference step (default 1e-6)')
    .option('--elements <n>', "elements checked per parameter tensor, evenly spaced (default 64; 'all')")
    .option('--input-shape <dims>', "one sample's input shape when the model does not record it, e.g. 1,28,28")
    .option('--seed <n>', 'seed of the random batch (default 0)')
    .option('--json', 'print the results as JSON')
    .action((flags: GradcheckFlags) => {
      if (flags.seed !== undefined) parseSeed(flags.seed);
      code = gradcheckCommand(flags, io.out);
    });

  try {
    program.parse(argv as string[], { from: 'user' });
    return code;
  } catch (e) {
    return exitCode(e, io);
  } finally {
    selectBackend(before.name, before.source);
  }
}

/**
 * Applies `--backend <name>` (or BACKPROP_BACKEND, or the default) before a command runs; a bad
 * name is a usage error listing the known ones. A bare `--backend` only means something to info.
 */
function useBackendFlag(flag: string | true | undefined, command: string): void {
  if (flag === true && command !== 'info') throw new UsageError(`--backend needs a name: ${knownBackends().join(', ')}`);
  try {
    const name = flag === true ? undefined : flag;
    // Without a flag the variable is still checked, but a backend set in code (in-process use) stays.
    if (name === undefined && getBackendSource() === 'setBackend') chooseBackend();
    else applyBackendChoice(name);
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    const hint = command === 'info' && typeof flag === 'string' && /[./\\]/.test(flag)
      ? ` (to show the backend with a model's info, put --backend last: backprop info ${flag} --backend)` : '';
    throw new UsageError(`${e.message}${hint}`);
  }
}

/** The exit code for an error thrown by a command, after printing it. */
function exitCode(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof UsageError || e instanceof ConfigError) {
    io.err(`backprop: ${e.message}`);
    return 2;
  }
  if (e instanceof BackpropError || e instanceof FileFormatError || e instanceof ValueError) {
    io.err(`backprop: ${e.message}`);
    return 1;
  }
  io.err(`backprop: unexpected error: ${(e as Error).message}`);
  if (process.env.BACKPROP_DEBUG) io.err((e as Error).stack ?? '');
  return 1;
}
