/**
 * The types fit is written in: what it needs of an optimiser and a schedule, the data it takes,
 * its options, the History it returns, the callbacks it calls and the context a step and the
 * callbacks share.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule, Module } from '../nn/module.js';
import type { LossFn, LossName } from '../losses/index.js';
import type { MetricName } from './metrics.js';
import type { ProgressMode } from './progress.js';
import type { EpochMeter } from './meter.js';
import type { DiagnosticsOptions, DiagnosticsRecord, FirstNonFinite } from '../diagnostics/types.js';

/** What fit needs of an optimiser (every optimiser in optim/ fits). */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
  lr: number;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** What fit needs of a learning-rate schedule (stepped once per epoch). */
export interface SchedulerLike {
  step(): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** Inputs and targets, first axis = samples. */
export interface XY {
  x: Tensor;
  y: Tensor;
}

/** Anything that yields batches (a DataLoader); `length` is the number of batches. */
export interface BatchSource {
  [Symbol.iterator](): Iterator<XY>;
  readonly length: number;
}

/** Metrics of one epoch: loss, the asked-for metrics, lr, and their 'val' twins. */
export type EpochLogs = Record<string, number>;

/** One entry per epoch with every metric, plus why training stopped. */
export interface History {
  epochs: EpochLogs[];
  /** Optimiser steps taken in all. */
  steps: number;
  /** Why training ended: 'epochs', 'maxSteps', 'lossDelta', 'gradNorm', 'earlyStopping', 'callback' or 'nonFinite'. */
  stopReason: string;
  /** A sentence for people, e.g. the step at which the loss became NaN. */
  message: string;
  /** With the diagnostics option: one record per epoch (or per `every` steps). */
  diagnostics?: DiagnosticsRecord[];
  /** With diagnostics' nanOp: the first op whose forward or backward made a NaN/Inf. */
  firstNonFinite?: FirstNonFinite;
}

/** Where the loop is inside the current epoch. */
export interface EpochPosition {
  /** The epoch (from 0). */
  epoch: number;
  /** Batches of this epoch trained on so far. */
  batch: number;
  /** Batches the epoch has in all. */
  numBatches: number;
  /** Steps taken in this epoch by this run (a resumed epoch counts from its resumption). */
  steps: number;
  /** Date.now() when the epoch began (earlier for a resumed epoch, by the time already spent). */
  startedAt: number;
  /** The generator state when the epoch began: replaying it reproduces the epoch's batch order. */
  rngAtEpochStart: number[];
}

/** What a training step and the callbacks see of a run: the parts, where it is, and how to end it. */
export interface TrainContext<M extends AnyModule = AnyModule> {
  readonly model: M;
  readonly optimizer: OptimizerLike;
  /** The loss function (options.loss resolved). */
  readonly loss: LossFn;
  /** The loss's name ('custom' for an unnamed function). */
  readonly lossName: string;
  /** model.parameters(). */
  readonly params: readonly Tensor[];
  /** The weights (not biases) that options.l2 applies to. */
  readonly weights: readonly Tensor[];
  /** The options fit was called with. */
  readonly options: FitOptions<M>;
  /** The History so far (steps counts finished steps). */
  readonly history: History;
  /** Epochs to run in all. */
  readonly epochs: number;
  /** The current epoch and batch. */
  readonly position: EpochPosition;
  /** The running sums of the current epoch (loss, accuracy, MAE). */
  readonly meter: EpochMeter;
  /**
   * The model's output for the batch, set by a step so the training metrics (accuracy, MAE) can
   * be computed; the built-in step sets it. Cleared before every step.
   */
  output?: Tensor;
  /** Ends training after this step (mid-epoch: the epoch is kept as a partial, resumable one). */
  stop(reason: string, message: string): void;
  /** Ends training now, discarding the current step and epoch (the NaN guard uses this). */
  abort(reason: string, message: string): void;
  /** Whether stop() or abort() has been called. */
  readonly stopping: boolean;
  /** Set when training ended inside an epoch: 'partial' (kept, resumable) or 'aborted' (discarded). */
  readonly unfinished?: 'partial' | 'aborted';
  /** Whether options.maxSteps is spent. */
  budgetSpent(): boolean;
}

/** A training step: forward, loss, backward, update; returns the batch's loss. */
export type TrainStepFn<M extends AnyModule = AnyModule> = (batch: XY, ctx: TrainContext<M>) => number;

/**
 * Hooks called during fit; `ctx` gives the run's parts and stop()/abort(). Returning false from
 * onEpochEnd / onBatchEnd also stops training.
 */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  onBatchEnd?(step: number, logs: { loss: number; epoch: number; batch: number }, ctx: TrainContext): boolean | void;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): boolean | void;
  onTrainEnd?(history: History, ctx: TrainContext): void;
}

/** Options of early stopping on a validation (or training) metric. */
export interface EarlyStoppingOptions {
  /** Metric to watch (default 'valLoss', or 'loss' without validation data). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies (default from the name). */
  mode?: 'min' | 'max';
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

/** Options of the guard against a NaN/Inf loss. */
export interface NanGuardOptions {
  /** Snapshot the weights every this many steps (and at every epoch end); default 25. */
  every?: number;
  /** Also stop when a gradient holds NaN/Inf, checked after every step (default false). */
  checkGradients?: boolean;
}

/** Options of fit. */
export interface FitOptions<M extends AnyModule = Module> {
  /** Loss by name or as a function (default 'mse'). */
  loss?: LossName | LossFn;
  /** The optimiser, built over model.parameters(). */
  optimizer: OptimizerLike;
  /** Epochs to run in all (default 10); with resume, counts the epochs already done. */
  epochs?: number;
  /** Samples per step: a number (1 = stochastic GD) or 'full' for full-batch GD (default 32). */
  batchSize?: number | 'full';
  /** Reshuffle the samples each epoch, from the seeded generator (default true). */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Stop after this many optimiser steps in all. */
  maxSteps?: number;
  /** Stop when |Loss(epoch k) − Loss(epoch k−1)| < lossDelta, or ‖∇Loss‖ < gradNorm. */
  stop?: { lossDelta?: number; gradNorm?: number };
  /** Early stopping on a monitored metric. */
  earlyStopping?: EarlyStoppingOptions;
  /** Data evaluated after each epoch, giving 'valLoss', 'valAccuracy', … */
  validationData?: XY;
  /** Metrics besides the loss (default none). */
  metrics?: MetricName[];
  /** Threshold for the accuracy of a single output (default 0.5, or 0 with a logits loss). */
  threshold?: number;
  /** L2 regularisation λ: adds λ Σ w² over the weights (not the biases) to the loss. */
  l2?: number;
  /** Clip the gradient's global L2 norm to this value before each step. */
  clipGradNorm?: number;
  /** Learning-rate schedule, stepped after each epoch. */
  scheduler?: SchedulerLike;
  callbacks?: Callback[];
  /** Progress display (default 'auto': a bar on a terminal, epoch lines — at most a few a second — when piped). */
  progress?: ProgressMode;
  /** Save a checkpoint (weights, optimiser, schedule, epoch, RNG, history) every `every` epochs. */
  checkpoint?: { path: string; every?: number };
  /** Continue exactly from a checkpoint written by fit. */
  resumeFrom?: string;
  /** Replaces the built-in step (forward, loss, backward, clip, update); returns the batch's loss. */
  trainStep?(batch: XY, ctx: TrainContext<M>): number;
  /** The guard that stops on a NaN/Inf loss and keeps the last good weights (default on; false turns it off). */
  nanGuard?: NanGuardOptions | false;
  /**
   * Training diagnostics into history.diagnostics (off by default, and then no work at all):
   * per-parameter gradient norms, dead ReLUs, saturated sigmoid/tanh units, and (nanOp) the
   * first op to make a NaN/Inf. `true` turns all on; see DiagnosticsOptions.
   */
  diagnostics?: boolean | DiagnosticsOptions;
}
