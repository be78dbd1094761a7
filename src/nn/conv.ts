/**
 * Convolution layers: a bank of filters, each sliding over every input channel of its group,
 * one feature map per filter (the lecture's local connectivity + weight sharing). Parameters as
 * PyTorch names and lays them out: weight [O, C/groups, k…] and bias [O].
 */
import { ConfigError } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { random } from '../tensor/random.js';
import { conv1d, conv2d, type ConvPadding } from '../ops/conv.js';
import type { IntOrTuple } from '../ops/window.js';
import { initByName, type InitName } from './init.js';
import { Module, registerModuleType, intOpt, type ModuleConfig } from './module.js';
import { sizeTuple, sizeField, boolField, fmtTuple } from './window-config.js';

/** Options of Conv1d and Conv2d (sizes: one integer, or one per spatial axis). */
export interface ConvLayerOptions {
  /** Step between neighbouring windows (default 1). */
  stride?: IntOrTuple;
  /** Zeros around the input: an integer, one per axis, 'same' (stride 1 only) or 'valid' (default 0). */
  padding?: ConvPadding;
  /** Spacing between filter taps (default 1). */
  dilation?: IntOrTuple;
  /** Independent channel blocks; groups = inChannels is a depthwise convolution (default 1). */
  groups?: number;
  /** Add a bias per output channel (default true). */
  bias?: boolean;
  /** Weight initialiser (default PyTorch's: kaiming_uniform with a = √5, i.e. U(±1/√fanIn)). */
  init?: InitName;
}

/** The shared body of Conv1d and Conv2d over `dims` spatial axes. */
abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | 'same' | 'valid';
  readonly dilation: readonly number[];
  readonly groups: number;

  constructor(dims: 1 | 2, readonly inChannels: number, readonly outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions) {
    super();
    const name = dims === 1 ? 'Conv1d' : 'Conv2d';
    for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${name}: ${k} must be a whole number ≥ 1, got ${String(v)}`);
    }
    this.kernelSize = sizeTuple(name, 'kernelSize', kernelSize, dims, 1);
    this.stride = sizeTuple(name, 'stride', options.stride ?? 1, dims, 1);
    this.dilation = sizeTuple(name, 'dilation', options.dilation ?? 1, dims, 1);
    this.groups = sizeTuple(name, 'groups', options.groups ?? 1, 1, 1)[0];
    this.padding = checkPadding(name, options.padding ?? 0, dims, this.stride);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ConfigError(`${name}: groups=${this.groups} must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    const fanIn = (inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
    this.weight = this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, ...this.kernelSize]));
    initByName(this.weight, options.init ?? 'default');
    this.bias = options.bias ?? true ? this.registerParameter('bias', uniformBias(outChannels, fanIn, options.init ?? 'default')) : null;
  }

  /** The options the conv op takes. */
  protected opOptions() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }

  override toConfig(): ModuleConfig {
    return {
      type: this.constructor.name, inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: [...this.kernelSize],
      stride: [...this.stride], padding: typeof this.padding === 'string' ? this.padding : [...this.padding],
      dilation: [...this.dilation], groups: this.groups, bias: this.bias !== null,
    };
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${fmtTuple(this.kernelSize)}, stride=${fmtTuple(this.stride)}`];
    const padded = typeof this.padding === 'string' || this.padding.some((p) => p !== 0);
    if (padded) parts.push(`padding=${typeof this.padding === 'string' ? `'${this.padding}'` : fmtTuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${fmtTuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

/** The padding option checked: 'same' (stride 1 only), 'valid', or `dims` integers ≥ 0. */
function checkPadding(name: string, p: ConvPadding, dims: number, stride: readonly number[]): readonly number[] | 'same' | 'valid' {
  if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ConfigError(`${name}: padding 'same' needs stride 1, got stride ${fmtTuple(stride)}`);
    return p;
  }
  if (p === 'valid') return p;
  if (typeof p === 'string') throw new ConfigError(`${name}: padding must be an integer, a list of integers, 'same' or 'valid', got '${p}'`);
  return sizeTuple(name, 'padding', p, dims, 0);
}

/** PyTorch's conv bias: U(±1/√fanIn) (zeros for any other initialiser, as Linear). */
function uniformBias(n: number, fanIn: number, init: InitName): Tensor {
  const b = zeros([n]);
  if (init !== 'default') return b;
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < n; i++) b.data[i] = -bound + 2 * bound * random();
  return b;
}

/** 1-D convolution layer: x [N, inChannels, L] → [N, outChannels, L'], weight [O, C/groups, K]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
  override forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.opOptions());
  }
}

/** 2-D convolution layer: x [N, inChannels, H, W] → [N, outChannels, H', W'], weight [O, C/groups, kH, kW]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.opOptions());
  }
}

/** The constructor arguments stored in a Conv1d/Conv2d config. */
function convArgs(c: ModuleConfig): [number, number, IntOrTuple, ConvLayerOptions] {
  const padding = c.padding === 'same' || c.padding === 'valid' ? c.padding : sizeField(c, 'padding', 0);
  return [intOpt(c, 'inChannels'), intOpt(c, 'outChannels'), sizeField(c, 'kernelSize'), {
    stride: sizeField(c, 'stride', 1), padding, dilation: sizeField(c, 'dilation', 1), groups: intOpt(c, 'groups', 1), bias: boolField(c, 'bias', true),
  }];
}

registerModuleType('Conv1d', (c) => new Conv1d(...convArgs(c)));
registerModuleType('Conv2d', (c) => new Conv2d(...convArgs(c)));
