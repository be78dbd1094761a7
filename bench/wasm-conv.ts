/**
 * The wasm convolution kernels (src/kernels/wasm/conv.c) against the cpu kernels on LeNet-5's two
 * layers (batch 64) and a wide layer, and — for the layout decision recorded in
 * src/kernels/wasm/conv.ts — with one sample per product ("per sample"), the whole batch per
 * product ("batched"), and the default column budget. Ms per call: median by this process's CPU
 * time, median and fastest by wall clock (the machine may be shared), copies in and out included.
 * Usage: npx tsx bench/wasm-conv.ts [--runs N] [--layer lenet1|lenet2|wide]
 *   node --experimental-wasm-relaxed-simd --import tsx bench/wasm-conv.ts
 */
import * as cpu from '../src/kernels/cpu/conv.js';
import type { Conv2dGeometry } from '../src/kernels/cpu/conv.js';
import { bestVariant } from '../src/kernels/wasm/instance.js';
import { COLUMN_BUDGET, wasmConvKernels, type WasmConvKernels } from '../src/kernels/wasm/conv.js';
import { randomFloats } from './data.js';
import { median } from './stats.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 9);

/** The benchmarked layers: LeNet-5's two convolutions (batch 64) and a wide 3×3 layer. */
const layers: Record<string, Conv2dGeometry> = {
  lenet1: { n: 64, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, oh: 28, ow: 28, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, groups: 1 },
  lenet2: { n: 64, c: 6, h: 14, w: 14, o: 16, kh: 5, kw: 5, oh: 10, ow: 10, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
  wide: { n: 32, c: 64, h: 32, w: 32, o: 64, kh: 3, kw: 3, oh: 32, ow: 32, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
};

/** Median CPU and wall ms of one call, after warm-up (≥ 5 calls and 300 ms, so V8 has tiered the wasm up). */
function time(fn: () => void): { cpu: number; wall: number; best: number } {
  const t0 = performance.now();
  for (let i = 0; i < 5 || performance.now() - t0 < 300; i++) fn();
  const cpuMs: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    fn();
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { cpu: median(cpuMs), wall: median(wall), best: Math.min(...wall) };
}

/** The three kernels of one implementation as timed calls. */
function passes(k: Pick<WasmConvKernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>, g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array): (() => void)[] {
  return [() => k.conv2d(x, w, b, g), () => k.conv2dInputGrad(dy, w, g), () => k.conv2dWeightGrad(x, dy, g)];
}

const variant = bestVariant();
const names = arg('--layer') ? [arg('--layer') as string] : Object.keys(layers);
console.log(`conv kernels, ms per call over ${RUNS} calls: median cpu time / median wall / fastest wall; wasm-${variant}; default budget ${COLUMN_BUDGET} floats`);
console.log(`${'layer'.padEnd(8)}${'implementation'.padEnd(16)}${'forward'.padStart(24)}${'input grad'.padStart(24)}${'weight grad'.padStart(24)}`);
for (const name of names) {
  const g = layers[name];
  if (!g) throw new Error(`unknown --layer ${name}; one of ${Object.keys(layers).join(', ')}`);
  const x = randomFloats(g.n * g.c * g.h * g.w, 1);
  const w = randomFloats(g.o * g.c * g.kh * g.kw, 2);
  const b = randomFloats(g.o, 3);
  const dy = randomFloats(g.n * g.o * g.oh * g.ow, 4);
  const perSample = g.c * g.kh * g.kw * g.oh * g.ow;
  const impls: [string, Pick<WasmConvKernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>][] = [
    ['cpu', cpu],
    ['per sample', wasmConvKernels(variant, 0)],
    ['batched', wasmConvKernels(variant, g.n * perSample)],
    ['default', wasmConvKernels(variant)],
  ];
  for (const [impl, k] of impls) {
    const cells = passes(k, g, x, w, b, dy).map((fn) => {
      const t = time(fn);
      return `${t.cpu.toFixed(2)} / ${t.wall.toFixed(2)} / ${t.best.toFixed(2)}`.padStart(24);
    });
    console.log(`${name.padEnd(8)}${impl.padEnd(16)}${cells.join('')}`);
  }
}
