/** Layers and the Module base class. */
export * from './module.js';
export * from './layers.js';
export { RemovableHandle } from './hooks.js';
export type { ForwardHook, ForwardPreHook } from './hooks.js';
export * as init from './init.js';
export type { InitName, Nonlinearity, KaimingOptions } from './init.js';
