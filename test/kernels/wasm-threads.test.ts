// The worker pool and the threaded GEMM: split products equal single-threaded ones bit for bit
// (both builds, every transpose, batches with strides), the thread count follows setThreads and
// BACKPROP_THREADS (1 = no workers), parallelFor runs every part once, and a process that used the
// pool exits on its own.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { MatmulOptions } from '../../src/kernels/cpu/matmul.js';
import { wasmFeatures, wasmMatmul, type WasmVariant } from '../../src/kernels/wasm/index.js';
import { setParallelMinMacs } from '../../src/kernels/wasm/matmul.js';
import { instance } from '../../src/kernels/wasm/instance.js';
import { defaultThreads, parallelFor, poolStatus, poolWorkers, setThreads, threadCount } from '../../src/kernels/wasm/pool.js';
import { randomArray, operandSizes as sizes } from './data.js';
import { describeBackend, getBackend, setBackend } from '../../src/kernels/backend.js';
import '../../src/kernels/select.js';
import { backendInfoLines } from '../../src/cli/info.js';

if (!wasmFeatures().relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The product on `threads` threads, with every product split however small. */
function product(variant: WasmVariant, threads: number, m: number, k: number, n: number, opts: MatmulOptions, seed: number): Float32Array {
  const [la, lb] = sizes(m, k, n, opts);
  const a = randomArray(la, seed) as Float32Array;
  const b = randomArray(lb, seed + 1) as Float32Array;
  setThreads(threads);
  return wasmMatmul(variant)(a, b, m, k, n, opts) as Float32Array;
}

const SHAPES: [number, number, number][] = [
  [4, 3, 2], [5, 9, 9], [8, 16, 8], [33, 17, 65], [128, 128, 128], [130, 70, 257], [197, 300, 1030],
  [64, 784, 128], [7, 513, 5], [300, 40, 9], [17, 600, 300], [1030, 20, 12], [100, 64, 1], [3, 40, 70],
];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe('wasm threads', () => {
  const before = setParallelMinMacs(1);
  after(() => {
    setParallelMinMacs(before);
    setThreads(undefined);
  });

  for (const variant of ['simd', 'relaxed'] as WasmVariant[]) {
    for (const [m, k, n] of SHAPES) {
      test(`${variant}: ${m}x${k}x${n} on 2, 3 and 4 threads equals 1 thread bit for bit, every transpose`, () => {
        for (const [transA, transB] of TRANSPOSES) {
          const seed = m * 7 + k * 3 + n;
          const one = product(variant, 1, m, k, n, { transA, transB }, seed);
          for (const t of [2, 3, 4]) {
            const many = product(variant, t, m, k, n, { transA, transB }, seed);
            assert.deepEqual(many, one, `${variant} ${m}x${k}x${n} transA=${transA} transB=${transB} on ${t} threads`);
          }
        }
      });
    }
    test(`${variant}: batches (split by product, or each product split) equal 1 thread bit for bit`, () => {
      const cases: [number, number, number, MatmulOptions][] = [
        [16, 32, 24, { batch: 7 }],
        [16, 32, 24, { batch: 3, strideB: 0 }],
        [40, 50, 60, { batch: 2, transA: true }],
        [9, 70, 33, { batch: 5, transB: true, strideA: 0 }],
        [64, 20, 64, { batch: 6, strideB: 0, transA: true, transB: true }],
        [2, 30, 20, { batch: 9 }],
      ];
      for (const [m, k, n, opts] of cases) {
        const one = product(variant, 1, m, k, n, opts, m + n);
        for (const t of [2, 4]) assert.deepEqual(product(variant, t, m, k, n, opts, m + n), one, `${m}x${k}x${n} ${JSON.stringify(opts)} on ${t}`);
      }
    });
  }

  test('setThreads(1) starts no workers; setThreads(n) reports n threads; bad counts are typed errors', () => {
    const inst = instance('simd');
    setThreads(3);
    assert.equal(threadCount(), 3);
    assert.deepEqual(poolStatus(inst), { threads: 3 });
    setThreads(1);
    assert.deepEqual(poolStatus(inst), { threads: 1 });
    setThreads(undefined);
    assert.equal(threadCount(), defaultThreads());
    assert.throws(() => setThreads(0), /threads: expected an integer from 1 to 16, got 0/);
    assert.throws(() => setThreads(2.5), /got 2\.5/);
  });

  test('describeBackend and backprop info --backend report the threads of the wasm backend', () => {
    const before = getBackend();
    setBackend('wasm');
    try {
      setThreads(2);
      assert.equal(describeBackend().threads, 2);
      assert.ok(backendInfoLines().includes('threads: 2'));
      setThreads(1);
      assert.equal(describeBackend('wasm').threads, 1);
      assert.ok(backendInfoLines().includes('threads: 1'));
    } finally {
      setBackend(before);
    }
  });

  test('parallelFor runs every part exactly once, on threads 0..n-1', () => {
    const inst = instance('simd');
    setThreads(3);
    // gemm_batch_part with 1×1×1 products: product p is C[p] = A[p]·B[p]; A[p] = p, B = 1.
    const parts = 50;
    const ex = inst.exports as unknown as { gemm_scratch(m: number, k: number, n: number): number };
    const base = inst.heapBase;
    const mem = new Float32Array(inst.memory.buffer, base, 3 * parts);
    for (let p = 0; p < parts; p++) {
      mem[p] = p + 1;
      mem[parts + p] = 2;
      mem[2 * parts + p] = -1;
    }
    const scratch = base + 4 * 3 * parts;
    const per = ex.gemm_scratch(1, 1, 1);
    parallelFor(inst, 'gemm_batch_part', [base, base + 4 * parts, base + 8 * parts, 1, 1, 1, 0, 0, parts, 1, 1, 1, scratch, per], parts);
    const out = new Float32Array(inst.memory.buffer, base + 8 * parts, parts);
    assert.deepEqual([...out], Array.from({ length: parts }, (_, p) => 2 * (p + 1)));
    assert.ok(poolWorkers(inst) >= 2, 'workers were started');
  });

  test('BACKPROP_THREADS sets the default; a process that used the pool exits on its own', () => {
    const script = `
      import { wasmMatmul } from './src/kernels/wasm/matmul.ts';
      import { instance } from './src/kernels/wasm/instance.ts';
      import { poolStatus, poolWorkers, threadCount } from './src/kernels/wasm/pool.ts';
      const a = new Float32Array(256 * 256).fill(1);
      const c = wasmMatmul('simd')(a, a, 256, 256, 256);
      console.log(JSON.stringify({ threads: threadCount(), workers: poolWorkers(instance('simd')), status: poolStatus(instance('simd')), c0: c[0] }));
    `;
    const run = (env: string): { threads: number; workers: number; c0: number } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root, env: { ...process.env, BACKPROP_THREADS: env }, timeout: 60_000, encoding: 'utf8',
      });
      assert.equal(r.signal, null, `BACKPROP_THREADS=${env}: killed after the timeout (did not exit): ${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim()) as { threads: number; workers: number; c0: number };
    };
    const two = run('2');
    assert.equal(two.threads, 2);
    assert.equal(two.workers, 1, '256³ (16.7 M multiply-adds) is split over 2 threads');
    assert.equal(two.c0, 256);
    const one = run('1');
    assert.equal(one.threads, 1);
    assert.equal(one.workers, 0);
    const bad = run('lots');
    assert.ok(bad.threads >= 1 && bad.threads <= 4, 'a bad BACKPROP_THREADS falls back to the default');
  });
});
