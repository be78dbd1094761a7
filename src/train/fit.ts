/**
 * fit on Node: the fit loop (fit-core.ts) with checkpoints and resuming on the file system and
 * progress on stderr (a bar on a terminal, lines otherwise).
 */
import type { Module, AnyModule } from '../nn/module.js';
import { makeProgress } from './progress.js';
import { resumeFrom } from './resume.js';
import { CheckpointSaver, checkCheckpointPath } from './callbacks/checkpoint.js';
import { fitOn, type FitPlatform } from './fit-core.js';
import type { BatchSource, FitOptions, History, TrainStepFn, XY } from './types.js';

export type * from './types.js';
export { evaluate, predict } from './evaluate.js';

/** Node's checkpoints, resuming and progress for fit. */
const NODE_PLATFORM: FitPlatform = {
  checkCheckpointPath,
  checkpointSaver: (path, every, parts) => new CheckpointSaver(path, every, parts),
  resumeFrom,
  makeProgress: (mode) => makeProgress(mode),
};

/** Trains `model` on `data` ({x, y} tensors, or a DataLoader) and returns the History. */
export function fit(model: Module, data: XY | BatchSource, options: FitOptions): History;
/** Trains with a custom step: `options.trainStep(batch, ctx)` does the work and returns the batch's loss. */
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M> & { trainStep: TrainStepFn<M> }): History;
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M>): History {
  return fitOn(NODE_PLATFORM, model, data, options);
}
