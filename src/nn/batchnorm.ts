/**
 * BatchNorm1d and BatchNorm2d, as PyTorch's: parameters `weight` (γ, ones) and `bias` (β, zeros),
 * buffers `running_mean`, `running_var` and `num_batches_tracked` under PyTorch's names, so a
 * state dict loads both ways. Training mode normalises with the batch's statistics and updates
 * the running ones; evaluation mode (eval()) normalises with the running ones.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { Tensor, ones, zeros, scalar } from '../tensor/tensor.js';
import { batchNorm } from '../ops/batchnorm.js';
import { Module, registerModuleType, intOpt, numOpt, type ModuleConfig } from './module.js';

/** Options of BatchNorm1d and BatchNorm2d. */
export interface BatchNormModuleOptions {
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null: their cumulative average over all batches. */
  momentum?: number | null;
  /** Learn a per-channel scale γ and shift β (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); false: batch statistics in evaluation too. */
  trackRunningStats?: boolean;
}

/** A checked option of the layer `type`, or a ConfigError naming it. */
function checkOptions(type: string, numFeatures: number, o: BatchNormModuleOptions) {
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ConfigError(`${type}: numFeatures must be a whole number ≥ 1, got ${String(numFeatures)}`);
  const eps = o.eps ?? 1e-5;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) throw new ConfigError(`${type}: eps must be a finite number ≥ 0, got ${String(eps)}`);
  const momentum = o.momentum === undefined ? 0.1 : o.momentum;
  if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
    throw new ConfigError(`${type}: momentum must be a number in [0, 1] or null (cumulative average), got ${String(momentum)}`);
  }
  const affine = o.affine ?? true;
  const track = o.trackRunningStats ?? true;
  for (const [k, v] of [['affine', affine], ['trackRunningStats', track]] as const) {
    if (typeof v !== 'boolean') throw new ConfigError(`${type}: ${k} must be true or false, got ${String(v)}`);
  }
  return { eps, momentum, affine, trackRunningStats: track };
}

/** The shared body of BatchNorm1d and BatchNorm2d; they differ in the input ranks they take. */
abstract class BatchNormBase extends Module {
  /** γ [numFeatures], or null when not affine. */
  readonly weight: Tensor | null;
  /** β [numFeatures], or null when not affine. */
  readonly bias: Tensor | null;
  /** Running mean [numFeatures] (buffer `running_mean`), or null when not tracked. */
  readonly runningMean: Tensor | null;
  /** Running unbiased variance [numFeatures] (buffer `running_var`), or null when not tracked. */
  readonly runningVar: Tensor | null;
  /** Training batches seen, a scalar (buffer `num_batches_tracked`), or null when not tracked. */
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(private readonly type: string, readonly numFeatures: number, options: BatchNormModuleOptions) {
    super();
    const o = checkOptions(type, numFeatures, options ?? {});
    ({ eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats } = o);
    this.weight = o.affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = o.affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    const track = o.trackRunningStats;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', scalar(0)) : null;
  }

  /** The input ranks the layer takes, and their layout for errors. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  /** Resets the running statistics to mean 0, variance 1, and the batch count to 0. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
    this.numBatchesTracked?.data.fill(0);
  }

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || !this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      const got = x instanceof Tensor ? `shape ${fmtShape(x.shape)}` : String(x);
      throw new ShapeError(`${this.type}(${this.numFeatures}): input must be ${this.layout} with C = ${this.numFeatures}, got ${got}`);
    }
    const tracked = this.numBatchesTracked;
    const update = this.training && tracked !== null;
    const batches = update ? tracked.data[0] + 1 : 0;
    // momentum null: the running statistics are the plain average of every batch so far.
    const momentum = this.momentum ?? (update ? 1 / batches : 0);
    const useRunning = !this.training && this.trackRunningStats;
    const y = batchNorm(x, this.trackRunningStats ? this.runningMean : null, this.trackRunningStats ? this.runningVar : null, this.weight, this.bias, {
      training: !useRunning, momentum, eps: this.eps,
    });
    if (update) tracked.data[0] = batches;
    return y;
  }

  override toConfig(): ModuleConfig {
    return { type: this.type, numFeatures: this.numFeatures, eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] over the batch (and length) axes, per channel. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C] or [N, C, L]';
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
  }
}

/** Batch normalisation of [N, C, H, W] over the batch and spatial axes, per channel. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }
}

/** The options of a saved BatchNorm config, each checked by the constructor. */
function optionsOf(c: ModuleConfig): BatchNormModuleOptions {
  const flag = (k: string): boolean => {
    const v = c[k] ?? true;
    if (typeof v !== 'boolean') throw new ConfigError(`${c.type}: field '${k}' must be true or false, got ${JSON.stringify(c[k])}`);
    return v;
  };
  return { eps: numOpt(c, 'eps', 1e-5), momentum: c.momentum === null ? null : numOpt(c, 'momentum', 0.1), affine: flag('affine'), trackRunningStats: flag('trackRunningStats') };
}

registerModuleType('BatchNorm1d', (c) => new BatchNorm1d(intOpt(c, 'numFeatures'), optionsOf(c)));
registerModuleType('BatchNorm2d', (c) => new BatchNorm2d(intOpt(c, 'numFeatures'), optionsOf(c)));
