/** backprop: tensors, reverse-mode back-propagation and the pieces to train neural networks. */
export * from './errors.js';
export { Tensor, tensor, scalar, zeros, ones, full, zerosLike, arange, eye, rand, randn, fromTypedArray, getDefaultDtype } from './tensor/tensor.js';
export type { DType, NestedArray, TensorOptions, TensorLike, GraphNode } from './tensor/tensor.js';
export type { Shape } from './tensor/shape.js';
export { manualSeed, getRngState, setRngState, random, randomInt, randomNormal, randperm } from './tensor/random.js';
export { backward, noGrad, isGradEnabled, setGradEnabled } from './autograd/graph.js';
export type { BackwardOptions } from './autograd/graph.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';
export * from './ops/index.js';
export { kernels, cpuKernels, kernelNames, registerBackend, setBackend, getBackend, listBackends, missingKernels, overrideKernel } from './kernels/backend.js';
export type { Backend, Kernels, KernelName } from './kernels/backend.js';
export type { FloatArray } from './kernels/types.js';
export * from './nn/index.js';
export * from './losses/index.js';
export * from './models/index.js';
export * from './train/index.js';
