/** backprop: tensors, reverse-mode back-propagation and the pieces to train neural networks. */
export { BackpropError, ShapeError, ValueError, GraphError, ConfigError, FileFormatError, FileAccessError, NonFiniteError } from './errors.js';
export { Tensor, tensor, scalar, zeros, ones, full, zerosLike, arange, eye, rand, randn, fromTypedArray, getDefaultDtype } from './tensor/tensor.js';
export type { DType, NestedArray, TensorOptions, TensorLike, GraphNode, OpAttr } from './tensor/tensor.js';
export type { Shape } from './tensor/shape.js';
export { manualSeed, MAX_SEED, getRngState, setRngState, random, randomInt, randomNormal, randperm } from './tensor/random.js';
export { backward, noGrad, isGradEnabled, setGradEnabled } from './autograd/graph.js';
export type { BackwardOptions } from './autograd/graph.js';
export { setDebug, isDebug, detectAnomaly } from './autograd/debug.js';
export { scopePath } from './autograd/scope.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';
export * from './ops/index.js';
export { cpuKernels, kernelNames, registerBackend, registerKernel, setBackend, getBackend, listBackends, describeBackend, missingKernels, overrideKernel } from './kernels/backend.js';
export type { Backend, BackendDescription, Kernels, KernelName } from './kernels/backend.js';
// Makes the wasm backend known and applies BACKPROP_BACKEND (or the default) at import.
import './kernels/select.js';
export { setThreads } from './kernels/wasm/pool.js';
export type { FloatArray } from './kernels/types.js';
export * from './nn/index.js';
export * from './losses/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './optim/index.js';
export * from './data/index.js';
export * from './io/index.js';
