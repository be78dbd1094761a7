/**
 * Pooling layers: each output summarises a window of one channel, by its maximum or its mean;
 * no parameters. Defaults as PyTorch: stride = kernel size, padding 0, countIncludePad true.
 */
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d, globalAvgPool } from '../ops/pool.js';
import type { IntOrTuple } from '../ops/window.js';
import { Module, registerModuleType, type ModuleConfig } from './module.js';
import { sizeTuple, sizeField, boolField, fmtTuple } from './window-config.js';

/** Options of the max-pooling layers. */
export interface MaxPoolLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrTuple | null;
  /** Padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: IntOrTuple;
  /** Round the output size up, keeping a last partial window (default false). */
  ceilMode?: boolean;
}

/** Options of the average-pooling layers. */
export interface AvgPoolLayerOptions extends MaxPoolLayerOptions {
  /** Whether padded zeros count in the divisor (default true). */
  countIncludePad?: boolean;
}

/** The shared body of the max and average pooling layers over `dims` spatial axes. */
abstract class PoolNd extends Module {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly ceilMode: boolean;
  constructor(dims: 1 | 2, kernelSize: IntOrTuple, options: MaxPoolLayerOptions) {
    super();
    const name = this.constructor.name;
    this.kernelSize = sizeTuple(name, 'kernelSize', kernelSize, dims, 1);
    this.stride = options.stride === undefined || options.stride === null ? this.kernelSize : sizeTuple(name, 'stride', options.stride, dims, 1);
    this.padding = sizeTuple(name, 'padding', options.padding ?? 0, dims, 0);
    this.padding.forEach((p, i) => {
      if (2 * p > this.kernelSize[i]) throw new ConfigError(`${name}: padding ${fmtTuple(this.padding)} must be at most half the kernel size ${fmtTuple(this.kernelSize)}`);
    });
    this.ceilMode = options.ceilMode ?? false;
    if (typeof this.ceilMode !== 'boolean') throw new ConfigError(`${name}: ceilMode must be true or false, got ${String(this.ceilMode)}`);
  }
  protected opOptions() {
    return { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode };
  }
  override toConfig(): ModuleConfig {
    return { type: this.constructor.name, kernelSize: [...this.kernelSize], stride: [...this.stride], padding: [...this.padding], ceilMode: this.ceilMode };
  }
  override extraRepr(): string {
    return `kernelSize=${fmtTuple(this.kernelSize)}, stride=${fmtTuple(this.stride)}, padding=${fmtTuple(this.padding)}, ceilMode=${this.ceilMode}`;
  }
}

/** 1-D max pooling layer: x [N, C, L] → [N, C, L']. */
export class MaxPool1d extends PoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxPoolLayerOptions = {}) { super(1, kernelSize, options); }
  override forward(x: Tensor): Tensor { return maxPool1d(x, this.kernelSize, this.opOptions()); }
}

/** 2-D max pooling layer: x [N, C, H, W] → [N, C, H', W']. */
export class MaxPool2d extends PoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxPoolLayerOptions = {}) { super(2, kernelSize, options); }
  override forward(x: Tensor): Tensor { return maxPool2d(x, this.kernelSize, this.opOptions()); }
}

/** The shared body of the average-pooling layers. */
abstract class AvgPoolNd extends PoolNd {
  readonly countIncludePad: boolean;
  constructor(dims: 1 | 2, kernelSize: IntOrTuple, options: AvgPoolLayerOptions) {
    super(dims, kernelSize, options);
    this.countIncludePad = options.countIncludePad ?? true;
    if (typeof this.countIncludePad !== 'boolean') throw new ConfigError(`${this.constructor.name}: countIncludePad must be true or false, got ${String(this.countIncludePad)}`);
  }
  protected override opOptions() {
    return { ...super.opOptions(), countIncludePad: this.countIncludePad };
  }
  override toConfig(): ModuleConfig {
    return { ...super.toConfig(), countIncludePad: this.countIncludePad };
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, countIncludePad=${this.countIncludePad}`;
  }
}

/** 1-D average pooling layer: x [N, C, L] → [N, C, L']. */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolLayerOptions = {}) { super(1, kernelSize, options); }
  override forward(x: Tensor): Tensor { return avgPool1d(x, this.kernelSize, this.opOptions()); }
}

/** 2-D average pooling layer: x [N, C, H, W] → [N, C, H', W']. */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolLayerOptions = {}) { super(2, kernelSize, options); }
  override forward(x: Tensor): Tensor { return avgPool2d(x, this.kernelSize, this.opOptions()); }
}

/** Average pooling to a fixed output size whatever the input's: x [N, C, H, W] → [N, C, oh, ow]. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: readonly number[];
  constructor(outputSize: IntOrTuple) {
    super();
    this.outputSize = sizeTuple('AdaptiveAvgPool2d', 'outputSize', outputSize, 2, 1);
  }
  override forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
  override toConfig(): ModuleConfig { return { type: 'AdaptiveAvgPool2d', outputSize: [...this.outputSize] }; }
  override extraRepr(): string { return `outputSize=${fmtTuple(this.outputSize)}`; }
}

/** Mean of each channel over all its positions: x [N, C, …spatial] → [N, C, 1, …]. */
export class GlobalAvgPool extends Module {
  override forward(x: Tensor): Tensor { return globalAvgPool(x); }
  override toConfig(): ModuleConfig { return { type: 'GlobalAvgPool' }; }
}

/** The options stored in a pooling layer's config. */
function poolOptions(c: ModuleConfig): AvgPoolLayerOptions {
  return {
    stride: c.stride === null || c.stride === undefined ? null : sizeField(c, 'stride'), padding: sizeField(c, 'padding', 0),
    ceilMode: boolField(c, 'ceilMode', false),
  };
}

registerModuleType('MaxPool1d', (c) => new MaxPool1d(sizeField(c, 'kernelSize'), poolOptions(c)));
registerModuleType('MaxPool2d', (c) => new MaxPool2d(sizeField(c, 'kernelSize'), poolOptions(c)));
registerModuleType('AvgPool1d', (c) => new AvgPool1d(sizeField(c, 'kernelSize'), { ...poolOptions(c), countIncludePad: boolField(c, 'countIncludePad', true) }));
registerModuleType('AvgPool2d', (c) => new AvgPool2d(sizeField(c, 'kernelSize'), { ...poolOptions(c), countIncludePad: boolField(c, 'countIncludePad', true) }));
registerModuleType('AdaptiveAvgPool2d', (c) => new AdaptiveAvgPool2d(sizeField(c, 'outputSize')));
registerModuleType('GlobalAvgPool', () => new GlobalAvgPool());
