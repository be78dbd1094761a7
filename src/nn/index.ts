/** Layers and the Module base class. */
export { Module, registerModuleType, moduleFromConfig } from './module.js';
export type { JsonValue, ModuleConfig, AnyModule } from './module.js';
export * from './layers.js';
export * from './activations.js';
export * from './batchnorm.js';
export type { InputShape } from './input-shape.js';
export { summarize, formatSummary, printSummary } from './summary.js';
export type { InputSpec, OutputShape, SummaryRow, ModelSummary } from './summary.js';
export { RemovableHandle } from './hooks.js';
export type { ForwardHook, ForwardPreHook } from './hooks.js';
export * as init from './init.js';
export type { InitName, Nonlinearity, KaimingOptions } from './init.js';
export { Conv1d, Conv2d } from './conv.js';
export type { ConvLayerOptions } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d, GlobalAvgPool } from './pool.js';
export type { MaxPoolLayerOptions, AvgPoolLayerOptions } from './pool.js';
export { Residual } from './residual.js';
export type { ResidualOptions } from './residual.js';
