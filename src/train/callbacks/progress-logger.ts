/**
 * Progress of a fit run: a bar during each epoch on a terminal, and a line per epoch — at most
 * one every `minInterval` seconds, so thousands of tiny epochs print a few lines, not thousands.
 * The first epoch's line is always printed, and so is the last one's (held back and flushed at
 * the end if it fell inside the interval).
 */
import type { ProgressReporter } from '../progress.js';
import type { Callback, EpochLogs, History, TrainContext } from '../types.js';

/** The line of one epoch: its metrics, time and speed. */
export function formatEpochLine(epoch: number, epochs: number, logs: EpochLogs, seconds: number, steps: number): string {
  const parts = [`epoch ${epoch + 1}/${epochs}`];
  for (const [k, v] of Object.entries(logs)) {
    if (k === 'epoch' || k === 'partial') continue;
    parts.push(`${k} ${k === 'lr' ? v.toPrecision(3) : v.toFixed(4)}`);
  }
  parts.push(`${seconds.toFixed(1)}s`);
  if (seconds >= 0.05) parts.push(`${Math.round(steps / seconds)} steps/s`); // meaningless for tiny epochs
  return parts.join('  ');
}

/** Options of a ProgressLogger. */
export interface ProgressLoggerOptions {
  /** Seconds between two epoch lines (default 0.5). */
  minInterval?: number;
  /** The clock in ms (default Date.now; tests pass a fake one). */
  now?: () => number;
}

/** Reports fit's progress through a ProgressReporter, throttling epoch lines. */
export class ProgressLogger implements Callback {
  private readonly minInterval: number;
  private readonly now: () => number;
  private lastLineAt = -Infinity;
  private held: string | null = null;

  constructor(private readonly reporter: ProgressReporter, options: ProgressLoggerOptions = {}) {
    this.minInterval = (options.minInterval ?? 0.5) * 1000;
    this.now = options.now ?? Date.now;
  }

  onEpochBegin(epoch: number, ctx: TrainContext): void {
    this.reporter.epochStart(epoch, ctx.epochs, ctx.position.numBatches);
  }

  onBatchEnd(_step: number, logs: { batch: number }, ctx: TrainContext): void {
    this.reporter.batch(logs.batch, ctx.meter.meanLoss());
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    this.line(this.epochLine(epoch, logs, ctx), false);
  }

  onTrainEnd(history: History, ctx: TrainContext): void {
    const { epoch, batch, numBatches } = ctx.position;
    if (ctx.unfinished === 'aborted') this.line(`epoch ${epoch + 1}/${ctx.epochs}  stopped: ${history.message}`, true);
    else if (ctx.unfinished === 'partial') this.line(`${this.epochLine(epoch, history.epochs[history.epochs.length - 1], ctx)}  (stopped after batch ${batch}/${numBatches})`, true);
    this.flush();
    if (history.stopReason !== 'epochs') this.reporter.message(history.message);
    this.reporter.close();
  }

  private epochLine(epoch: number, logs: EpochLogs, ctx: TrainContext): string {
    return formatEpochLine(epoch, ctx.epochs, logs, (Date.now() - ctx.position.startedAt) / 1000, ctx.position.steps);
  }

  /** Prints `text` now if forced or the interval has passed; otherwise holds it as the latest line. */
  private line(text: string, force: boolean): void {
    const t = this.now();
    if (force || t - this.lastLineAt >= this.minInterval) {
      if (force) this.flush();
      this.held = null;
      this.lastLineAt = t;
      this.reporter.epochEnd(text);
    } else {
      this.held = text;
      this.reporter.close(); // ends this epoch's bar without a line
    }
  }

  private flush(): void {
    if (this.held !== null) this.reporter.epochEnd(this.held);
    this.held = null;
  }
}
