/**
 * Models of a training config besides the MLP family: named builders (`{"type": "lenet5"}`) from
 * one table, and `{"type": "sequential", "layers": [...]}` whose layers use the module config
 * format of moduleFromConfig (each built-in layer's toConfig() shape), so a layer is described
 * in one place. Errors name the layer by index and field: `config.model.layers[2].kernelSize: …`.
 */
import { ConfigError, BackpropError } from '../errors.js';
import { moduleFromConfig, type Module } from '../nn/module.js';
import { Sequential } from '../nn/layers.js';
import { lenet5, alexnet } from '../models/cnn.js';
import { SequenceClassifier, Seq2Seq, SequenceGenerator, type SequenceClassifierOptions, type Seq2SeqOptions, type SequenceGeneratorOptions } from '../models/seq.js';
import { CharRNN, CHAR_RNN_CELLS, type CharRNNOptions } from '../models/char-rnn.js';
import { CharVocab } from '../data/text.js';
import { checkInputShape } from '../nn/input-shape.js';
import { ACTIVATION_NAMES } from '../nn/activations.js';
import { noGrad } from '../autograd/graph.js';
import { zeros } from '../tensor/tensor.js';
import { isObj, fail, num, oneOf, checkKeys, type Obj } from './fields.js';

/** One named model builder: the config fields it takes, their check, and the build. */
interface BuilderEntry {
  readonly description: string;
  readonly keys: readonly string[];
  check(m: Obj, path: string): void;
  build(m: Obj): Module;
}

/** The named model builders (CNNs, the character language model) of `"model": {"type": NAME, ...}`. */
export const MODEL_BUILDERS: Record<string, BuilderEntry> = {
  lenet5: {
    description: 'LeNet-5: Conv(6,5×5,pad 2)-Pool-Conv(16,5×5)-Pool-FC 120-FC 84-FC numClasses',
    keys: ['numClasses', 'inputShape', 'activation'],
    check: (m, path) => {
      num(m, 'numClasses', path, { min: 1, int: true, optional: true });
      oneOf(m, 'activation', path, ACTIVATION_NAMES, true);
      if (m.inputShape !== undefined) checkInputShape(m.inputShape, `${path}.inputShape`);
    },
    build: (m) => lenet5(m as Parameters<typeof lenet5>[0]),
  },
  sequenceClassifier: {
    description: 'many-to-one: Embedding → RNN/LSTM/GRU → Linear on the final state (PAD tokens skipped)',
    keys: ['vocabSize', 'embeddingDim', 'hiddenSize', 'numClasses', 'cell', 'numLayers', 'bidirectional', 'dropout'],
    check: (m, path) => {
      checkRecurrentFields(m, path);
      num(m, 'vocabSize', path, { min: 4, max: 1_000_000, int: true });
      num(m, 'numClasses', path, { min: 1, max: 1_000_000, int: true });
      if (m.bidirectional !== undefined && typeof m.bidirectional !== 'boolean') fail(`${path}.bidirectional`, 'must be true or false', m.bidirectional);
    },
    build: (m) => new SequenceClassifier(m as unknown as SequenceClassifierOptions),
  },
  seq2seq: {
    description: 'encoder–decoder: the encoder\'s final state starts the decoder; teacher forcing in training, greedy decoding in use',
    keys: ['srcVocab', 'tgtVocab', 'embeddingDim', 'hiddenSize', 'cell', 'numLayers', 'dropout', 'feedContext', 'reverseSource', 'maxLen'],
    check: (m, path) => {
      checkRecurrentFields(m, path);
      num(m, 'srcVocab', path, { min: 4, max: 1_000_000, int: true });
      num(m, 'tgtVocab', path, { min: 4, max: 1_000_000, int: true, optional: true });
      num(m, 'maxLen', path, { min: 1, max: 10_000, int: true, optional: true });
      for (const k of ['feedContext', 'reverseSource']) if (m[k] !== undefined && typeof m[k] !== 'boolean') fail(`${path}.${k}`, 'must be true or false', m[k]);
    },
    build: (m) => new Seq2Seq(m as unknown as Seq2SeqOptions),
  },
  sequenceGenerator: {
    description: 'one-to-many: a vector (codeSize values) sets the decoder\'s first state h0 = tanh(W v + b) and/or goes in beside every input; teacher forcing in training, greedy decoding in use',
    keys: ['codeSize', 'vocabSize', 'embeddingDim', 'hiddenSize', 'cell', 'numLayers', 'dropout', 'condition', 'maxLen'],
    check: (m, path) => {
      checkRecurrentFields(m, path);
      num(m, 'codeSize', path, { min: 1, max: 1_000_000, int: true });
      num(m, 'vocabSize', path, { min: 4, max: 1_000_000, int: true });
      num(m, 'maxLen', path, { min: 1, max: 10_000, int: true, optional: true });
      oneOf(m, 'condition', path, ['state', 'input', 'both'] as const, true);
    },
    build: (m) => new SequenceGenerator(m as unknown as SequenceGeneratorOptions),
  },
  alexnet: {
    description: 'AlexNet for 227×227×3 inputs (5 conv, 3 FC layers)',
    keys: ['numClasses', 'dropout'],
    check: (m, path) => {
      num(m, 'numClasses', path, { min: 1, int: true, optional: true });
      const p = num(m, 'dropout', path, { min: 0, optional: true });
      if (p !== undefined && p >= 1) fail(`${path}.dropout`, 'must be below 1', p);
    },
    build: (m) => alexnet(m as Parameters<typeof alexnet>[0]),
  },
  charRnn: {
    description: 'character language model: Embedding → LSTM/GRU/RNN → Linear to the vocabulary (trains on text data)',
    keys: ['cell', 'embeddingDim', 'hiddenSize', 'numLayers', 'dropout'],
    check: (m, path) => {
      oneOf(m, 'cell', path, CHAR_RNN_CELLS, true);
      for (const k of ['embeddingDim', 'hiddenSize', 'numLayers']) num(m, k, path, { min: 1, max: 4096, int: true, optional: true });
      const p = num(m, 'dropout', path, { min: 0, optional: true });
      if (p !== undefined && p >= 1) fail(`${path}.dropout`, 'must be below 1', p);
    },
    // Its vocabulary comes from the text data: the language-model run builds it with buildCharRnn.
    build: () => {
      throw new ConfigError('a charRnn model is built from text data (data.name "text"), which gives its vocabulary');
    },
  },
};

/** The CharRNN of a checked `{"type": "charRnn", ...}` config over the text data's vocabulary; errors name `path`'s fields. */
export function buildCharRnn(m: Obj, vocab: CharVocab, path: string): CharRNN {
  try {
    return new CharRNN(vocab, { cell: m.cell, embeddingDim: m.embeddingDim, hiddenSize: m.hiddenSize, numLayers: m.numLayers, dropout: m.dropout } as CharRNNOptions);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${path}: ${e.message.replace(/^CharRNN: /, '')}`);
    throw e;
  }
}

/** True when `type` names a builder of MODEL_BUILDERS (own keys only). */
export function isBuilderName(type: unknown): type is string {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(MODEL_BUILDERS, type);
}

/** True for `"sequential"` (or the saved config's `"Sequential"`). */
export function isSequentialType(type: unknown): boolean {
  return type === 'sequential' || type === 'Sequential';
}

/** A layer's ConfigError restated under its path: `Conv2d: field 'kernelSize' must …` → `path.kernelSize: must …`. */
function layerError(e: unknown, path: string): never {
  if (!(e instanceof ConfigError)) throw e;
  const m = /^[\w.]+: field '(\w+)' (.*)$/s.exec(e.message);
  if (m) throw new ConfigError(`${path}.${m[1]}: ${m[2]}`);
  throw new ConfigError(`${path}: ${e.message.replace(/^moduleFromConfig: /, '')}`);
}

/** Builds one layer of a sequential config, refusing fields its toConfig() does not have. */
function buildLayer(raw: unknown, path: string): Module {
  if (!isObj(raw)) fail(path, 'must be an object like {"type": "ReLU"}', raw);
  if (typeof raw.type !== 'string') fail(`${path}.type`, 'must be a layer type such as "Conv2d"', raw.type);
  let layer: Module;
  try {
    layer = isSequentialType(raw.type) ? buildSequential(raw, path) : moduleFromConfig({ ...raw, type: raw.type });
  } catch (e) {
    if (e instanceof ConfigError && e.message.startsWith(`${path}`)) throw e;
    layerError(e, path);
  }
  const known = Object.keys(layer.toConfig());
  checkKeys(raw, path, [...new Set(['type', 'inputShape', ...known])]);
  return layer;
}

/** Builds `{"type": "sequential", "layers": [...]}` at `path` ('config.model'). */
export function buildSequential(m: Obj, path: string): Sequential {
  checkKeys(m, path, ['type', 'layers', 'inputShape']);
  if (!Array.isArray(m.layers) || m.layers.length === 0) fail(`${path}.layers`, 'must be a non-empty list of layers like {"type": "Conv2d", "inChannels": 1, "outChannels": 6, "kernelSize": 5}', m.layers);
  const layers = m.layers.map((l: unknown, i) => buildLayer(l, `${path}.layers[${i}]`));
  const net = new Sequential(...layers);
  if (m.inputShape !== undefined) net.inputShape = checkInputShape(m.inputShape, `${path}.inputShape`);
  return net;
}

/** Checks a named-builder or sequential model config without keeping the result. */
export function checkModelConfig(m: Obj, path: string): void {
  if (isBuilderName(m.type)) {
    const b = MODEL_BUILDERS[m.type];
    checkKeys(m, path, ['type', ...b.keys]);
    b.check(m, path);
    return;
  }
  buildSequential(m, path);
}

/** Builds a named-builder or sequential model config (checked by checkModelConfig). */
export function buildNamedModel(m: Obj, path: string): Module {
  if (isBuilderName(m.type)) {
    try {
      return MODEL_BUILDERS[m.type].build({ ...m });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${path}: ${e.message}`);
      throw e;
    }
  }
  return buildSequential(m, path);
}

/**
 * Runs one zero sample of `inputShape` through the layers of a Sequential one by one, so a
 * layer that does not fit what comes before it is named: `config.model.layers[5]: …`.
 */
export function checkLayerShapes(net: Module, inputShape: readonly number[], path: string): void {
  if (!(net instanceof Sequential)) return;
  noGrad(() => {
    let h = zeros([1, ...inputShape]);
    net.layers.forEach((layer, i) => {
      const before = h.shape;
      try {
        h = layer.eval().call(h);
      } catch (e) {
        if (!(e instanceof BackpropError)) throw e;
        throw new ConfigError(`${path}.layers[${i}] (${layer.constructor.name}): takes no input of shape [${before.join(', ')}] here: ${e.message}`);
      } finally {
        layer.train();
      }
    });
  });
}

/** Checks the fields every sequence model has: cell, sizes, layers, dropout. */
function checkRecurrentFields(m: Obj, path: string): void {
  oneOf(m, 'cell', path, ['rnn', 'lstm', 'gru'] as const, true);
  for (const k of ['embeddingDim', 'hiddenSize', 'numLayers']) num(m, k, path, { min: 1, max: 4096, int: true, optional: true });
  const p = num(m, 'dropout', path, { min: 0, optional: true });
  if (p !== undefined && p >= 1) fail(`${path}.dropout`, 'must be below 1', p);
}
