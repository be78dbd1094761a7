/**
 * Measures the float32 matmul kernel in GFLOP/s (2·m·n·k / seconds, median of several runs)
 * on square sizes and on the MLP training shapes. Prints the wall-clock rate and, because the
 * machine may be shared, the rate by this process's CPU time (time spent descheduled excluded).
 * Usage: npx tsx bench/matmul-gflops.ts [--runs N] [--only NAME] [path/to/other/matmul.ts]
 * (a module path compares another implementation exporting the same `matmul`).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { MatmulOptions } from '../src/kernels/cpu/matmul.js';
import type { FloatArray } from '../src/kernels/types.js';

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
  { name: '128', m: 128, k: 128, n: 128, opts: {} },
  { name: '256', m: 256, k: 256, n: 256, opts: {} },
  { name: '512', m: 512, k: 512, n: 512, opts: {} },
  { name: '1024', m: 1024, k: 1024, n: 1024, opts: {} },
  { name: 'x[64,784]·W[128,784]ᵀ', m: 64, k: 784, n: 128, opts: { transB: true } },
  { name: 'h[64,128]·W[10,128]ᵀ', m: 64, k: 128, n: 10, opts: { transB: true } },
  { name: 'dy[64,128]·W[128,784]', m: 64, k: 128, n: 784, opts: {} },
  { name: 'dy[64,128]ᵀ·x[64,784]', m: 128, k: 64, n: 784, opts: { transA: true } },
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

/** GFLOP/s of every run of one shape, by wall-clock time and by this process's CPU time. */
interface Rates {
  wall: number[];
  cpu: number[];
}

/** Times one shape: repeats the call until a run lasts >= minMs, returns GFLOP/s of every run. */
function measure(matmul: MatmulFn, s: Shape, runs: number, minMs: number): Rates {
  const a = randomArray(s.m * s.k);
  const b = randomArray(s.k * s.n);
  const flops = 2 * s.m * s.n * s.k;
  // warm-up, and choose the number of calls per run
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) matmul(a, b, s.m, s.k, s.n, s.opts);
    const dt = performance.now() - t0;
    if (dt >= minMs) break;
    reps = Math.max(reps * 2, Math.ceil((reps * minMs) / Math.max(dt, 1e-3)));
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

/** Parses the arguments, loads the kernel and prints one line per shape. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let runs = 7;
  let only: string | undefined;
  let modulePath = '../src/kernels/cpu/matmul.ts';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--only') only = args[++i];
    else modulePath = pathToFileURL(resolve(args[i])).href;
  }
  const mod = (await import(modulePath)) as { matmul: MatmulFn };
  console.log(`matmul GFLOP/s, median of ${runs} runs (${modulePath.replace(/^.*\/src\//, 'src/')})`);
  console.log(`${'shape'.padEnd(24)} ${'wall'.padStart(7)}   ${'(min–max)'.padEnd(14)} ${'cpu-time'.padStart(8)}`);
  for (const s of shapes) {
    if (only !== undefined && s.name !== only) continue;
    const g = measure(mod.matmul, s, runs, s.m * s.n * s.k >= 1 << 29 ? 400 : 150);
    const range = `(${Math.min(...g.wall).toFixed(2)}–${Math.max(...g.wall).toFixed(2)})`;
    console.log(`${s.name.padEnd(24)} ${median(g.wall).toFixed(2).padStart(7)}   ${range.padEnd(14)} ${median(g.cpu).toFixed(2).padStart(8)}`);
  }
}

await main();
