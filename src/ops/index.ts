/** Every differentiable operation, and the fluent Tensor methods (installed on import). */
import './methods.js';
export * from './arith.js';
export * from './activation.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './matmul.js';
export * from './shape.js';
export * from './conv.js';
export * from './pool.js';
export * from './batchnorm.js';
export { embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { sampleLogits } from './sample.js';
export type { SampleOptions } from './sample.js';
export type { IntOrTuple } from './window.js';
export * from './recurrence.js';
