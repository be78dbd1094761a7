/** Training: the fit loop, evaluation, metrics, progress. */
export * from './fit.js';
export * from './metrics.js';
export type { ProgressMode, ProgressReporter } from './progress.js';
export { makeProgress } from './progress.js';
