/** Optimisers (SGD, Adam, AdamW, RMSprop), learning-rate schedules and gradient clipping. */
export { Optimizer } from './optimizer.js';
export type {
  BaseHyper, HyperValue, ParamGroup, ParamGroupSpec, Params, ParamState, GroupStateDict, OptimizerStateDict,
  OptimizerStateDictInput, StateFieldKinds,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDHyper, SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamHyper, AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropHyper, RMSpropOptions } from './rmsprop.js';
export { LRScheduler, StepLR, ExponentialLR, InverseTimeLR, CosineAnnealingLR } from './schedule.js';
export type {
  SchedulerStateDict, StepLRSettings, StepLROptions, ExponentialLRSettings, InverseTimeLRSettings,
  CosineAnnealingLRSettings, CosineAnnealingLROptions,
} from './schedule.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export type { ClipParams } from './clip.js';
