/**
 * ResNet (He et al. 2015) from BasicBlocks, under torchvision's parameter names (conv1, bn1,
 * layer1.0.conv1, …, layer2.0.downsample.0, fc) so state dicts load both ways. Presets resnet18,
 * resnet34 (torchvision's parameter counts) and resnetSmall for 28×28 digits.
 */
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, flatten } from '../ops/index.js';
import { Module, registerModuleType, intOpt, type ModuleConfig } from '../nn/module.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pool.js';

/** The first layers: 'imagenet' (7×7 stride-2 conv, BN, ReLU, 3×3 stride-2 max pool) or 'small' (3×3 stride-1 conv, BN, ReLU). */
export type ResNetStem = 'imagenet' | 'small';

/** Options of resnet(). */
export interface ResNetOptions {
  /** BasicBlocks in each stage, e.g. [2, 2, 2, 2] for ResNet-18. */
  depths: readonly number[];
  /** Output channels of each stage (same length as depths), e.g. [64, 128, 256, 512]. */
  widths: readonly number[];
  /** Outputs of the final fully connected layer (default 1000). */
  numClasses?: number;
  /** The first layers (default 'imagenet'). */
  stem?: ResNetStem;
  /** Channels of the input image (default 3). */
  inChannels?: number;
}

/** Options of the presets. */
export interface ResNetPresetOptions {
  /** Outputs of the final fully connected layer (default 1000; 10 for resnetSmall). */
  numClasses?: number;
  /** Channels of the input image (default 3; 1 for resnetSmall). */
  inChannels?: number;
}

/** A 3×3 convolution without bias, padding 1. */
const conv3x3 = (cin: number, cout: number, stride: number) => new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false });

/**
 * ResNet's basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)); the shortcut is the
 * identity, or `downsample` (1×1 conv with the block's stride, then BN) when the shape changes.
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly stride = 1) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inChannels, outChannels, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(outChannels));
    this.relu = this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', conv3x3(outChannels, outChannels, 1));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(outChannels));
    const project = stride !== 1 || inChannels !== outChannels;
    this.downsample = project
      ? this.registerModule('downsample', new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), new BatchNorm2d(outChannels)))
      : null;
  }
  override forward(x: Tensor): Tensor {
    const h = this.relu.call(this.bn1.call(this.conv1.call(x)));
    const fx = this.bn2.call(this.conv2.call(h));
    return this.relu.call(add(fx, this.downsample ? this.downsample.call(x) : x));
  }
  override toConfig(): ModuleConfig {
    return { type: 'BasicBlock', inChannels: this.inChannels, outChannels: this.outChannels, stride: this.stride };
  }
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, stride=${this.stride}`;
  }
}

/** A ResNet of BasicBlocks: stem, stages layer1…layerN (the first block of each stage after the first has stride 2), global average pool, fc. */
export class ResNet extends Module {
  readonly depths: readonly number[];
  readonly widths: readonly number[];
  readonly numClasses: number;
  readonly stem: ResNetStem;
  readonly inChannels: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d | null;
  readonly stages: readonly Sequential[];
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Linear;
  constructor(options: ResNetOptions) {
    super();
    const o = checkOptions(options);
    [this.depths, this.widths, this.numClasses, this.stem, this.inChannels] = [o.depths, o.widths, o.numClasses, o.stem, o.inChannels];
    const big = o.stem === 'imagenet';
    const w0 = o.widths[0];
    this.conv1 = this.registerModule('conv1', big ? new Conv2d(o.inChannels, w0, 7, { stride: 2, padding: 3, bias: false }) : conv3x3(o.inChannels, w0, 1));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(w0));
    this.relu = this.registerModule('relu', new ReLU());
    this.maxpool = big ? this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 })) : null;
    let cin = w0;
    this.stages = o.depths.map((d, i) => {
      const blocks = Array.from({ length: d }, (_, j) => new BasicBlock(j === 0 ? cin : o.widths[i], o.widths[i], i > 0 && j === 0 ? 2 : 1));
      cin = o.widths[i];
      return this.registerModule(`layer${i + 1}`, new Sequential(...blocks));
    });
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.registerModule('fc', new Linear(cin, o.numClasses));
  }
  override forward(x: Tensor): Tensor {
    let h = this.relu.call(this.bn1.call(this.conv1.call(x)));
    if (this.maxpool) h = this.maxpool.call(h);
    for (const stage of this.stages) h = stage.call(h);
    return this.fc.call(flatten(this.avgpool.call(h), 1));
  }
  override toConfig(): ModuleConfig {
    return { type: 'ResNet', depths: [...this.depths], widths: [...this.widths], numClasses: this.numClasses, stem: this.stem, inChannels: this.inChannels };
  }
  override extraRepr(): string {
    return `depths=[${this.depths.join(', ')}], widths=[${this.widths.join(', ')}], stem=${this.stem}`;
  }
}

/** The options checked, defaults filled in; a ConfigError naming the bad one. */
function checkOptions(o: ResNetOptions): Required<ResNetOptions> {
  const whole = (what: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`resnet: ${what} must be a whole number ≥ 1, got ${String(v)}`);
    return v;
  };
  if (typeof o !== 'object' || o === null) throw new ConfigError('resnet: options { depths, widths } are required');
  for (const k of ['depths', 'widths'] as const) {
    if (!Array.isArray(o[k]) || o[k].length === 0) throw new ConfigError(`resnet: ${k} must be a non-empty list of whole numbers, got ${JSON.stringify(o[k])}`);
    o[k].forEach((v, i) => whole(`${k}[${i}]`, v));
  }
  if (o.depths.length !== o.widths.length) throw new ConfigError(`resnet: depths (${o.depths.length} stages) and widths (${o.widths.length}) must have the same length`);
  const stem = o.stem ?? 'imagenet';
  if (stem !== 'imagenet' && stem !== 'small') throw new ConfigError(`resnet: stem must be 'imagenet' or 'small', got ${JSON.stringify(stem)}`);
  return {
    depths: [...o.depths], widths: [...o.widths], stem,
    numClasses: whole('numClasses', o.numClasses ?? 1000), inChannels: whole('inChannels', o.inChannels ?? 3),
  };
}

/** A ResNet of BasicBlocks with `depths[i]` blocks of `widths[i]` channels in stage i. */
export function resnet(options: ResNetOptions): ResNet {
  const net = new ResNet(options);
  if (net.stem === 'imagenet') net.inputShape = [net.inChannels, 224, 224];
  return net;
}

/** ResNet-18 as torchvision's (11,689,512 parameters for 1000 classes), for 224×224 images. */
export function resnet18(options: ResNetPresetOptions = {}): ResNet {
  return resnet({ depths: [2, 2, 2, 2], widths: [64, 128, 256, 512], ...options });
}

/** ResNet-34 as torchvision's (21,797,672 parameters for 1000 classes), for 224×224 images. */
export function resnet34(options: ResNetPresetOptions = {}): ResNet {
  return resnet({ depths: [3, 4, 6, 3], widths: [64, 128, 256, 512], ...options });
}

/** A small ResNet for 28×28 digits: 3×3 stem, no max pool, one block per stage of 16, 32, 64 channels. */
export function resnetSmall(options: ResNetPresetOptions = {}): ResNet {
  const net = resnet({ depths: [1, 1, 1], widths: [16, 32, 64], stem: 'small', numClasses: options.numClasses ?? 10, inChannels: options.inChannels ?? 1 });
  net.inputShape = [net.inChannels, 28, 28];
  return net;
}

/** A list of whole numbers in a config, or a ConfigError naming it. */
function intList(c: ModuleConfig, key: string): number[] {
  const v = c[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ConfigError(`ResNet: field '${key}' must be a list of whole numbers, got ${JSON.stringify(v)}`);
  return v as number[];
}

registerModuleType('BasicBlock', (c) => new BasicBlock(intOpt(c, 'inChannels'), intOpt(c, 'outChannels'), intOpt(c, 'stride', 1)));
registerModuleType('ResNet', (c) => new ResNet({
  depths: intList(c, 'depths'), widths: intList(c, 'widths'), numClasses: intOpt(c, 'numClasses'),
  stem: c.stem as ResNetStem, inChannels: intOpt(c, 'inChannels', 3),
}));
