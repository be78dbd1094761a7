/**
 * The training configuration of `backprop train`: presets, validation with errors that name
 * the bad field (`config.optimizer.lr: …`), and building model, optimiser, schedule and data.
 */
import { MAX_SEED } from '../tensor/random.js';
import { ConfigError } from '../errors.js';
import { zeros } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module, ModuleConfig } from '../nn/module.js';
import { moduleFromConfig } from '../nn/module.js';
import { Sequential, Linear } from '../nn/layers.js';
import { mlp, Perceptron, LogisticRegression } from '../models/index.js';
import { ACTIVATION_NAMES, type ActivationName } from '../nn/activations.js';
import { checkInputShape, inputSize } from '../nn/input-shape.js';
import { modelInputShape } from './input-shape.js';
import { lossByName, LOSS_NAMES, type LossName } from '../losses/index.js';
import { SGD, Adam, AdamW, RMSprop, StepLR, ExponentialLR, InverseTimeLR, CosineAnnealingLR } from '../optim/index.js';
import type { OptimizerLike, SchedulerLike } from '../train/fit.js';
import type { MetricName } from '../train/metrics.js';
import { isObj, fail, num, oneOf, checkKeys, type Obj } from './fields.js';
import { checkDataConfig, type DataConfig } from './datasets.js';
import type { CharRNNCell } from '../models/char-rnn.js';
import { isBuilderName, isSequentialType, checkModelConfig, buildNamedModel, checkLayerShapes } from './models.js';

export { loadData, type DataConfig, type LoadedData } from './datasets.js';

/** The model: a builder by name or any saved module config. */
export type ModelConfig =
  | { type: 'mlp'; sizes: number[]; activation?: ActivationName; outputActivation?: ActivationName; dropout?: number; inputShape?: number[] }
  | { type: 'logistic'; inputShape?: number[] }
  | { type: 'perceptron'; maxEpochs?: number }
  | { type: 'lenet5'; numClasses?: number; inputShape?: number[]; activation?: ActivationName }
  | { type: 'alexnet'; numClasses?: number; dropout?: number }
  | { type: 'charRnn'; cell?: CharRNNCell; embeddingDim?: number; hiddenSize?: number; numLayers?: number; dropout?: number }
  | { type: 'sequential'; layers: ModuleConfig[]; inputShape?: number[] }
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

/** The samples a language model prints after each epoch of training (text data only). */
export interface SampleConfig {
  /** Characters per sample (default 200). */
  length?: number;
  /** One sample at each temperature (default [0.5, 1]). */
  temperatures?: number[];
  /** The text each sample continues (default ''). */
  prime?: string;
}

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
  /** Samples printed after each epoch by a language model (text data). */
  sample?: SampleConfig;
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
  // The sequence modes (PAD-padded tokens; vocabSize/srcVocab count PAD, START and END too).
  parity: {
    name: 'parity',
    data: { name: 'parity', train: 2000, test: 500 },
    model: { type: 'sequenceClassifier', vocabSize: 5, embeddingDim: 8, hiddenSize: 32, numClasses: 2, cell: 'gru' },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 16,
    epochs: 4,
    metrics: ['accuracy'],
    seed: 0,
  },
  reverse: {
    name: 'reverse',
    data: { name: 'reverse', train: 6000, test: 500 },
    model: { type: 'seq2seq', srcVocab: 14, embeddingDim: 32, hiddenSize: 64, cell: 'lstm' },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 32,
    epochs: 3,
    metrics: ['accuracy'],
    clipGradNorm: 1,
    seed: 0,
  },
  addition: {
    name: 'addition',
    data: { name: 'addition', train: 6000, test: 500, digits: 2 },
    model: { type: 'seq2seq', srcVocab: 14, embeddingDim: 32, hiddenSize: 128, cell: 'lstm', reverseSource: true },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 32,
    epochs: 10,
    metrics: ['accuracy'],
    clipGradNorm: 1,
    seed: 0,
  },
  // One-to-many: 900 numbers' words learned from their one-hot digits; 100 held out (as examples/seq-generate.ts).
  'number-words': {
    name: 'number-words',
    data: { name: 'number-words', test: 100 },
    model: { type: 'sequenceGenerator', codeSize: 30, vocabSize: 30, embeddingDim: 16, hiddenSize: 64, cell: 'gru', condition: 'both' },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.01 },
    batchSize: 32,
    epochs: 8,
    metrics: ['accuracy'],
    clipGradNorm: 1,
    seed: 0,
  },
  'mnist-lenet': {
    ...mnistMlp,
    name: 'mnist-lenet',
    model: { type: 'lenet5' },
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    schedule: { type: 'cosine' },
    batchSize: 32,
    epochs: 8,
  },
  'fashion-lenet': {
    ...mnistMlp,
    name: 'fashion-lenet',
    data: { name: 'fashion-mnist' },
    model: { type: 'lenet5' },
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    schedule: { type: 'cosine' },
    batchSize: 64,
    epochs: 6,
  },
  'char-rnn': {
    name: 'char-rnn',
    data: { name: 'text', seqLen: 64 },
    model: { type: 'charRnn', cell: 'lstm', embeddingDim: 32, hiddenSize: 128 },
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.02 },
    schedule: { type: 'cosine' },
    batchSize: 32,
    epochs: 8,
    metrics: [],
    clipGradNorm: 5,
    sample: { length: 200, temperatures: [0.5, 1] },
    seed: 0,
  },
};


/**
 * Checks a parsed JSON config. Fields left out come from `base`: by default the char-rnn preset
 * for text data, the mnist-mlp preset for any other.
 */
export function validateConfig(raw: unknown, base?: TrainConfig, defaultName = 'custom'): TrainConfig {
  if (!isObj(raw)) fail('config', 'must be a JSON object', raw);
  checkKeys(raw, 'config', ['name', 'data', 'model', 'loss', 'optimizer', 'schedule', 'batchSize', 'epochs', 'validationSplit', 'stop', 'earlyStopping', 'metrics', 'l2', 'clipGradNorm', 'sample', 'seed']);
  base ??= isObj(raw.data) && raw.data.name === 'text' ? PRESETS['char-rnn'] : PRESETS['mnist-mlp'];
  const c: TrainConfig = { ...base, ...(raw as Partial<TrainConfig>), name: typeof raw.name === 'string' ? raw.name : defaultName };
  // data
  if (!isObj(c.data)) fail('config.data', 'must be an object like {"name": "mnist"}', c.data);
  c.data = checkDataConfig(c.data, 'config.data');
  // model
  if (!isObj(c.model)) fail('config.model', 'must be an object like {"type": "mlp", "sizes": [784, 128, 10]}', c.model);
  const m = c.model as Obj;
  if (typeof m.type !== 'string') fail('config.model.type', 'must be a string', m.type);
  if (isBuilderName(m.type) || isSequentialType(m.type)) checkModelConfig(m, 'config.model');
  if (m.type === 'mlp') checkKeys(m, 'config.model', ['type', 'sizes', 'activation', 'outputActivation', 'dropout', 'inputShape']);
  if (m.type === 'logistic') checkKeys(m, 'config.model', ['type', 'inputShape']);
  if ((m.type === 'mlp' || m.type === 'logistic') && m.inputShape !== undefined) checkInputShape(m.inputShape, 'config.model.inputShape');
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
  checkLanguageModel(c, m);
  // loss, optimizer, schedule
  if (typeof c.loss !== 'string' || !LOSS_NAMES.includes(c.loss)) fail('config.loss', `must be one of ${LOSS_NAMES.join(', ')}`, c.loss);
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
  num(t, 'seed', 'config', { int: true, min: 0, max: MAX_SEED });
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

/**
 * Text data and the charRnn model go together, with the cross-entropy of each next character
 * as the loss and its own held-out scoring instead of metrics, validation and early stopping.
 */
function checkLanguageModel(c: TrainConfig, m: Obj): void {
  const text = c.data.name === 'text';
  if (text && m.type !== 'charRnn') fail('config.model.type', 'text data trains a character language model: use {"type": "charRnn"}', m.type);
  if (!text && m.type === 'charRnn') fail('config.data.name', 'a charRnn model learns from text data: use {"name": "text"}', c.data.name);
  if (!text) {
    if (c.sample !== undefined) fail('config.sample', 'is for a language model on text data (data.name "text")', c.sample);
    return;
  }
  if (c.loss !== 'crossEntropy') fail('config.loss', "a language model's loss is the cross-entropy of each next character: must be 'crossEntropy'", c.loss);
  if (!Array.isArray(c.metrics) || c.metrics.length > 0) fail('config.metrics', 'a language model reports its loss in nats per character: must be []', c.metrics);
  if (c.validationSplit) fail('config.validationSplit', "is not used with text data: the text's held-out tail (data.testFraction) is scored after each epoch", c.validationSplit);
  if (c.earlyStopping !== undefined) fail('config.earlyStopping', 'is not supported for a language model (set epochs instead)', c.earlyStopping);
  if (c.sample !== undefined) {
    if (!isObj(c.sample)) fail('config.sample', 'must be an object like {"length": 200, "temperatures": [0.5, 1], "prime": "The "}', c.sample);
    const s = c.sample as Obj;
    checkKeys(s, 'config.sample', ['length', 'temperatures', 'prime']);
    num(s, 'length', 'config.sample', { min: 1, max: 100000, int: true, optional: true });
    if (s.temperatures !== undefined && (!Array.isArray(s.temperatures) || s.temperatures.length === 0 || !s.temperatures.every((t) => typeof t === 'number' && Number.isFinite(t) && t >= 0))) {
      fail('config.sample.temperatures', 'must be a non-empty list of numbers ≥ 0 (0 takes the likeliest character)', s.temperatures);
    }
    if (s.prime !== undefined && typeof s.prime !== 'string') fail('config.sample.prime', 'must be a string', s.prime);
  }
}

/**
 * Builds the model a config describes, for data of one sample's shape `dataShape` ([1, 28, 28]
 * for MNIST, [F] for a CSV). The model records the shape it takes (config.model.inputShape, or
 * the data's), and the CLI reshapes data to `[N, ...model.inputShape]` before it goes in.
 */
export function buildModel(m: ModelConfig, dataShape: readonly number[]): Module {
  const values = inputSize(dataShape);
  const wanted = (c: { inputShape?: number[] }) => {
    const shape = c.inputShape ?? [...dataShape];
    if (inputSize(shape) !== values) throw new ConfigError(`config.model.inputShape: [${shape.join(', ')}] has ${inputSize(shape)} values per sample, but the data has ${values} (shape [${dataShape.join(', ')}])`);
    return shape;
  };
  switch (m.type) {
    case 'mlp': {
      const c = m as Extract<ModelConfig, { type: 'mlp' }>;
      if (c.sizes[0] !== values) throw new ConfigError(`config.model.sizes: the input size ${c.sizes[0]} does not match the data's ${values} features`);
      return mlp(c.sizes, { activation: c.activation, outputActivation: c.outputActivation, dropout: c.dropout, inputShape: wanted(c) });
    }
    case 'logistic': return new LogisticRegression(values, { inputShape: wanted(m as Extract<ModelConfig, { type: 'logistic' }>) });
    case 'perceptron': return new Perceptron(values);
    case 'charRnn': throw new ConfigError('config.model: a charRnn model takes its vocabulary from text data (data.name "text"), which trains it as a language model');
    case 'lenet5': case 'alexnet': case 'sequential': case 'Sequential': {
      const model = buildNamedModel(m as Obj, 'config.model');
      // Without an inputShape, a net that starts with a Linear takes flat rows; any other, the data's shape.
      const first = model instanceof Sequential ? model.layers[0] : undefined;
      const implied = model.inputShape ?? (first instanceof Linear ? [first.inFeatures] : undefined);
      model.inputShape = wanted({ inputShape: implied ? [...implied] : undefined });
      checkLayerShapes(model, model.inputShape, 'config.model');
      return model;
    }
    default: {
      if (isBuilderName(m.type)) {
        // A builder without a case of its own (the sequence models) takes the data's shape: [T] tokens.
        const built = buildNamedModel(m as Obj, 'config.model');
        built.inputShape ??= [...dataShape];
        return built;
      }
      const model = moduleFromConfig(m as ModuleConfig);
      // A saved architecture without an inputShape takes what its first Linear implies, else the data's shape.
      if (!model.inputShape) model.inputShape = modelInputShape(model)?.shape ?? dataShape;
      return model;
    }
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
