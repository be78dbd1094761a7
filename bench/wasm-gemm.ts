/**
 * The WebAssembly SIMD matmul against the cpu kernel, in GFLOP/s (2·m·n·k / seconds, median of
 * several runs, copies in and out included), single thread, by wall clock and — because the
 * machine may be shared — by this process's CPU time. Relaxed SIMD is measured only where
 * the engine validates it (Node 20: run with --experimental-wasm-relaxed-simd).
 * With --train it also times training steps (MLP 784-128-10 batch 64, RNN/LSTM h128 in64 T32 b32,
 * LeNet-5 batch 64 on MNIST digits, also as samples/s)
 * under the cpu backend, a backend whose only wasm kernel is matmul, and the whole wasm backend.
 * Each wasm build is measured at every thread count of --threads (default 1,2; pool.ts's setThreads);
 * the CPU-time column then counts the CPU time of all threads.
 * Usage: npx tsx bench/wasm-gemm.ts [--runs N] [--only NAME] [--train] [--threads 1,2]
 *   node --experimental-wasm-relaxed-simd --import tsx bench/wasm-gemm.ts
 */
import { matmul as cpuMatmul, type MatmulOptions } from '../src/kernels/cpu/matmul.js';
import { setThreads, wasmBackend, wasmFeatures, wasmMatmul } from '../src/kernels/wasm/index.js';
import type { FloatArray } from '../src/kernels/types.js';
import { kernelNames, registerBackend, setBackend } from '../src/kernels/backend.js';
import { WASM_FALLBACK } from '../src/kernels/wasm-declaration.js';
import { lenetSamplesPerSec, mlpStepMs } from './backprop.js';
import { mnistTrainDigits, randomBatch } from './data.js';
import { digitBatches, lenetWeights } from './lenet-data.js';
import { rnnStepMs } from './rnn-backprop.js';
import { rnnProblem } from './rnn-data.js';

type MatmulFn = (a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts?: MatmulOptions) => FloatArray;

/** One benchmarked product: C[m,n] = op(A)·op(B) with the given options. */
interface Shape {
  name: string;
  m: number;
  k: number;
  n: number;
  opts: MatmulOptions;
}

const shapes: Shape[] = [
  { name: '128³', m: 128, k: 128, n: 128, opts: {} },
  { name: '256³', m: 256, k: 256, n: 256, opts: {} },
  { name: '512³', m: 512, k: 512, n: 512, opts: {} },
  { name: '1024³', m: 1024, k: 1024, n: 1024, opts: {} },
  { name: 'rnn 32×128×128 Bᵀ', m: 32, k: 128, n: 128, opts: { transB: true } },
  { name: 'rnn 32×128×128', m: 32, k: 128, n: 128, opts: {} },
  { name: 'rnn dW 128×32×128 Aᵀ', m: 128, k: 32, n: 128, opts: { transA: true } },
  { name: 'mlp 64×784×128 Bᵀ', m: 64, k: 784, n: 128, opts: { transB: true } },
  { name: 'mlp 128×64×784 Aᵀ', m: 128, k: 64, n: 784, opts: { transA: true } },
];

/** Fills a float32 array of n elements with uniform values in [-1, 1). */
function randomArray(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

/** Median of a list of numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** GFLOP/s of every run of one shape, by wall-clock and by CPU time. */
interface Rates {
  wall: number[];
  cpu: number[];
}

/** Times one shape: repeats the call until a run lasts >= minMs, returns GFLOP/s of every run. */
function measure(matmul: MatmulFn, s: Shape, runs: number, minMs: number): Rates {
  const a = randomArray(s.m * s.k);
  const b = randomArray(s.k * s.n);
  const flops = 2 * s.m * s.n * s.k;
  let reps = 1;
  // warm-up (also lets V8 tier the wasm up to TurboFan), and choose the number of calls per run
  for (let w = 0; ; w++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) matmul(a, b, s.m, s.k, s.n, s.opts);
    const dt = performance.now() - t0;
    if (dt >= minMs && w >= 2) break;
    if (dt < minMs) reps = Math.max(reps * 2, Math.ceil((reps * minMs) / Math.max(dt, 1e-3)));
  }
  const out: Rates = { wall: [], cpu: [] };
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) matmul(a, b, s.m, s.k, s.n, s.opts);
    const sec = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    out.wall.push((flops * reps) / sec / 1e9);
    out.cpu.push((flops * reps) / ((c1.user + c1.system) / 1e6) / 1e9);
  }
  return out;
}

/** Median ms of the MLP and RNN/LSTM training steps: cpu backend, wasm matmul only, whole wasm backend. */
function trainingSteps(variant: 'simd' | 'relaxed', threads: number[]): void {
  const wasm = wasmBackend();
  if (!wasm) return;
  // Registry v2: a backend names every kernel it leaves to the cpu kernels.
  const full = { ...wasm, fallback: wasm.fallback ?? WASM_FALLBACK };
  registerBackend({ name: 'wasm-matmul', kernels: { matmul: wasmMatmul(variant) }, fallback: kernelNames.filter((k) => k !== 'matmul') });
  registerBackend(full);
  const mlpBatch = randomBatch(64, 784, 10, 3);
  const lenet = digitBatches(mnistTrainDigits(256, 0), 64, 4);
  // 10 warm-up steps: V8 moves hot wasm functions from its baseline compiler (Liftoff) to TurboFan after some use.
  const rnnOpts = { warmup: 10, reps: 20, budgetMs: 10_000 };
  const rows: [string, () => number][] = [
    ['MLP 784-128-10 step b64', () => mlpStepMs(mlpBatch, 128, 0.1, { warmup: 10, reps: 50 })],
    ['RNN step h128 in64 T32 b32', () => rnnStepMs(rnnProblem('rnn'), 0.1, rnnOpts, 'fused').value],
    ['LSTM step h128 in64 T32 b32', () => rnnStepMs(rnnProblem('lstm'), 0.1, rnnOpts, 'fused').value],
    // bench/run.ts's LeNet-5 row: batch 64, 4 MNIST batches in turn, the same initial weights, SGD lr 0.05.
    ['LeNet-5 step b64', () => 64_000 / lenetSamplesPerSec(lenet, lenetWeights(7), 0.05, { warmup: 10, reps: 30, budgetMs: 10_000 }).value],
  ];
  console.log(`\ntraining step, median ms (wasm-${variant}; kernels of the whole backend: ${Object.keys(full.kernels).join(', ')})`);
  for (const t of threads) {
    setThreads(t);
    console.log(`threads: ${t}`);
    console.log(`${'step'.padEnd(30)}${'cpu'.padStart(9)}${'wasm matmul'.padStart(13)}${'wasm'.padStart(9)}`);
    for (const [name, fn] of rows) {
      const ms = ['cpu', 'wasm-matmul', full.name].map((b) => {
        setBackend(b);
        return fn();
      });
      setBackend('cpu');
      console.log(`${name.padEnd(30)}${ms[0].toFixed(2).padStart(9)}${ms[1].toFixed(2).padStart(13)}${ms[2].toFixed(2).padStart(9)}   ×${(ms[0] / ms[2]).toFixed(2)}`);
      const perSec = ms.map((x) => Math.round(64_000 / x).toString());
      if (name.startsWith('LeNet')) console.log(`${'  as samples/s'.padEnd(30)}${perSec[0].padStart(9)}${perSec[1].padStart(13)}${perSec[2].padStart(9)}`);
    }
  }
  setThreads(undefined);
}

/** A matmul that runs on `threads` threads (set before every call, as several columns share the pool). */
function onThreads(fn: MatmulFn, threads: number): MatmulFn {
  return (a, b, m, k, n, opts) => {
    setThreads(threads);
    return fn(a, b, m, k, n, opts);
  };
}

/** Parses the arguments and prints one line per shape, one column per implementation. */
function main(): void {
  const args = process.argv.slice(2);
  let runs = 7;
  let only: string | undefined;
  let train = false;
  let threads = [1, 2];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--only') only = args[++i];
    else if (args[i] === '--train') train = true;
    else if (args[i] === '--threads') threads = (args[++i] ?? '1').split(',').map(Number);
  }
  const f = wasmFeatures();
  const impls: [string, MatmulFn][] = [['cpu', cpuMatmul]];
  for (const t of threads) {
    if (f.simd) impls.push([`wasm-simd ×${t}`, onThreads(wasmMatmul('simd'), t)]);
    if (f.relaxedSimd) impls.push([`wasm-relaxed ×${t}`, onThreads(wasmMatmul('relaxed'), t)]);
  }
  console.log(`matmul GFLOP/s, median of ${runs} runs: wall (min–max) / cpu-time (all threads); ×N = N threads; features ${JSON.stringify(f)}`);
  console.log('shape'.padEnd(22) + impls.map(([name]) => name.padStart(30)).join(''));
  for (const s of shapes) {
    if (only !== undefined && !s.name.includes(only)) continue;
    const cells = impls.map(([, fn]) => {
      const g = measure(fn, s, runs, s.m * s.n * s.k >= 1 << 29 ? 400 : 150);
      const range = `(${Math.min(...g.wall).toFixed(1)}–${Math.max(...g.wall).toFixed(1)})`;
      return `${median(g.wall).toFixed(2)} ${range} / ${median(g.cpu).toFixed(1)}`.padStart(30);
    });
    console.log(s.name.padEnd(22) + cells.join(''));
  }
  if (train && f.simd) trainingSteps(f.relaxedSimd ? 'relaxed' : 'simd', threads);
}

main();
