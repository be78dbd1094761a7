/**
 * The elementwise, softmax and accumulation kernels: the cpu kernel, the wasm kernel through its
 * wrapper (operands copied in and out by call.ts, as today), and the wasm kernel alone (operands
 * already in the wasm memory, as when tensors live there): median µs per call, by this process's
 * CPU time (the machine is shared). Sizes: the MLP's hidden layer (64×128), LeNet's first ReLU
 * (64×6×28×28) and the logits (64×10).
 * Usage: npx tsx bench/wasm-elementwise.ts [--runs N] [--only NAME]
 */
import * as cpuE from '../src/kernels/cpu/elementwise.js';
import * as cpuR from '../src/kernels/cpu/reduce.js';
import { instance, align, ensureBytes } from '../src/kernels/wasm/instance.js';
import { wasmBinaryKernels, wasmRecurrenceStep, wasmRecurrenceStepGrad, wasmSoftmaxKernels, wasmUnaryKernels } from '../src/kernels/wasm/index.js';
import { recurrenceStep, recurrenceStepGrad, type RecurrenceDims } from '../src/kernels/cpu/recurrence.js';

const inst = instance('simd');
const ex = inst.exports as unknown as Record<string, (...a: number[]) => number>;
const un = wasmUnaryKernels('simd');
const bi = wasmBinaryKernels('simd');
const sm = wasmSoftmaxKernels('simd');

/** n uniform values in [-2, 2). */
function rand(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random() * 4 - 2);
}

/** Places arrays in the wasm memory above the heap base (plus `extra` floats for outputs); their byte offsets. */
function place(arrays: Float32Array[], extra: number[]): number[] {
  let at = inst.heapBase;
  const offs: number[] = [];
  const sizes = [...arrays.map((a) => a.length), ...extra];
  for (const n of sizes) {
    offs.push(at);
    at = align(at + 4 * n);
  }
  if (!ensureBytes(inst.memory, at)) throw new Error('memory');
  arrays.forEach((a, i) => new Float32Array(inst.memory.buffer, offs[i], a.length).set(a));
  return offs;
}

/** Median µs of fn by CPU time, over `runs` runs of enough calls to last ≥ 20 ms. */
function time(fn: () => void, runs: number): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 >= 20) break;
    reps *= 2;
  }
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const c = process.cpuUsage(c0);
    out.push((c.user + c.system) / reps);
  }
  out.sort((a, b) => a - b);
  return out[out.length >> 1];
}

/** One row: a name, the cpu call, the wrapper call, and the kernel alone (called with its placed operands). */
type Row = [string, () => unknown, () => unknown, () => unknown];

/** The rows for one size n. */
function rows(n: number): Row[] {
  const x = rand(n), y = rand(n), s01 = Float32Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
  const [px, py, po] = place([x, y], [n]);
  const acc = x.slice();
  const r: Row[] = [];
  for (const [op, code] of [['relu', 7], ['neg', 0], ['exp', 1], ['log', 2], ['sigmoid', 5], ['tanh', 6]] as const) {
    r.push([`unary ${op}`, () => cpuE.unary(op, x), () => un.unary(op, x), () => ex.unary_f(code, px, po, n)]);
  }
  for (const [op, code, s] of [['relu', 7, x], ['sigmoid', 5, s01], ['tanh', 6, x]] as const) {
    r.push([`unaryGrad ${op}`, () => cpuE.unaryGrad(op, y, s), () => un.unaryGrad(op, y, s), () => ex.unary_grad_f(code, py, px, po, n)]);
  }
  r.push(['affine', () => cpuE.affine(x, 0.5, 1), () => un.affine(x, 0.5, 1), () => ex.affine_f(px, po, n, 0.5, 1)]);
  r.push(['binary mul', () => cpuE.binary('mul', x, [n], y, [n], [n]), () => bi.binary('mul', x, [n], y, [n], [n]), () => ex.binary_flat(2, px, 1, py, 1, po, n)]);
  r.push(['addInPlace', () => cpuE.addInPlace(acc, y), () => bi.addInPlace(acc, y), () => ex.add_in_place(po, py, n)]);
  r.push(['axpyInPlace', () => cpuE.axpyInPlace(acc, -1e-3, y), () => bi.axpyInPlace(acc, -1e-3, y), () => ex.axpy_in_place(po, -1e-3, py, n)]);
  r.push(['sumAll', () => cpuR.sumAll(x), () => sm.sumAll(x), () => ex.sum_all(px, n)]);
  return r;
}

/** Softmax-sized rows: logits [64, 10] (and a bias row gradient). */
function softmaxRows(): Row[] {
  const x = rand(640), dy = rand(640), ly = cpuR.softmax(x, 64, 10, 1, true);
  const [px, pdy, ply, po, pe] = place([x, dy, ly as Float32Array], [640, 40]);
  const g = rand(64 * 128);
  const [pg, pgo, pidx] = place([g], [128, 4]);
  new Int32Array(inst.memory.buffer, pidx, 4).set([64, 128, 0, 1]); // shape [64,128], strides [0,1]
  return [
    ['logSoftmax 64×10', () => cpuR.softmax(x, 64, 10, 1, true), () => sm.softmax(x, 64, 10, 1, true), () => ex.softmax_f(px, po, 64, 10, 1, 1, pe)],
    ['logSoftmaxGrad 64×10', () => cpuR.softmaxGrad(dy, ly, 64, 10, 1, true), () => sm.softmaxGrad(dy, ly, 64, 10, 1, true), () => ex.softmax_grad_f(pdy, ply, po, 64, 10, 1, 1)],
    ['binary add [64,10]+[10]', () => cpuE.binary('add', x, [64, 10], dy, [10], [64, 10]), () => bi.binary('add', x, [64, 10], dy, [10], [64, 10]), () => 0],
    ['sumToShape 64×128→128', () => cpuE.sumToShape(g, [64, 128], [128]), () => bi.sumToShape(g, [64, 128], [128]), () => {
      new Float32Array(inst.memory.buffer, pgo, 128).fill(0);
      new Int32Array(inst.memory.buffer, pidx + 8, 2).fill(0);
      ex.sum_to_shape(pg, pgo, 128, 2, pidx, pidx + 8, pidx + 8);
    }],
  ];
}

/** One GRU step forward and backward (N 32, H 128, T 32, step 5 of 32 with all steps kept). */
function gruRows(): Row[] {
  const [N, T, H] = [32, 32, 128];
  const dims: RecurrenceDims = { kind: 'gru', n: N, t: T, h: H };
  const buf = {
    xProj: rand(N * T * 3 * H), bHh: rand(3 * H), mask: null, h: rand((T + 1) * N * H), c: null,
    act: new Float32Array(T * N * 4 * H), keepAll: true, states: new Float32Array(N * T * H),
  };
  const hh = rand(N * 3 * H);
  const grad = { dStates: rand(N * T * H), dh: rand(N * H), dc: null, dx: new Float32Array(N * T * 3 * H), dhh: new Float32Array(T * N * 3 * H) };
  const back = rand(N * H);
  const fwd = wasmRecurrenceStep('simd');
  const bwd = wasmRecurrenceStepGrad('simd');
  recurrenceStep(dims, 5, 5, hh, buf);
  const [px, phh, pb, php, pdy, pdh, pback, pact, pa, pho, pdx, pdhh] = place(
    [buf.xProj.subarray(0, N * 3 * H), hh, buf.bHh, buf.h.subarray(0, N * H), grad.dStates.subarray(0, N * H), grad.dh, back, buf.act.subarray(0, N * 4 * H)],
    [N * 4 * H, N * H, N * 3 * H, N * 3 * H],
  );
  return [
    ['gru step', () => recurrenceStep(dims, 5, 5, hh, buf), () => fwd(dims, 5, 5, hh, buf), () => ex.gru_step(px, phh, pb, 0, php, pa, pho, N, H)],
    ['gru step grad', () => recurrenceStepGrad(dims, 5, 5, back, buf, grad), () => bwd(dims, 5, 5, back, buf, grad),
      () => ex.gru_step_grad(pdy, pdh, pback, pact, php, 0, pdx, pdhh, N, H)],
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  let runs = 7;
  let only: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--only') only = args[++i];
  }
  console.log(`median µs per call (CPU time), ${runs} runs; wasm = wrapper with copies in/out, alone = C kernel with operands in place`);
  console.log(`${'kernel'.padEnd(28)}${'n'.padStart(8)}${'cpu'.padStart(10)}${'wasm'.padStart(10)}${'alone'.padStart(10)}${'cpu/wasm'.padStart(10)}${'cpu/alone'.padStart(10)}`);
  const sets: [number, Row[]][] = [[8192, rows(8192)], [301056, rows(301056)], [640, softmaxRows()], [32 * 128, gruRows()]];
  for (const [n, rs] of sets) {
    for (const [name, c, w, a] of rs) {
      if (only !== undefined && !name.includes(only)) continue;
      const tc = time(c, runs), tw = time(w, runs), ta = time(a, runs);
      console.log(`${name.padEnd(28)}${String(n).padStart(8)}${tc.toFixed(1).padStart(10)}${tw.toFixed(1).padStart(10)}${ta.toFixed(1).padStart(10)}${(tc / tw).toFixed(2).padStart(10)}${(tc / ta).toFixed(2).padStart(10)}`);
    }
  }
}

main();
