/** The basic layers: Linear, Sequential, activations, Softmax, Dropout, Flatten, Identity. */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, zeros as zerosT } from '../tensor/tensor.js';
import { random } from '../tensor/random.js';
import * as ops from '../ops/index.js';
import { initByName, type InitName, type Nonlinearity } from './init.js';
import { Module, moduleFromConfig, registerModuleType, intOpt, numOpt, type ModuleConfig } from './module.js';

/** Options of Linear. */
export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser (default PyTorch's: U(±1/√in)). */
  init?: InitName;
  /** Nonlinearity that follows, for the initialiser's gain (default 'relu'). */
  nonlinearity?: Nonlinearity;
}

/** Fully connected layer y = x Wᵀ + b, weight [out, in] and bias [out] as PyTorch stores them. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, readonly options: LinearOptions = {}) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`Linear: ${k} must be a whole number ≥ 1, got ${String(v)}`);
    }
    this.weight = this.registerParameter('weight', zerosT([outFeatures, inFeatures]));
    initByName(this.weight, options.init ?? 'default', options.nonlinearity ?? 'relu');
    if (options.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      const b = zerosT([outFeatures]);
      if ((options.init ?? 'default') === 'default') for (let i = 0; i < outFeatures; i++) b.data[i] = -bound + 2 * bound * random();
      this.bias = this.registerParameter('bias', b);
    } else this.bias = null;
  }
  override forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      const flat = x.ndim > 2 && x.shape.slice(1).reduce((a, b) => a * b, 1) === this.inFeatures;
      throw new ShapeError(`Linear(${this.inFeatures}→${this.outFeatures}): input of shape ${fmtShape(x.shape)} should end in ${this.inFeatures} features${flat ? ' (flatten it first: a Flatten layer, or loadMnist({ flatten: true }))' : ''}`);
    }
    return ops.linear(x, this.weight, this.bias);
  }
  override toConfig(): ModuleConfig {
    return { type: 'Linear', inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Layers applied one after another; children are named '0', '1', … as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  override forward(x: Tensor): Tensor {
    let h = x;
    for (const m of this.layers) h = m.call(h);
    return h;
  }
  override toConfig(): ModuleConfig {
    return { type: 'Sequential', layers: this.layers.map((m) => m.toConfig()) };
  }
}

/** A module for a function of one tensor with no parameters. */
abstract class Elementwise extends Module {
  override toConfig(): ModuleConfig {
    return { type: this.constructor.name };
  }
}

/** σ(z) as a layer. */
export class Sigmoid extends Elementwise {
  override forward(x: Tensor): Tensor { return ops.sigmoid(x); }
}
/** tanh(z) as a layer. */
export class Tanh extends Elementwise {
  override forward(x: Tensor): Tensor { return ops.tanh(x); }
}
/** max(0, z) as a layer. */
export class ReLU extends Elementwise {
  override forward(x: Tensor): Tensor { return ops.relu(x); }
}
/** softplus(z) = log(1+e^z) as a layer. */
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  override forward(x: Tensor): Tensor { return ops.softplus(x, { beta: this.beta, threshold: this.threshold }); }
  override toConfig(): ModuleConfig { return { type: 'Softplus', beta: this.beta, threshold: this.threshold }; }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
/** The identity map as a layer. */
export class Identity extends Elementwise {
  override forward(x: Tensor): Tensor { return x; }
}
/** Leaky ReLU max(slope·z, z) as a layer. */
export class LeakyReLU extends Module {
  constructor(readonly slope = 0.01) { super(); }
  override forward(x: Tensor): Tensor { return ops.leakyRelu(x, this.slope); }
  override toConfig(): ModuleConfig { return { type: 'LeakyReLU', slope: this.slope }; }
  override extraRepr(): string { return `slope=${this.slope}`; }
}
/** ELU as a layer. */
export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  override forward(x: Tensor): Tensor { return ops.elu(x, this.alpha); }
  override toConfig(): ModuleConfig { return { type: 'ELU', alpha: this.alpha }; }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}
/** Threshold unit (high where z ≥ threshold, else low) as a layer; not differentiable. */
export class Step extends Module {
  constructor(readonly threshold = 0, readonly low = 0, readonly high = 1) { super(); }
  override forward(x: Tensor): Tensor { return ops.step(x, { threshold: this.threshold, low: this.low, high: this.high }); }
  override toConfig(): ModuleConfig { return { type: 'Step', threshold: this.threshold, low: this.low, high: this.high }; }
  override extraRepr(): string { return `threshold=${this.threshold}, low=${this.low}, high=${this.high}`; }
}
/** sign(z) ∈ {−1, 0, 1} as a layer; not differentiable. */
export class Sign extends Elementwise {
  override forward(x: Tensor): Tensor { return ops.sign(x); }
}
/** Softmax over an axis (default the last) as a layer. */
export class Softmax extends Module {
  constructor(readonly axis = -1) { super(); }
  override forward(x: Tensor): Tensor { return ops.softmax(x, this.axis); }
  override toConfig(): ModuleConfig { return { type: 'Softmax', axis: this.axis }; }
  override extraRepr(): string { return `axis=${this.axis}`; }
}
/** Log-softmax over an axis (default the last) as a layer. */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) { super(); }
  override forward(x: Tensor): Tensor { return ops.logSoftmax(x, this.axis); }
  override toConfig(): ModuleConfig { return { type: 'LogSoftmax', axis: this.axis }; }
  override extraRepr(): string { return `axis=${this.axis}`; }
}
/** Flattens axes start…end (default: all after the batch axis). */
export class Flatten extends Module {
  constructor(readonly start = 1, readonly end = -1) { super(); }
  override forward(x: Tensor): Tensor { return ops.flatten(x, this.start, this.end); }
  override toConfig(): ModuleConfig { return { type: 'Flatten', start: this.start, end: this.end }; }
}

/**
 * Dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1−p) (inverted dropout), so evaluation needs no rescaling; the identity in eval mode.
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ConfigError(`Dropout: p must be in [0, 1), got ${p}`);
  }
  override forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = random() < keep ? 1 / keep : 0;
    return ops.mul(x, new Tensor(x.data instanceof Float64Array ? Float64Array.from(mask) : mask, x.shape));
  }
  override toConfig(): ModuleConfig { return { type: 'Dropout', p: this.p }; }
  override extraRepr(): string { return `p=${this.p}`; }
}

registerModuleType('Linear', (c) => new Linear(intOpt(c, 'inFeatures'), intOpt(c, 'outFeatures'), { bias: c.bias !== false }));
registerModuleType('Sequential', (c) => {
  if (!Array.isArray(c.layers)) throw new ConfigError(`Sequential: field 'layers' must be a list of layer configs`);
  return new Sequential(...c.layers.map((l) => moduleFromConfig(l as ModuleConfig)));
});
registerModuleType('Sigmoid', () => new Sigmoid());
registerModuleType('Tanh', () => new Tanh());
registerModuleType('ReLU', () => new ReLU());
registerModuleType('Softplus', (c) => new Softplus(numOpt(c, 'beta', 1), numOpt(c, 'threshold', 20)));
registerModuleType('Identity', () => new Identity());
registerModuleType('Sign', () => new Sign());
registerModuleType('LeakyReLU', (c) => new LeakyReLU(numOpt(c, 'slope', 0.01)));
registerModuleType('ELU', (c) => new ELU(numOpt(c, 'alpha', 1)));
registerModuleType('Step', (c) => new Step(numOpt(c, 'threshold', 0), numOpt(c, 'low', 0), numOpt(c, 'high', 1)));
registerModuleType('Softmax', (c) => new Softmax(numOpt(c, 'axis', -1)));
registerModuleType('LogSoftmax', (c) => new LogSoftmax(numOpt(c, 'axis', -1)));
registerModuleType('Flatten', (c) => new Flatten(numOpt(c, 'start', 1), numOpt(c, 'end', -1)));
registerModuleType('Dropout', (c) => new Dropout(numOpt(c, 'p', 0.5)));
