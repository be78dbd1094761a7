/** The state of one fit run that its step and callbacks share (the TrainContext they see). */
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import type { LossFn } from '../losses/index.js';
import type { EpochMeter } from './meter.js';
import type { EpochPosition, FitOptions, History, OptimizerLike, TrainContext } from './types.js';

/** The parts a run is made of. */
export interface RunParts<M extends AnyModule> {
  model: M;
  options: FitOptions<M>;
  loss: LossFn;
  lossName: string;
  params: readonly Tensor[];
  weights: readonly Tensor[];
  epochs: number;
  meter: EpochMeter;
}

/** A run's context: its parts, where it is, and the stop/abort switch. */
export class FitRun<M extends AnyModule> implements TrainContext<M> {
  readonly model: M;
  readonly optimizer: OptimizerLike;
  readonly loss: LossFn;
  readonly lossName: string;
  readonly params: readonly Tensor[];
  readonly weights: readonly Tensor[];
  readonly options: FitOptions<M>;
  readonly epochs: number;
  readonly meter: EpochMeter;
  readonly history: History = { epochs: [], steps: 0, stopReason: 'epochs', message: '' };
  readonly position: EpochPosition = { epoch: 0, batch: 0, numBatches: 0, steps: 0, startedAt: 0, rngAtEpochStart: [] };
  output?: Tensor;
  stopping = false;
  aborted = false;
  unfinished?: 'partial' | 'aborted';

  constructor(parts: RunParts<M>) {
    this.model = parts.model;
    this.options = parts.options;
    this.optimizer = parts.options.optimizer;
    this.loss = parts.loss;
    this.lossName = parts.lossName;
    this.params = parts.params;
    this.weights = parts.weights;
    this.epochs = parts.epochs;
    this.meter = parts.meter;
  }

  /** The first reason given wins; later calls change nothing. */
  stop(reason: string, message: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.history.stopReason = reason;
    this.history.message = message;
  }

  abort(reason: string, message: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.stopping = false; // an abort overrides a stop asked for earlier in the same step
    this.stop(reason, message);
  }

  budgetSpent(): boolean {
    return this.options.maxSteps !== undefined && this.history.steps >= this.options.maxSteps;
  }
}
