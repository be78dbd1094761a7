/**
 * The WebAssembly SIMD backend: kernels compiled from C (src/kernels/wasm/*.c, rebuilt by
 * scripts/build-wasm.sh) and embedded as base64 in module.generated.ts, so nothing is compiled or
 * downloaded at install. Two builds of the same source: relaxed SIMD (f32x4.relaxed_madd, a fused
 * multiply-add where the engine validates it) and plain SIMD (f32x4.mul + f32x4.add) otherwise.
 * One file per kernel family (matmul.ts, optim.ts, …); each passes its operands through
 * wasmCall (call.ts). Float64 arrays (gradient checks) go to the cpu kernels.
 */
import type { Backend } from '../backend.js';
import { bestVariant, wasmFeatures } from './instance.js';
import { wasmMatmul } from './matmul.js';
import { wasmConvKernels } from './conv.js';
import { wasmPoolKernels } from './pool.js';
import { wasmBatchNormKernels } from './batchnorm.js';
import { wasmOptimKernels } from './optim.js';
import { wasmReduceKernels } from './reduce.js';
import { wasmRecurrenceStep, wasmRecurrenceStepGrad } from './recurrence.js';

export { wasmFeatures, type WasmVariant } from './instance.js';
export { wasmMatmul } from './matmul.js';
export { wasmConvKernels, convChunk, COLUMN_BUDGET } from './conv.js';
export { wasmPoolKernels } from './pool.js';
export { wasmBatchNormKernels } from './batchnorm.js';
export { wasmOptimKernels } from './optim.js';
export { wasmReduceKernels } from './reduce.js';
export { wasmRecurrenceStep, wasmRecurrenceStepGrad } from './recurrence.js';

/** The wasm backend (relaxed SIMD where validated, plain SIMD otherwise), or null without WebAssembly SIMD. */
export function wasmBackend(): Backend | null {
  if (!wasmFeatures().simd) return null;
  const variant = bestVariant();
  return {
    name: 'wasm',
    kernels: {
      matmul: wasmMatmul(variant),
      ...wasmOptimKernels(variant),
      ...wasmReduceKernels(variant),
      recurrenceStep: wasmRecurrenceStep(variant),
      recurrenceStepGrad: wasmRecurrenceStepGrad(variant),
      ...wasmConvKernels(variant),
      ...wasmPoolKernels(variant),
      ...wasmBatchNormKernels(variant),
    },
  };
}
