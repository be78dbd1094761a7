/** Training: the fit loop, its step and callbacks, evaluation, metrics, progress. */
export * from './fit.js';
export * from './metrics.js';
export { trainStep } from './step.js';
export { NanGuard } from './callbacks/nan-guard.js';
export { TextSampler } from './callbacks/text-sampler.js';
export type { TextSamplerOptions, TextSample, TextGenerator } from './callbacks/text-sampler.js';
export type { ProgressMode, ProgressReporter } from './progress.js';
export { teacherForcingStep, evaluateSequences } from './teacher-forcing.js';
export type { TeacherForcedModel } from './teacher-forcing.js';
