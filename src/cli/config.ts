/**
 * The training configuration of `backprop train`: presets, validation with errors that name
 * the bad field (`config.optimizer.lr: …`), and building model, optimiser, schedule and data.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { zeros } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module, ModuleConfig } from '../nn/module.js';
import { moduleFromConfig } from '../nn/module.js';
import { mlp, Perceptron, LogisticRegression } from '../models/index.js';
import { ACTIVATION_NAMES, type ActivationName } from '../nn/activations.js';
import { lossByName, type LossName } from '../losses/index.js';
import { SGD, Adam, AdamW, RMSprop, StepLR, ExponentialLR, InverseTimeLR, CosineAnnealingLR } from '../optim/index.js';
import type { OptimizerLike, SchedulerLike } from '../train/fit.js';
import type { MetricName } from '../train/metrics.js';
import * as data from '../data/index.js';

/** Where training data comes from. */
export type DataConfig =
  | { name: 'mnist'; train?: number; test?: number }
  | { name: 'fashion-mnist'; dir?: string; train?: number; test?: number }
  | { name: 'idx'; dir: string; train?: number; test?: number }
  | { name: 'and' | 'or' | 'xor' }
  | { name: 'spirals' | 'circles' | 'moons'; n?: number; noise?: number; testFraction?: number }
  | { name: 'csv'; path: string; labelColumn?: string | number; testFraction?: number; standardize?: boolean };

/** The model: a builder by name or any saved module config. */
export type ModelConfig =
  | { type: 'mlp'; sizes: number[]; activation?: ActivationName; outputActivation?: ActivationName; dropout?: number }
  | { type: 'logistic' }
  | { type: 'perceptron'; maxEpochs?: number }
  | ModuleConfig;

/** Optimiser settings. */
export interface OptimizerConfig {
  type: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  /** Learning rate η; required for SGD, defaults 1e-3 (Adam, AdamW) and 1e-2 (RMSprop) as in PyTorch. */
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  betas?: [number, number];
}

/** Learning-rate schedule settings. */
export type ScheduleConfig =
  | { type: 'step'; stepSize: number; gamma?: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'inverseTime'; decay: number }
  | { type: 'cosine'; tMax?: number; etaMin?: number };

/** Everything `backprop train --config file.json` accepts. */
export interface TrainConfig {
  name: string;
  data: DataConfig;
  model: ModelConfig;
  loss: LossName;
  optimizer: OptimizerConfig;
  /** Learning-rate schedule; null (or left out of a preset) for a constant rate. */
  schedule?: ScheduleConfig | null;
  batchSize: number | 'full';
  epochs: number;
  /** Fraction of the training data held out to validate on after each epoch (and for early stopping). */
  validationSplit?: number;
  stop?: { lossDelta?: number; gradNorm?: number };
  earlyStopping?: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max'; restoreBest?: boolean };
  metrics: MetricName[];
  l2?: number;
  clipGradNorm?: number;
  seed: number;
}

const mnistMlp: TrainConfig = {
  name: 'mnist-mlp',
  data: { name: 'mnist', train: 8000, test: 2000 },
  model: { type: 'mlp', sizes: [784, 128, 10], activation: 'relu' },
  loss: 'crossEntropy',
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
  schedule: { type: 'cosine' },
  batchSize: 64,
  epochs: 8,
  metrics: ['accuracy'],
  seed: 0,
};

/** A logic gate learned by the perceptron rule (no optimiser is used). */
function perceptronPreset(gate: 'and' | 'or'): TrainConfig {
  return {
    name: gate,
    data: { name: gate },
    model: { type: 'perceptron', maxEpochs: 100 },
    loss: 'mse',
    optimizer: { type: 'sgd', lr: 1 },
    batchSize: 1,
    epochs: 100,
    metrics: ['accuracy'],
    seed: 0,
  };
}

/** The named presets of `backprop train --preset`. */
export const PRESETS: Record<string, TrainConfig> = {
  'mnist-mlp': mnistMlp,
  'mnist-logistic': {
    ...mnistMlp,
    name: 'mnist-logistic',
    model: { type: 'mlp', sizes: [784, 10] },
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    schedule: undefined,
    epochs: 5,
  },
  xor: {
    name: 'xor',
    data: { name: 'xor' },
    model: { type: 'mlp', sizes: [2, 2, 1], activation: 'sigmoid', outputActivation: 'sigmoid' },
    loss: 'mse',
    optimizer: { type: 'sgd', lr: 2, momentum: 0.9 },
    batchSize: 'full',
    epochs: 2000,
    stop: { lossDelta: 1e-9 },
    metrics: ['accuracy'],
    seed: 0,
  },
  and: perceptronPreset('and'),
  or: perceptronPreset('or'),
  spirals: {
    name: 'spirals',
    data: { name: 'spirals', n: 600, noise: 0.1, testFraction: 0.2 },
    model: { type: 'mlp', sizes: [2, 64, 64, 2], activation: 'tanh' },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 32,
    epochs: 150,
    metrics: ['accuracy'],
    seed: 0,
  },
  circles: {
    name: 'circles',
    data: { name: 'circles', n: 400, noise: 0.05, testFraction: 0.2 },
    model: { type: 'mlp', sizes: [2, 16, 2], activation: 'relu' },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.02 },
    batchSize: 32,
    epochs: 60,
    metrics: ['accuracy'],
    seed: 0,
  },
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: string, msg: string, v: unknown): never {
  throw new ConfigError(`${path}: ${msg}, got ${JSON.stringify(v) ?? String(v)}`);
}

function num(o: Obj, key: string, path: string, opts: { min?: number; int?: boolean; optional?: boolean; exclusiveMin?: boolean } = {}): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, 'must be a number', v);
  if (opts.int && !Number.isInteger(v)) fail(`${path}.${key}`, 'must be a whole number', v);
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) fail(`${path}.${key}`, `must be ${opts.exclusiveMin ? '>' : '≥'} ${opts.min}`, v);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], optional = false): T | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) fail(`${path}.${key}`, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  return v as T;
}

function checkKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ConfigError(`${path}: unknown field '${k}' (allowed: ${allowed.join(', ')})`);
  }
}

const LOSSES: readonly LossName[] = ['l2', 'mse', 'mae', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits', 'crossEntropy', 'nll', 'klDiv'];

/** Checks a parsed JSON config (with defaults from the mnist-mlp preset for fields left out). */
export function validateConfig(raw: unknown, base: TrainConfig = PRESETS['mnist-mlp'], defaultName = 'custom'): TrainConfig {
  if (!isObj(raw)) fail('config', 'must be a JSON object', raw);
  checkKeys(raw, 'config', ['name', 'data', 'model', 'loss', 'optimizer', 'schedule', 'batchSize', 'epochs', 'validationSplit', 'stop', 'earlyStopping', 'metrics', 'l2', 'clipGradNorm', 'seed']);
  const c: TrainConfig = { ...base, ...(raw as Partial<TrainConfig>), name: typeof raw.name === 'string' ? raw.name : defaultName };
  // data
  if (!isObj(c.data)) fail('config.data', 'must be an object like {"name": "mnist"}', c.data);
  const d = c.data as unknown as Obj;
  const dn = oneOf(d, 'name', 'config.data', ['mnist', 'fashion-mnist', 'idx', 'and', 'or', 'xor', 'spirals', 'circles', 'moons', 'csv'] as const)!;
  const dataKeys: Record<typeof dn, string[]> = {
    mnist: ['train', 'test'], 'fashion-mnist': ['dir', 'train', 'test'], idx: ['dir', 'train', 'test'],
    and: [], or: [], xor: [], spirals: ['n', 'noise', 'testFraction'], circles: ['n', 'noise', 'testFraction'], moons: ['n', 'noise', 'testFraction'],
    csv: ['path', 'labelColumn', 'testFraction', 'standardize'],
  };
  checkKeys(d, 'config.data', ['name', ...dataKeys[dn]]);
  if (dn === 'mnist' || dn === 'fashion-mnist' || dn === 'idx') {
    num(d, 'train', 'config.data', { min: 1, int: true, optional: true });
    num(d, 'test', 'config.data', { min: 1, int: true, optional: true });
    if (dn === 'mnist' && (Number(d.train ?? 8000) + Number(d.test ?? 2000) > 10000)) {
      throw new ConfigError(`config.data: the bundled MNIST has 10,000 digits; train + test = ${Number(d.train ?? 8000) + Number(d.test ?? 2000)} is too many`);
    }
    if (dn === 'idx' && typeof d.dir !== 'string') fail('config.data.dir', 'must be the folder holding the IDX files', d.dir);
  }
  if (dn === 'spirals' || dn === 'circles' || dn === 'moons') {
    num(d, 'n', 'config.data', { min: 4, int: true, optional: true });
    num(d, 'noise', 'config.data', { min: 0, optional: true });
  }
  if (dn === 'csv' && typeof d.path !== 'string') fail('config.data.path', 'must be the path of a CSV file', d.path);
  if ('testFraction' in d) {
    const tf = num(d, 'testFraction', 'config.data', { min: 0 })!;
    if (tf >= 1) fail('config.data.testFraction', 'must be below 1', tf);
  }
  // model
  if (!isObj(c.model)) fail('config.model', 'must be an object like {"type": "mlp", "sizes": [784, 128, 10]}', c.model);
  const m = c.model as Obj;
  if (typeof m.type !== 'string') fail('config.model.type', 'must be a string', m.type);
  if (m.type === 'mlp') checkKeys(m, 'config.model', ['type', 'sizes', 'activation', 'outputActivation', 'dropout']);
  if (m.type === 'logistic') checkKeys(m, 'config.model', ['type']);
  if (m.type === 'perceptron') {
    checkKeys(m, 'config.model', ['type', 'maxEpochs']);
    num(m, 'maxEpochs', 'config.model', { min: 1, int: true, optional: true });
  }
  if (m.type === 'mlp') {
    if (!Array.isArray(m.sizes) || m.sizes.length < 2 || !m.sizes.every((s) => Number.isInteger(s) && s >= 1)) {
      fail('config.model.sizes', 'must be a list of at least two whole numbers ≥ 1', m.sizes);
    }
    oneOf(m, 'activation', 'config.model', ACTIVATION_NAMES, true);
    oneOf(m, 'outputActivation', 'config.model', ACTIVATION_NAMES, true);
    if (m.dropout !== undefined) {
      const p = num(m, 'dropout', 'config.model', { min: 0 })!;
      if (p >= 1) fail('config.model.dropout', 'must be below 1', p);
    }
  }
  // loss, optimizer, schedule
  if (typeof c.loss !== 'string' || !LOSSES.includes(c.loss)) fail('config.loss', `must be one of ${LOSSES.join(', ')}`, c.loss);
  if (!isObj(c.optimizer)) fail('config.optimizer', 'must be an object like {"type": "sgd", "lr": 0.1}', c.optimizer);
  const o = c.optimizer as unknown as Obj;
  checkKeys(o, 'config.optimizer', ['type', 'lr', 'momentum', 'nesterov', 'weightDecay', 'betas']);
  oneOf(o, 'type', 'config.optimizer', ['sgd', 'adam', 'adamw', 'rmsprop'] as const);
  num(o, 'lr', 'config.optimizer', { min: 0, exclusiveMin: true, optional: o.type !== 'sgd' });
  num(o, 'momentum', 'config.optimizer', { min: 0, optional: true });
  num(o, 'weightDecay', 'config.optimizer', { min: 0, optional: true });
  if (c.schedule !== undefined && c.schedule !== null) {
    if (!isObj(c.schedule)) fail('config.schedule', 'must be an object like {"type": "step", "stepSize": 5}, or null for a constant learning rate', c.schedule);
    const s = c.schedule as unknown as Obj;
    const st = oneOf(s, 'type', 'config.schedule', ['step', 'exponential', 'inverseTime', 'cosine'] as const)!;
    const scheduleKeys = { step: ['stepSize', 'gamma'], exponential: ['gamma'], inverseTime: ['decay'], cosine: ['tMax', 'etaMin'] };
    checkKeys(s, 'config.schedule', ['type', ...scheduleKeys[st]]);
    num(s, 'gamma', 'config.schedule', { min: 0, exclusiveMin: true, optional: true });
    num(s, 'etaMin', 'config.schedule', { min: 0, optional: true });
    if (st === 'step') num(s, 'stepSize', 'config.schedule', { min: 1, int: true });
    if (st === 'exponential') num(s, 'gamma', 'config.schedule', { min: 0, exclusiveMin: true });
    if (st === 'inverseTime') num(s, 'decay', 'config.schedule', { min: 0 });
    if (st === 'cosine') num(s, 'tMax', 'config.schedule', { min: 1, int: true, optional: true });
  }
  // training loop
  const t = c as unknown as Obj;
  if (c.batchSize !== 'full') num(t, 'batchSize', 'config', { min: 1, int: true });
  num(t, 'epochs', 'config', { min: 1, int: true });
  num(t, 'seed', 'config', { int: true });
  num(t, 'l2', 'config', { min: 0, optional: true });
  const vs = num(t, 'validationSplit', 'config', { min: 0, optional: true });
  if (vs !== undefined && vs >= 1) fail('config.validationSplit', 'must be below 1', vs);
  num(t, 'clipGradNorm', 'config', { min: 0, exclusiveMin: true, optional: true });
  if (!Array.isArray(c.metrics) || !c.metrics.every((x) => x === 'accuracy' || x === 'mae')) fail('config.metrics', "must be a list of 'accuracy' and/or 'mae'", c.metrics);
  if (c.stop !== undefined) {
    if (!isObj(c.stop)) fail('config.stop', 'must be an object like {"lossDelta": 1e-6}', c.stop);
    checkKeys(c.stop, 'config.stop', ['lossDelta', 'gradNorm']);
    num(c.stop, 'lossDelta', 'config.stop', { min: 0, optional: true });
    num(c.stop, 'gradNorm', 'config.stop', { min: 0, optional: true });
  }
  if (c.earlyStopping !== undefined) {
    if (!isObj(c.earlyStopping)) fail('config.earlyStopping', 'must be an object like {"patience": 3}', c.earlyStopping);
    const e = c.earlyStopping as Obj;
    checkKeys(e, 'config.earlyStopping', ['monitor', 'patience', 'minDelta', 'mode', 'restoreBest']);
    num(e, 'patience', 'config.earlyStopping', { min: 1, int: true, optional: true });
    num(e, 'minDelta', 'config.earlyStopping', { min: 0, optional: true });
    oneOf(e, 'mode', 'config.earlyStopping', ['min', 'max'] as const, true);
    if (e.monitor !== undefined && (typeof e.monitor !== 'string' || !/^(val[A-Z])?\w*$/.test(e.monitor))) fail('config.earlyStopping.monitor', "must be a metric name such as 'valLoss' or 'valAccuracy'", e.monitor);
    if (e.restoreBest !== undefined && typeof e.restoreBest !== 'boolean') fail('config.earlyStopping.restoreBest', 'must be true or false', e.restoreBest);
  }
  // Build optimiser and schedule once over a stand-in parameter, so their own checks (betas,
  // Nesterov, gamma, …) report before any data is loaded, under the config's field names.
  try {
    const opt = buildOptimizer(c.optimizer, [zeros([1], { requiresGrad: true })]);
    try {
      buildSchedule(c.schedule, opt, c.epochs);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`config.schedule: ${e.message}`);
      throw e;
    }
  } catch (e) {
    if (e instanceof ConfigError && !e.message.startsWith('config.')) throw new ConfigError(`config.optimizer: ${e.message}`);
    throw e;
  }
  return c;
}

/** Train and test data, plus the class names when the labels were text (CSV). */
export interface LoadedData {
  train: { x: Tensor; y: Tensor };
  test: { x: Tensor; y: Tensor } | null;
  /** Class names by label index, when known (text labels in a CSV, Fashion-MNIST). */
  classes?: string[];
  /** Feature statistics the inputs were standardised with (CSV), to apply again at prediction time. */
  standardizer?: data.StandardizerState;
}

/** Train and test data for a data config. */
export function loadData(d: DataConfig): LoadedData {
  switch (d.name) {
    case 'mnist': {
      const r = data.loadMnist({ train: d.train ?? 8000, test: d.test ?? 2000, flatten: true });
      return { train: r.train, test: r.test };
    }
    case 'fashion-mnist':
    case 'idx': {
      const dir = d.name === 'fashion-mnist' ? d.dir ?? data.FASHION_MNIST_DIR : d.dir;
      if (!existsSync(dir)) {
        throw new ConfigError(`config.data: no folder ${dir}${d.name === 'fashion-mnist' && !d.dir ? " (on Debian: apt-get install dataset-fashion-mnist; or set data.dir)" : ''}`);
      }
      const r = d.name === 'fashion-mnist' ? data.loadFashionMnist(dir) : data.loadMnistFolder(dir);
      const flat = (s: { x: Tensor; y: Tensor }, n?: number) => {
        const k = Math.min(n ?? s.x.shape[0], s.x.shape[0]);
        return { x: s.x.slice(0, k).reshape([k, -1]), y: s.y.slice(0, k) };
      };
      return { train: flat(r.train, d.train), test: flat(r.test, d.test), ...(d.name === 'fashion-mnist' ? { classes: [...data.FASHION_MNIST_CLASSES] } : {}) };
    }
    case 'and': case 'or': case 'xor': {
      const fn = d.name === 'and' ? data.andData : d.name === 'or' ? data.orData : data.xorData;
      const s = fn();
      return { train: s, test: null };
    }
    case 'spirals': case 'circles': case 'moons': {
      const fn = d.name === 'spirals' ? data.spirals : d.name === 'circles' ? data.circles : data.moons;
      const s = fn({ n: d.n, noise: d.noise });
      const split = data.trainTestSplit(s.x, s.y, { testFraction: d.testFraction ?? 0.2 });
      return { train: split.train, test: split.test };
    }
    case 'csv': {
      const c = data.loadCsv(d.path, { labelColumn: d.labelColumn ?? -1 });
      if (!c.y) throw new ConfigError(`config.data: ${d.path} has no label column`);
      // Class labels (text, or few whole numbers) are split stratified, so every class is in both parts.
      const isClasses = c.classes !== undefined || (c.y.data.every(Number.isInteger) && new Set(c.y.data).size <= Math.max(2, c.y.size / 5));
      const split = data.trainTestSplit(c.x, c.y, { testFraction: d.testFraction ?? 0.2, stratify: isClasses });
      if (d.standardize === false) return { train: split.train, test: split.test, classes: c.classes };
      // Features on very different scales train badly: standardise with the training part's statistics.
      const st = new data.Standardizer().fit(split.train.x);
      return {
        train: { x: st.transform(split.train.x), y: split.train.y },
        test: { x: st.transform(split.test.x), y: split.test.y },
        classes: c.classes,
        standardizer: st.toJSON(),
      };
    }
  }
}

/** Builds the model a config describes. */
export function buildModel(m: ModelConfig, inFeatures: number): Module {
  switch (m.type) {
    case 'mlp': {
      const c = m as Extract<ModelConfig, { type: 'mlp' }>;
      if (c.sizes[0] !== inFeatures) throw new ConfigError(`config.model.sizes: the input size ${c.sizes[0]} does not match the data's ${inFeatures} features`);
      return mlp(c.sizes, { activation: c.activation, outputActivation: c.outputActivation, dropout: c.dropout });
    }
    case 'logistic': return new LogisticRegression(inFeatures);
    case 'perceptron': return new Perceptron(inFeatures);
    default: return moduleFromConfig(m as ModuleConfig);
  }
}

/** Builds the optimiser a config describes over the model's parameters. */
export function buildOptimizer(o: OptimizerConfig, params: Tensor[]): OptimizerLike {
  const wd = o.weightDecay ?? 0;
  switch (o.type) {
    case 'sgd':
      if (o.lr === undefined) throw new ConfigError('config.optimizer.lr: SGD needs a learning rate, e.g. 0.1');
      return new SGD(params, { lr: o.lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false, weightDecay: wd });
    case 'adam': return new Adam(params, { lr: o.lr ?? 1e-3, weightDecay: wd, ...(o.betas ? { betas: o.betas } : {}) });
    case 'adamw': return new AdamW(params, { lr: o.lr ?? 1e-3, weightDecay: o.weightDecay ?? 0.01, ...(o.betas ? { betas: o.betas } : {}) });
    case 'rmsprop': return new RMSprop(params, { lr: o.lr ?? 1e-2, momentum: o.momentum ?? 0, weightDecay: wd });
  }
}

/** Builds the learning-rate schedule a config describes. */
export function buildSchedule(s: ScheduleConfig | null | undefined, optimizer: OptimizerLike, epochs: number): SchedulerLike | undefined {
  if (!s) return undefined;
  const opt = optimizer as SGD;
  switch (s.type) {
    case 'step': return new StepLR(opt, { stepSize: s.stepSize, gamma: s.gamma ?? 0.1 });
    case 'exponential': return new ExponentialLR(opt, { gamma: s.gamma });
    case 'inverseTime': return new InverseTimeLR(opt, { decay: s.decay });
    // Without tMax the cosine spans the whole run, however many epochs it has.
    case 'cosine': return new CosineAnnealingLR(opt, { tMax: s.tMax ?? epochs, etaMin: s.etaMin ?? 0 });
  }
}

/** The loss function named in a config. */
export { lossByName };
