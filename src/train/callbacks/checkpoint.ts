/**
 * Checkpoints during fit: every `every` epochs, when training stops, after the last epoch, and
 * inside an epoch that stopped early (so a resumed run finishes it). Each holds what a resumed
 * run needs: weights, optimiser and schedule state, epoch, steps, RNG, history, early-stopping
 * memory. A path that cannot be written is found before training starts.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BackpropError, FileAccessError } from '../../errors.js';
import { saveCheckpoint } from '../../io/checkpoint.js';
import { getRngState } from '../../tensor/random.js';
import type { FitExtra, PartialEpoch } from '../resume.js';
import type { EarlyStopping } from './early-stopping.js';
import type { Callback, EpochLogs, History, SchedulerLike, TrainContext } from '../types.js';

/** Throws a FileAccessError when `path` is a folder or lies under a file (so no checkpoint could be written there). */
export function checkCheckpointPath(path: string): void {
  const kindAt = (p: string): 'file' | 'dir' | null => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return null;
    }
  };
  if (kindAt(path) === 'dir') throw new FileAccessError(`fit: checkpoint.path ${path} is a folder; give a file name such as ${path}/checkpoint.safetensors`, 'EISDIR');
  for (let p = dirname(resolve(path)); ; p = dirname(p)) {
    const k = kindAt(p);
    if (k === 'file') throw new FileAccessError(`fit: checkpoint.path ${path} cannot be written: ${p} is a file, not a folder`, 'ENOTDIR');
    if (k === 'dir' || dirname(p) === p) return;
  }
}

/** Saves checkpoints for fit; the last callback, so it sees every stop the others asked for. */
export class CheckpointSaver implements Callback {
  constructor(
    private readonly path: string,
    private readonly every: number,
    private readonly parts: { scheduler?: SchedulerLike; earlyStopping?: EarlyStopping },
  ) {}

  onEpochEnd(epoch: number, _logs: EpochLogs, ctx: TrainContext): void {
    const due = (epoch + 1) % this.every === 0 || epoch + 1 === ctx.epochs || ctx.stopping || ctx.budgetSpent();
    if (due) this.write(ctx, epoch + 1);
  }

  onTrainEnd(_history: History, ctx: TrainContext): void {
    if (ctx.unfinished !== 'partial') return;
    const { position, meter } = ctx;
    this.write(ctx, position.epoch, {
      batch: position.batch,
      rngAtEpochStart: position.rngAtEpochStart,
      ...meter.state(),
      seconds: (Date.now() - position.startedAt) / 1000,
    });
  }

  /** Saves everything a resumed run needs; `epochsDone` counts complete epochs. */
  private write(ctx: TrainContext, epochsDone: number, partial?: PartialEpoch): void {
    const extra: FitExtra = {};
    if (this.parts.scheduler) extra.scheduler = this.parts.scheduler.stateDict();
    if (this.parts.earlyStopping) extra.earlyStopping = this.parts.earlyStopping.stateDict();
    if (partial) extra.partial = partial;
    try {
      saveCheckpoint(this.path, {
        model: ctx.model.stateDict(),
        optimizer: ctx.optimizer.stateDict(),
        epoch: epochsDone,
        step: ctx.history.steps,
        rng: getRngState(),
        history: { epochs: ctx.history.epochs, steps: ctx.history.steps },
        extra,
      });
    } catch (e) {
      if (e instanceof BackpropError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new FileAccessError(`fit: cannot write the checkpoint ${this.path} (${e instanceof Error ? e.message : String(e)})`, code);
    }
  }
}
