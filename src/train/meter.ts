/**
 * Running means of one epoch: the loss and the asked-for metrics weighted by batch size, and
 * (for the ‖∇‖ stopping rule) the mean gradient. Its state goes into a mid-epoch checkpoint.
 */
import type { Tensor } from '../tensor/tensor.js';
import { countCorrect, meanAbsoluteError, type MetricName } from './metrics.js';
import type { EpochLogs } from './types.js';

/** A meter's sums, as a checkpoint stores them. */
export interface MeterState {
  lossSum: number;
  seen: number;
  correct: number;
  absSum: number;
  gradSum?: number[][];
}

/** Sums over the batches of an epoch, turned into the epoch's logs at its end. */
export class EpochMeter {
  lossSum = 0;
  seen = 0;
  correct = 0;
  absSum = 0;
  /** Σ batch size × gradient per parameter, when the ‖∇‖ rule needs it. */
  readonly gradSum: Float64Array[] | null;

  constructor(
    private readonly metrics: readonly MetricName[],
    private readonly threshold: number,
    private readonly params: readonly Tensor[],
    trackGradient: boolean,
  ) {
    this.gradSum = trackGradient ? params.map((p) => new Float64Array(p.size)) : null;
  }

  /** Starts an epoch from zero, or from the sums saved mid-epoch. */
  reset(from?: MeterState): void {
    this.lossSum = from?.lossSum ?? 0;
    this.seen = from?.seen ?? 0;
    this.correct = from?.correct ?? 0;
    this.absSum = from?.absSum ?? 0;
    this.gradSum?.forEach((g, i) => (from?.gradSum ? g.set(from.gradSum[i]) : g.fill(0)));
  }

  /** Adds one batch of m samples: its loss, its output against the targets, and the parameters' gradients. */
  add(m: number, loss: number, output: Tensor | undefined, target: Tensor): void {
    this.lossSum += loss * m;
    this.seen += m;
    if (output && this.metrics.includes('accuracy')) this.correct += countCorrect(output, target, this.threshold);
    if (output && this.metrics.includes('mae')) this.absSum += meanAbsoluteError(output, target) * m;
    if (this.gradSum) {
      this.params.forEach((p, i) => {
        const g = p.grad?.data;
        const s = this.gradSum![i];
        if (g) for (let j = 0; j < g.length; j++) s[j] += g[j] * m;
      });
    }
  }

  /** The mean loss so far. */
  meanLoss(): number {
    return this.lossSum / this.seen;
  }

  /** The epoch's logs: loss, the metrics, and gradNorm = ‖mean gradient‖ when tracked. */
  logs(): EpochLogs {
    const logs: EpochLogs = { loss: this.lossSum / this.seen };
    if (this.metrics.includes('accuracy')) logs.accuracy = this.correct / this.seen;
    if (this.metrics.includes('mae')) logs.mae = this.absSum / this.seen;
    return logs;
  }

  /** ‖Σ gradients / seen‖₂, or undefined when not tracked. */
  gradNorm(): number | undefined {
    if (!this.gradSum) return undefined;
    let sq = 0;
    for (const g of this.gradSum) for (let j = 0; j < g.length; j++) sq += (g[j] / this.seen) ** 2;
    return Math.sqrt(sq);
  }

  /** The sums, for a mid-epoch checkpoint. */
  state(): MeterState {
    const s: MeterState = { lossSum: this.lossSum, seen: this.seen, correct: this.correct, absSum: this.absSum };
    if (this.gradSum) s.gradSum = this.gradSum.map((g) => Array.from(g));
    return s;
  }
}
