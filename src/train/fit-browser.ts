/**
 * fit in a browser: the fit loop (fit-core.ts) without a file system, so `checkpoint` and
 * `resumeFrom` are refused with a ConfigError (save with stateDict() yourself), and progress goes
 * to the console: 'lines' (and 'bar') print one line per epoch, 'auto' and 'none' print nothing.
 */
import { ConfigError } from '../errors.js';
import type { Module, AnyModule } from '../nn/module.js';
import { fitOn, type FitPlatform } from './fit-core.js';
import type { ProgressMode, ProgressReporter } from './progress.js';
import type { BatchSource, FitOptions, History, TrainStepFn, XY } from './types.js';

export { evaluate, predict } from './evaluate.js';

/** The error for an option that needs files. */
function needsFiles(option: string): never {
  throw new ConfigError(`fit: ${option} needs a file system, which the browser build of backprop does not have; save model.stateDict() yourself`);
}

/** Console progress: one line per epoch for 'lines' and 'bar', nothing for 'auto' and 'none'. */
function consoleProgress(mode: ProgressMode): ProgressReporter {
  const print = mode === 'lines' || mode === 'bar' ? (line: string) => console.log(line) : () => {};
  return { epochStart() {}, batch() {}, epochEnd: print, message: print, close() {} };
}

/** The browser's (absent) checkpoints and resuming, and console progress, for fit. */
const BROWSER_PLATFORM: FitPlatform = {
  checkCheckpointPath: () => needsFiles('checkpoint'),
  checkpointSaver: () => needsFiles('checkpoint'),
  resumeFrom: () => needsFiles('resumeFrom'),
  makeProgress: consoleProgress,
};

/** Trains `model` on `data` ({x, y} tensors, or a DataLoader) and returns the History. */
export function fit(model: Module, data: XY | BatchSource, options: FitOptions): History;
/** Trains with a custom step: `options.trainStep(batch, ctx)` does the work and returns the batch's loss. */
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M> & { trainStep: TrainStepFn<M> }): History;
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M>): History {
  return fitOn(BROWSER_PLATFORM, model, data, options);
}
