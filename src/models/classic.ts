/**
 * The lectures' classic models: the McCulloch–Pitts threshold unit, Rosenblatt's perceptron
 * trained by the perceptron rule (not gradient descent), logistic regression, and the
 * multi-layer perceptron builder.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { randperm } from '../tensor/random.js';
import * as ops from '../ops/index.js';
import { Module, registerModuleType, intOpt, type ModuleConfig } from '../nn/module.js';
import { Linear, Sequential, Dropout, Flatten } from '../nn/layers.js';
import { checkInputShape, inputSize, type InputShape } from '../nn/input-shape.js';
import { activationEntry, activationLayer, type ActivationName } from '../nn/activations.js';
import type { InitName } from '../nn/init.js';

/** McCulloch–Pitts neuron: y = 1 if w·x + b ≥ 0 else −1, with fixed (not learned) weights. */
export class McCullochPitts extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(weights: readonly number[], bias: number) {
    super();
    this.weight = new Tensor(Float32Array.from(weights), [weights.length]);
    this.bias = new Tensor(Float32Array.of(bias), []);
    this.registerBuffer('weight', this.weight);
    this.registerBuffer('bias', this.bias);
    if (weights.length > 0) this.inputShape = [weights.length];
  }
  override forward(x: Tensor): Tensor {
    const z = ops.add(ops.reshape(ops.matmul(x, ops.reshape(this.weight, [-1, 1])), [-1]), this.bias);
    return ops.step(z, { low: -1, high: 1 });
  }
  override toConfig(): ModuleConfig {
    return { type: 'McCullochPitts', weights: Array.from(this.weight.data), bias: this.bias.data[0] };
  }
}

/** Result of Perceptron.fit. */
export interface PerceptronResult {
  /** True when an epoch made no mistake. */
  converged: boolean;
  /** Epochs run. */
  epochs: number;
  /** Mistakes (= weight updates) in each epoch. */
  mistakes: number[];
}

/**
 * Rosenblatt's perceptron. Labels are ±1 and the bias is folded into w as the weight of a
 * constant input 1. Trained online by the perceptron rule: on a mistake, w ← w + y_n x_n
 * (no learning rate). Converges on linearly separable data; cannot learn XOR.
 */
export class Perceptron extends Module {
  /** [inFeatures + 1]: the last entry is the bias. */
  readonly weight: Tensor;
  constructor(readonly inFeatures: number) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures < 1) throw new ConfigError(`Perceptron: inFeatures must be a whole number ≥ 1, got ${inFeatures}`);
    this.weight = zeros([inFeatures + 1]);
    this.registerBuffer('weight', this.weight);
    this.inputShape = [inFeatures];
  }

  /** Sign of w·[x, 1] for each row of x: ±1. */
  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    const n = x.shape[0];
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.score(x.data, i) >= 0 ? 1 : -1;
    return new Tensor(out, [n]);
  }

  /** Applies the perceptron rule to one sample; returns whether it was a mistake. */
  update(x: ArrayLike<number>, y: number): boolean {
    if (y !== 1 && y !== -1) throw new ValueError(`Perceptron: labels must be +1 or −1, got ${y}`);
    const w = this.weight.data;
    const d = this.inFeatures;
    let s = w[d];
    for (let j = 0; j < d; j++) s += w[j] * x[j];
    if ((s >= 0 ? 1 : -1) === y) return false;
    for (let j = 0; j < d; j++) w[j] += y * x[j];
    w[d] += y;
    return true;
  }

  /** Online training: epochs over the data (shuffled from the seed if asked) until an epoch makes no mistake. */
  fit(x: Tensor, y: Tensor, options: { maxEpochs?: number; shuffle?: boolean } = {}): PerceptronResult {
    this.checkInput(x);
    const n = x.shape[0];
    if (y.size !== n) throw new ShapeError(`Perceptron.fit: ${n} samples but ${y.size} labels (shape ${fmtShape(y.shape)})`);
    const maxEpochs = options.maxEpochs ?? 100;
    const mistakes: number[] = [];
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      const order = options.shuffle ? randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
      let m = 0;
      for (const i of order) if (this.update(x.data.subarray(i * this.inFeatures, (i + 1) * this.inFeatures), y.data[i])) m++;
      mistakes.push(m);
      if (m === 0) return { converged: true, epochs: epoch + 1, mistakes };
    }
    return { converged: false, epochs: maxEpochs, mistakes };
  }

  private score(data: ArrayLike<number>, row: number): number {
    const w = this.weight.data;
    const d = this.inFeatures;
    let s = w[d];
    for (let j = 0; j < d; j++) s += w[j] * data[row * d + j];
    return s;
  }

  private checkInput(x: Tensor): void {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(`Perceptron: input must be [N, ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    }
  }

  override toConfig(): ModuleConfig {
    return { type: 'Perceptron', inFeatures: this.inFeatures };
  }
}

/** Options of LogisticRegression. */
export interface LogisticOptions {
  /** One sample's shape, e.g. [1, 28, 28] (default [inFeatures]); with several axes a Flatten comes first. */
  inputShape?: InputShape;
}

/** The input shape of a builder: [inFeatures] by default, else checked to hold inFeatures values. */
function builderInputShape(what: string, inFeatures: number, shape: InputShape | undefined): number[] {
  if (shape === undefined) return [inFeatures];
  const s = checkInputShape(shape, `${what}: inputShape`);
  if (inputSize(s) !== inFeatures) {
    throw new ConfigError(`${what}: inputShape [${s.join(', ')}] has ${inputSize(s)} values per sample, but the first layer takes ${inFeatures}`);
  }
  return s;
}

/** Logistic regression: one sigmoid neuron, output P(y = 1 | x). */
export class LogisticRegression extends Module {
  readonly flatten: Flatten | null;
  readonly linear: Linear;
  constructor(readonly inFeatures: number, options: LogisticOptions = {}) {
    super();
    const shape = builderInputShape('LogisticRegression', inFeatures, options.inputShape);
    this.flatten = shape.length > 1 ? this.registerModule('flatten', new Flatten()) : null;
    this.linear = this.registerModule('linear', new Linear(inFeatures, 1));
    this.inputShape = shape;
  }
  /** P(y = 1 | x) as [N, 1]. */
  override forward(x: Tensor): Tensor {
    return ops.sigmoid(this.linear.call(this.flatten ? this.flatten.call(x) : x));
  }
  override toConfig(): ModuleConfig {
    return { type: 'LogisticRegression', inFeatures: this.inFeatures, inputShape: [...(this.inputShape ?? [this.inFeatures])] };
  }
}

/** Options of mlp(). */
export interface MlpOptions {
  /** Hidden-layer activation (default 'relu'). */
  activation?: ActivationName;
  /** Output activation (default 'identity': raw scores/logits, for use with a *WithLogits or crossEntropy loss). */
  outputActivation?: ActivationName;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** Weight initialiser (default PyTorch's). */
  init?: InitName;
  /**
   * One sample's shape, e.g. [1, 28, 28] for MNIST images (default [sizes[0]]). With more than one
   * axis the network starts with a Flatten; either way it must hold sizes[0] values.
   */
  inputShape?: InputShape;
}

/**
 * A multi-layer perceptron: `mlp([2, 8, 1], {activation: 'tanh', outputActivation: 'sigmoid'})`
 * gives Linear(2→8), Tanh, Linear(8→1), Sigmoid. sizes[0] is the input layer, the last the output.
 * `mlp([784, 128, 10], { inputShape: [1, 28, 28] })` starts with a Flatten and takes images.
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2) throw new ConfigError(`mlp: sizes needs at least an input and an output size, got [${String(sizes)}]`);
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1) throw new ConfigError(`mlp: layer size ${i} must be a whole number ≥ 1, got ${s}`);
  });
  const act = options.activation ?? 'relu';
  const nonlinearity = activationEntry(act).gain; // validates both names up front
  activationEntry(options.outputActivation ?? 'identity');
  const inputShape = builderInputShape('mlp', sizes[0], options.inputShape);
  const layers: Module[] = inputShape.length > 1 ? [new Flatten()] : [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { init: options.init, nonlinearity }));
    const last = i + 2 === sizes.length;
    if (!last) {
      layers.push(activationLayer(act));
      if (options.dropout) layers.push(new Dropout(options.dropout));
    } else if ((options.outputActivation ?? 'identity') !== 'identity') {
      layers.push(activationLayer(options.outputActivation ?? 'identity'));
    }
  }
  const net = new Sequential(...layers);
  net.inputShape = inputShape;
  return net;
}

registerModuleType('Perceptron', (c) => new Perceptron(intOpt(c, 'inFeatures')));
registerModuleType('LogisticRegression', (c) => new LogisticRegression(intOpt(c, 'inFeatures'), c.inputShape === undefined ? {} : { inputShape: checkInputShape(c.inputShape, "LogisticRegression: field 'inputShape'") }));
registerModuleType('McCullochPitts', (c) => {
  if (!Array.isArray(c.weights) || !c.weights.every((w) => typeof w === 'number')) throw new ConfigError(`McCullochPitts: field 'weights' must be a list of numbers`);
  if (typeof c.bias !== 'number') throw new ConfigError(`McCullochPitts: field 'bias' must be a number`);
  return new McCullochPitts(c.weights as number[], c.bias);
});
