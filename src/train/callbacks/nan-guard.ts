/**
 * The guard against divergence: when a step's loss is NaN/±Inf (or, optionally, a gradient is),
 * training stops and the last weights known to give a finite loss are put back.
 *
 * Copying every weight on every step would cost as much as a small model's update, so the
 * weights are copied only every `every` steps and at the end of each epoch. A copy taken after
 * step k is "pending": it becomes the good snapshot once step k+1's loss (computed from exactly
 * those weights) is finite. A divergence therefore rewinds at most `every` steps. Scanning the
 * weights for NaN costs more than copying them, so that is done only at epoch ends.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { Callback, NanGuardOptions, TrainContext } from '../types.js';

type Weights = Tensor['data'][];

const ADVICE = 'Try a smaller learning rate or gradient clipping.';

function allFinite(ts: readonly (Tensor | null)[]): boolean {
  let z = 0; // x·0 is 0 for finite x and NaN for NaN/±Inf; summing is faster than a test per element
  for (const t of ts) {
    if (!t) continue;
    const d = t.data;
    for (let i = 0; i < d.length; i++) z += d[i] * 0;
  }
  return z === 0;
}

/** Stops training on a NaN/Inf loss and restores the last good weights, snapshotting every `every` steps. */
export class NanGuard implements Callback {
  /** Steps between snapshots. */
  readonly every: number;
  /** Whether gradients are checked after every step. */
  readonly checkGradients: boolean;
  /** Weight copies taken in all (for tests and benchmarks). */
  snapshots = 0;
  private good: Weights | null = null;
  private pending: Weights | null = null;
  private spare: Weights | null = null;
  private params: readonly Tensor[] = [];

  constructor(options: NanGuardOptions = {}) {
    this.every = options.every ?? 25;
    this.checkGradients = options.checkGradients ?? false;
  }

  onTrainBegin(ctx: TrainContext): void {
    this.params = ctx.params;
    this.good = null;
    this.take(); // the starting weights: restored if the very first loss is already NaN
  }

  onBatchEnd(step: number, logs: { loss: number; epoch: number; batch: number }, ctx: TrainContext): void {
    if (!Number.isFinite(logs.loss)) {
      this.restore();
      ctx.abort('nonFinite', `loss became ${logs.loss} at step ${step} (epoch ${logs.epoch + 1}, batch ${logs.batch}); training stopped and the last weights with a finite loss were kept. ${ADVICE}`);
      return;
    }
    this.confirm();
    if (this.checkGradients && !allFinite(this.params.map((p) => p.grad))) {
      this.restore();
      ctx.abort('nonFinite', `a gradient became NaN/Inf at step ${step} (epoch ${logs.epoch + 1}, batch ${logs.batch}); training stopped and the last weights with a finite loss were kept. ${ADVICE}`);
      return;
    }
    const epochEnd = logs.batch === ctx.position.numBatches || ctx.budgetSpent() || ctx.stopping;
    if (step % this.every !== 0 && !epochEnd) return;
    // An update can turn the weights into NaN/Inf before any loss shows it. Mid-epoch the next
    // loss shows it (so the copy is never confirmed); at an epoch end, which may be the last, look.
    if (epochEnd && !allFinite(this.params)) {
      this.restore();
      ctx.abort('nonFinite', `the weights became NaN/Inf at step ${step} (epoch ${logs.epoch + 1}); the last weights with a finite loss were kept. ${ADVICE}`);
      return;
    }
    this.take();
  }

  /** Copies the weights into the pending snapshot (reusing a spare buffer). */
  private take(): void {
    const buf = this.spare ?? this.params.map((p) => p.data.slice());
    this.spare = null;
    this.params.forEach((p, i) => buf[i].set(p.data));
    this.pending = buf;
    this.snapshots++;
  }

  /** The pending weights gave a finite loss: they become the good snapshot. */
  private confirm(): void {
    if (!this.pending) return;
    this.spare = this.good;
    this.good = this.pending;
    this.pending = null;
  }

  /** Puts back the good snapshot (or, before any was confirmed, the starting weights). */
  private restore(): void {
    const from = this.good ?? this.pending;
    if (from) this.params.forEach((p, i) => p.data.set(from[i]));
  }
}
