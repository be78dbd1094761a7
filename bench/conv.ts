/**
 * Micro-benchmark of conv2d (not a test): batch 32, 64→64 channels, 3×3, 32×32, padding 1.
 * Prints the median ms of forward, of each gradient kernel, and of the op's forward + backward,
 * by wall clock and by this process's CPU time (the machine may be shared); and, for the design
 * decision in src/kernels/cpu/conv.ts, the same layer with the columns of the whole batch
 * unrolled at once ("batched") against the kernels in use ("per sample").
 * Usage: npx tsx bench/conv.ts [--runs N] [--layer resnet|lenet1|lenet2] [--op-only]
 */
import { conv2d, randn, type Tensor } from '../src/index.js';
import * as cpu from '../src/kernels/cpu/conv.js';
import type { Conv2dGeometry } from '../src/kernels/cpu/conv.js';
import { matmul } from '../src/kernels/cpu/matmul.js';
import { permute } from '../src/kernels/cpu/layout.js';
import { median } from './stats.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);

/** The benchmarked layers: the issue's row, and LeNet-5's two convolutions (batch 64). */
const layers: Record<string, Conv2dGeometry> = {
  resnet: { n: 32, c: 64, h: 32, w: 32, o: 64, kh: 3, kw: 3, oh: 32, ow: 32, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
  lenet1: { n: 64, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, oh: 28, ow: 28, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, groups: 1 },
  lenet2: { n: 64, c: 6, h: 14, w: 14, o: 16, kh: 5, kw: 5, oh: 10, ow: 10, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
};
const layerName = process.argv.includes('--layer') ? process.argv[process.argv.indexOf('--layer') + 1] : 'resnet';
const geom = layers[layerName];
if (!geom) throw new Error(`unknown --layer ${layerName}; one of ${Object.keys(layers).join(', ')}`);
const { n: N, c: C, h: H, w: W, o: O, kh: KH, kw: KW, oh: OH, ow: OW } = geom;

/** Median wall and CPU ms of `runs` calls after warm-up calls (until 3 calls and 200 ms, so the JIT has settled). */
function time(fn: () => void): { wall: number; cpu: number } {
  const t0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - t0 < 200; i++) fn();
  const wall: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpuMs) };
}

/** The batched alternative: one [C·kH·kW, N·OH·OW] column matrix for the whole batch. */
const batched = {
  columns(x: Float32Array, g: Conv2dGeometry): Float32Array {
    const rows = g.c * g.kh * g.kw;
    const s = g.oh * g.ow;
    const one = new Float32Array(rows * s);
    const all = new Float32Array(rows * g.n * s);
    for (let i = 0; i < g.n; i++) {
      cpu.im2col(x, g, i, one);
      for (let r = 0; r < rows; r++) all.set(one.subarray(r * s, (r + 1) * s), (r * g.n + i) * s);
    }
    return all;
  },
  forward(x: Float32Array, w: Float32Array, g: Conv2dGeometry): Float32Array {
    const y = matmul(w, this.columns(x, g), g.o, g.c * g.kh * g.kw, g.n * g.oh * g.ow);
    return permute(y, [g.o, g.n, g.oh * g.ow], [1, 0, 2]) as Float32Array;
  },
  weightGrad(x: Float32Array, dy: Float32Array, g: Conv2dGeometry): Float32Array {
    const d = permute(dy, [g.n, g.o, g.oh * g.ow], [1, 0, 2]);
    return matmul(d, this.columns(x, g), g.o, g.n * g.oh * g.ow, g.c * g.kh * g.kw, { transB: true }) as Float32Array;
  },
  inputGrad(dy: Float32Array, w: Float32Array, g: Conv2dGeometry): Float32Array {
    const rows = g.c * g.kh * g.kw;
    const s = g.oh * g.ow;
    const d = permute(dy, [g.n, g.o, s], [1, 0, 2]);
    const dcol = matmul(w, d, rows, g.o, g.n * s, { transA: true });
    const dx = new Float32Array(g.n * g.c * g.h * g.w);
    const one = new Float32Array(rows * s);
    for (let i = 0; i < g.n; i++) {
      for (let r = 0; r < rows; r++) one.set(dcol.subarray((r * g.n + i) * s, (r * g.n + i + 1) * s), r * s);
      cpu.col2im(one, geom, i, dx);
    }
    return dx;
  },
};

const x = randn([N, C, H, W]);
const w = randn([O, C, KH, KW], { std: 0.05 });
const dy = randn([N, O, OH, OW]);
const fmt = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(1).padStart(7)} ms wall ${t.cpu.toFixed(1).padStart(7)} ms cpu`;
const flops = 2 * N * O * C * KH * KW * OH * OW;

console.log(`conv2d batch ${N}, ${C}→${O} channels, ${KH}×${KW}, ${H}×${W}, padding ${geom.ph} (${(flops / 1e9).toFixed(3)} GFLOP per pass), median of ${RUNS}`);
const rows: [string, () => void][] = [
  ['per sample: forward', () => cpu.conv2d(x.data, w.data, null, geom)],
  ['per sample: input gradient', () => cpu.conv2dInputGrad(dy.data, w.data, geom)],
  ['per sample: weight gradient', () => cpu.conv2dWeightGrad(x.data, dy.data, geom)],
  ['batched:    forward', () => batched.forward(x.data, w.data, geom)],
  ['batched:    input gradient', () => batched.inputGrad(dy.data, w.data, geom)],
  ['batched:    weight gradient', () => batched.weightGrad(x.data, dy.data, geom)],
];
const only = process.argv.includes('--op-only');
if (!only) for (const [name, fn] of rows) console.log(`${name.padEnd(30)} ${fmt(time(fn))}`);

// The op as a layer uses it: forward with bias, then backward to x, w and b.
const xs = randn([N, C, H, W], { requiresGrad: true });
const ws = randn([O, C, KH, KW], { std: 0.05, requiresGrad: true });
const bs = randn([O], { requiresGrad: true });
const t = time(() => {
  xs.grad = ws.grad = bs.grad = null;
  const y: Tensor = conv2d(xs, ws, bs, { padding: geom.ph });
  y.backward(dy);
});
console.log(`${'conv2d op: forward + backward'.padEnd(30)} ${fmt(t)}  (${((3 * flops) / (t.cpu / 1000) / 1e9).toFixed(2)} GFLOP/s by cpu time)`);
