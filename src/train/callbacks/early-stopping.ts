/**
 * Early stopping: watch a metric after every epoch, remember the best value and the weights
 * then, and stop when it has not improved by minDelta for `patience` epochs (putting the best
 * weights back). Its memory goes into checkpoints, so a resumed run stops where this one would.
 */
import { ConfigError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { didYouMean } from '../suggest.js';
import type { Callback, EarlyStoppingOptions, EpochLogs, TrainContext } from '../types.js';

/** Early stopping's memory: the best value so far, when, and the weights then. */
export interface EarlyStoppingState {
  bestValue: number;
  bestEpoch: number;
  sinceBest: number;
  best: Tensor[];
}

/** Stops training when the monitored metric stops improving; restores the best weights. */
export class EarlyStopping implements Callback {
  /** The metric watched. */
  readonly monitor: string;
  private readonly sign: number;
  private readonly state: EarlyStoppingState = { bestValue: Infinity, bestEpoch: -1, sinceBest: 0, best: [] };

  /** `available` lists the metrics the epoch logs will hold; monitoring another is a ConfigError. */
  constructor(private readonly options: EarlyStoppingOptions, defaultMonitor: string, available: readonly string[]) {
    this.monitor = options.monitor ?? defaultMonitor;
    if (!available.includes(this.monitor)) {
      throw new ConfigError(`fit: earlyStopping.monitor '${this.monitor}' is not among the epoch's metrics${didYouMean(this.monitor, available)} (${available.join(', ')})`);
    }
    this.sign = (options.mode ?? (/acc/i.test(this.monitor) ? 'max' : 'min')) === 'max' ? -1 : 1;
  }

  onTrainBegin(ctx: TrainContext): void {
    if (this.state.best.length === 0) this.state.best = ctx.params.map((p) => new Tensor(p.data.slice(), p.shape));
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const value = logs[this.monitor];
    const s = this.state;
    if (s.bestEpoch < 0 || this.sign * value < this.sign * s.bestValue - (this.options.minDelta ?? 0)) {
      s.bestValue = value;
      s.bestEpoch = epoch;
      s.sinceBest = 0;
      ctx.params.forEach((p, i) => s.best[i].data.set(p.data));
    } else if (++s.sinceBest >= (this.options.patience ?? 5) && !ctx.stopping) {
      ctx.stop('earlyStopping', `${this.monitor} did not improve for ${s.sinceBest} epochs; best ${s.bestValue.toFixed(4)} at epoch ${s.bestEpoch + 1}`);
      if (this.options.restoreBest ?? true) ctx.params.forEach((p, i) => p.data.set(s.best[i].data));
    }
  }

  /** The memory to checkpoint. */
  stateDict(): EarlyStoppingState {
    return this.state;
  }

  /** Restores a memory checked by the resume code (best holds one tensor per parameter). */
  loadStateDict(saved: EarlyStoppingState, params: readonly Tensor[]): void {
    Object.assign(this.state, { bestValue: saved.bestValue, bestEpoch: saved.bestEpoch, sinceBest: saved.sinceBest });
    this.state.best = params.map((p, i) => {
      const t = new Tensor(p.data.slice(), p.shape);
      t.data.set(saved.best[i].data);
      return t;
    });
  }
}
