/**
 * The kernel registry. Every numeric loop the ops call goes through `kernels`, so a faster
 * backend (WebAssembly SIMD, threads) can replace any kernel, one at a time, with
 * `registerBackend` + `setBackend`, or a single kernel with `overrideKernel`.
 */
import * as elementwise from './cpu/elementwise.js';
import * as reduce from './cpu/reduce.js';
import * as layout from './cpu/layout.js';
import * as mm from './cpu/matmul.js';
import * as optim from './cpu/optim.js';
import * as conv from './cpu/conv.js';
import * as pool from './cpu/pool.js';
import * as batchnorm from './cpu/batchnorm.js';
import * as recurrence from './cpu/recurrence.js';
import { BackpropError } from '../errors.js';

/** The portable TypeScript kernels: the reference every other backend is checked against. */
export const cpuKernels = Object.freeze({
  // forward
  binary: elementwise.binary,
  broadcastTo: elementwise.broadcastTo,
  unary: elementwise.unary,
  softplus: elementwise.softplus,
  leakyRelu: elementwise.leakyRelu,
  elu: elementwise.elu,
  step: elementwise.step,
  powScalar: elementwise.powScalar,
  clamp: elementwise.clamp,
  affine: elementwise.affine,
  binaryCrossEntropy: elementwise.binaryCrossEntropy,
  sumAll: reduce.sumAll,
  sumAxis: reduce.sumAxis,
  extremeAxis: reduce.extremeAxis,
  softmax: reduce.softmax,
  matmul: mm.matmul,
  permute: layout.permute,
  sliceAxis: layout.sliceAxis,
  indexSelect: layout.indexSelect,
  gather: layout.gather,
  concat: layout.concat,
  conv2d: conv.conv2d,
  maxPool2d: pool.maxPool2d,
  avgPool2d: pool.avgPool2d,
  adaptiveAvgPool2d: pool.adaptiveAvgPool2d,
  batchNormStats: batchnorm.batchNormStats,
  batchNorm: batchnorm.batchNorm,
  recurrenceStep: recurrence.recurrenceStep,
  // backward
  sumToShape: elementwise.sumToShape,
  unaryGrad: elementwise.unaryGrad,
  softplusGrad: elementwise.softplusGrad,
  leakyReluGrad: elementwise.leakyReluGrad,
  eluGrad: elementwise.eluGrad,
  powScalarGrad: elementwise.powScalarGrad,
  clampGrad: elementwise.clampGrad,
  binaryCrossEntropyGrad: elementwise.binaryCrossEntropyGrad,
  binaryCrossEntropyTargetGrad: elementwise.binaryCrossEntropyTargetGrad,
  expandAxis: reduce.expandAxis,
  scatterAxis: reduce.scatterAxis,
  softmaxGrad: reduce.softmaxGrad,
  unsliceAxis: layout.unsliceAxis,
  indexAdd: layout.indexAdd,
  scatterAdd: layout.scatterAdd,
  conv2dInputGrad: conv.conv2dInputGrad,
  conv2dWeightGrad: conv.conv2dWeightGrad,
  conv2dBiasGrad: conv.conv2dBiasGrad,
  maxPool2dGrad: pool.maxPool2dGrad,
  avgPool2dGrad: pool.avgPool2dGrad,
  adaptiveAvgPool2dGrad: pool.adaptiveAvgPool2dGrad,
  batchNormGrad: batchnorm.batchNormGrad,
  recurrenceStepGrad: recurrence.recurrenceStepGrad,
  // accumulation and optimiser updates
  addInPlace: elementwise.addInPlace,
  addRowInPlace: elementwise.addRowInPlace,
  axpyInPlace: elementwise.axpyInPlace,
  batchNormUpdateRunning: batchnorm.batchNormUpdateRunning,
  sgdStep: optim.sgdStep,
  adamStep: optim.adamStep,
  rmspropStep: optim.rmspropStep,
});

/** The full set of kernels a backend provides. */
export type Kernels = { -readonly [K in keyof typeof cpuKernels]: (typeof cpuKernels)[K] };
/** The name of one kernel. */
export type KernelName = keyof Kernels;

/** Names of all kernels, forward and backward, that every backend must provide. */
export const kernelNames = Object.keys(cpuKernels) as KernelName[];

/** A named set of kernels; a partial set falls back to the cpu kernels for the rest. */
export interface Backend {
  name: string;
  kernels: Partial<Kernels>;
}

const backends = new Map<string, Backend>([['cpu', { name: 'cpu', kernels: cpuKernels }]]);
let current = 'cpu';

/** The kernels in use. Ops call `kernels.x(…)`; the object is updated in place by setBackend. */
export const kernels: Kernels = { ...cpuKernels };

/** Makes a backend available to `setBackend`. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Switches every op to the named backend's kernels (cpu kernels fill any it lacks). */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new BackpropError(`unknown backend '${name}'; registered: ${[...backends.keys()].join(', ')}`);
  Object.assign(kernels, cpuKernels, b.kernels);
  current = name;
}

/** Name of the backend in use. */
export function getBackend(): string {
  return current;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Kernels a backend does not implement itself (falls back to cpu for them). */
export function missingKernels(name: string): KernelName[] {
  const b = backends.get(name);
  if (!b) throw new BackpropError(`unknown backend '${name}'`);
  return kernelNames.filter((k) => typeof b.kernels[k] !== 'function');
}

/** Replaces one kernel of the current set (for a backend under development, or tests). */
export function overrideKernel<K extends KernelName>(name: K, fn: Kernels[K]): void {
  kernels[name] = fn;
}
