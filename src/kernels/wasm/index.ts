/**
 * The WebAssembly SIMD backend: kernels compiled from C (src/kernels/wasm/*.c, rebuilt by
 * scripts/build-wasm.sh) and embedded as base64 in module.generated.ts, so nothing is compiled or
 * downloaded at install. Two builds of the same source: relaxed SIMD (f32x4.relaxed_madd, a fused
 * multiply-add where the engine validates it) and plain SIMD (f32x4.mul + f32x4.add) otherwise.
 * One file per kernel family (matmul.ts, optim.ts, …); each passes its operands through
 * wasmCall (call.ts). Float64 arrays (gradient checks) go to the cpu kernels.
 */
import type { Backend } from '../backend.js';
import { bestVariant, instance, wasmFeatures } from './instance.js';
import { poolStatus } from './pool.js';
import { storageOf } from './storage.js';
import { wasmMatmul } from './matmul.js';
import { wasmConvKernels } from './conv.js';
import { wasmPoolKernels } from './pooling.js';
import { wasmBatchNormKernels } from './batchnorm.js';
import { wasmOptimKernels } from './optim.js';
import { wasmReduceKernels } from './reduce.js';
import { wasmRecurrenceStep, wasmRecurrenceStepGrad } from './recurrence.js';
import { wasmUnaryKernels } from './unary.js';
import { wasmBinaryKernels } from './binary.js';
import { wasmSoftmaxKernels } from './softmax.js';

export { wasmFeatures, type WasmVariant } from './instance.js';
export { copyStats, resetCopyStats, type CopyStats } from './call.js';
export { storageOf, type StorageStats } from './storage.js';
export { wasmMatmul } from './matmul.js';
export { setThreads, threadCount, parallelFor } from './pool.js';
export { wasmConvKernels, convChunk, COLUMN_BUDGET } from './conv.js';
export { wasmPoolKernels } from './pooling.js';
export { wasmBatchNormKernels } from './batchnorm.js';
export { wasmOptimKernels } from './optim.js';
export { wasmReduceKernels } from './reduce.js';
export { wasmRecurrenceStep, wasmRecurrenceStepGrad } from './recurrence.js';
export { wasmUnaryKernels } from './unary.js';
export { wasmBinaryKernels } from './binary.js';
export { wasmSoftmaxKernels } from './softmax.js';

/** The wasm backend (relaxed SIMD where validated, plain SIMD otherwise), or null without WebAssembly SIMD. */
export function wasmBackend(): Backend | null {
  if (!wasmFeatures().simd) return null;
  const variant = bestVariant();
  const storage = storageOf(instance(variant));
  return {
    name: 'wasm',
    // Tensors live in the module's memory only when it is shared (views survive growth); else the copy path.
    ...(storage.persistent ? { storage } : {}),
    kernels: {
      matmul: wasmMatmul(variant),
      ...wasmOptimKernels(variant),
      ...wasmReduceKernels(variant),
      ...wasmUnaryKernels(variant),
      ...wasmBinaryKernels(variant),
      ...wasmSoftmaxKernels(variant),
      recurrenceStep: wasmRecurrenceStep(variant),
      recurrenceStepGrad: wasmRecurrenceStepGrad(variant),
      ...wasmConvKernels(variant),
      ...wasmPoolKernels(variant),
      ...wasmBatchNormKernels(variant),
    },
    threads: () => wasmThreads().threads,
  };
}

/** The threads the wasm kernels run on (setThreads / BACKPROP_THREADS / the default), and why only one when they cannot use more. */
export function wasmThreads(): { threads: number; reason?: string } {
  return poolStatus(instance(bestVariant()));
}
