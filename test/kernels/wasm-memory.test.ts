// The wasm module on shared memory (the threads build) and its unshared fallback: the memory is a
// SharedArrayBuffer, views survive growth, worker stacks sit between the data and the heap, and
// the same bytes with the import's shared flag cleared compute the same products bit for bit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  instance, instantiate, memoryImport, moduleBytes, workerStackTop, ensureBytes,
  MAX_WORKERS, WORKER_STACK_BYTES, type WasmInstance,
} from '../../src/kernels/wasm/instance.js';
import { wasmCall } from '../../src/kernels/wasm/call.js';
import { randomArray } from './data.js';

interface GemmExports {
  gemm_batch(...args: number[]): void;
  gemm_scratch(m: number, k: number, n: number): number;
}

/** C = A·B (m×k×n, no transposes) through gemm_batch on an instance. */
function product(inst: WasmInstance, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const ex = inst.exports as unknown as GemmExports;
  const out = wasmCall(inst, (c) => {
    const pa = c.input(a);
    const pb = c.input(b);
    const pc = c.output(m * n);
    ex.gemm_batch(pa, pb, pc, m, k, n, 0, 0, 0, 1, m * k, k * n, c.scratch(ex.gemm_scratch(m, k, n)));
  });
  assert.ok(out);
  return out[0] as Float32Array;
}

describe('wasm memory', () => {
  test('the module imports a shared memory of at most 2 GiB', () => {
    const imp = memoryImport(moduleBytes('simd'));
    assert.equal(imp.flags, 0x03, 'has a maximum and is shared');
    assert.equal(imp.maximum, 32768);
    assert.equal(imp.initial, 64);
  });

  test('Node instantiates it on a SharedArrayBuffer, with worker stacks below the heap', () => {
    const inst = instance('simd');
    assert.equal(inst.shared, true);
    assert.ok(inst.memory.buffer instanceof SharedArrayBuffer);
    assert.ok(inst.stacks > 0 && inst.stacks % 64 === 0);
    assert.equal(workerStackTop(inst, MAX_WORKERS - 1), inst.heapBase);
    assert.equal(workerStackTop(inst, 0), inst.stacks + WORKER_STACK_BYTES);
  });

  test('a view over the shared memory stays valid after the memory grows', () => {
    const inst = instantiate('simd', true);
    const view = new Float32Array(inst.memory.buffer, inst.heapBase, 4);
    view.set([1, 2, 3, 4]);
    const before = inst.memory.buffer.byteLength;
    assert.ok(ensureBytes(inst.memory, before + 65536 * 3));
    assert.ok(inst.memory.buffer.byteLength >= before + 65536 * 3);
    assert.deepEqual([...view], [1, 2, 3, 4]);
    new Float32Array(inst.memory.buffer, inst.heapBase, 4)[2] = 9;
    assert.equal(view[2], 9, 'the old view sees writes through the new buffer');
  });

  test('the unshared fallback (shared flag patched) computes the same products bit for bit', () => {
    const unshared = instantiate('simd', false);
    assert.equal(unshared.shared, false);
    assert.ok(!(unshared.memory.buffer instanceof SharedArrayBuffer));
    assert.equal(unshared.stacks, 0);
    const shared = instantiate('simd', true);
    for (const [m, k, n] of [[3, 40, 70], [64, 784, 128], [130, 300, 257], [70, 450, 1]] as const) {
      const a = randomArray(m * k, m + k) as Float32Array;
      const b = randomArray(k * n, n + 7) as Float32Array;
      assert.deepEqual(product(unshared, a, b, m, k, n), product(shared, a, b, m, k, n), `${m}x${k}x${n}`);
    }
  });

  test('a second instance on the same memory does not clear it (the start function runs once)', () => {
    const inst = instantiate('simd', true);
    const marker = new Float32Array(inst.memory.buffer, inst.heapBase, 1);
    marker[0] = 42;
    const again = new WebAssembly.Instance(inst.module, { env: { memory: inst.memory } });
    assert.ok(again.exports.gemm_batch);
    assert.equal(marker[0], 42);
  });
});
