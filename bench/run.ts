/**
 * Benchmark runner (`npm run bench`): runs every entry of BENCHMARKS on backprop, tfjs cpu/wasm and jax-js (wasm), prints
 * a Markdown table and writes bench/results.md (keeping the section that `npm run bench:memory` wrote there).
 * `npm run bench -- --only <text>` runs only the rows whose name contains the text (repeat --only for several texts), and
 * writes nothing; e.g. `npm run bench -- --only "h128 in64"` runs the RNN and LSTM rows alone.
 */
import os from 'node:os';
import * as bp from './backprop.js';
import { mnistTrainDigits, randomBatch, randomFloats, type ClassBatch } from './data.js';
import { MEMORY_HEADING, getSection, readResults, writeResults } from './report.js';
import * as jax from './jax.js';
import * as rnnBp from './rnn-backprop.js';
import { RNN_DIMS, rnnProblem, type RnnKind, type RnnProblem } from './rnn-data.js';
import * as rnnJax from './rnn-jax.js';
import * as rnnTfjs from './rnn-tfjs.js';
import { digitBatches, lenetWeights } from './lenet-data.js';
import { fmtNum, toMB } from './stats.js';
import * as tfjs from './tfjs.js';
import { describeBackend, getBackend, listBackends, setBackend } from '../src/index.js';
import { putReadmeTable } from './readme.js';

/** A measured value, with an optional custom rendering for the table cell. */
interface Result {
  readonly value: number;
  readonly text?: string;
}

/** One row of the table. Add a benchmark by appending an entry to BENCHMARKS. */
interface Benchmark {
  /** Row label. */
  readonly name: string;
  /** Unit appended to plain numeric cells. */
  readonly unit: string;
  /** Which direction is faster: decides how the speed ratios are taken; null gives no ratio. */
  readonly better: 'higher' | 'lower' | null;
  /** Measures backprop. */
  readonly backprop: () => Result | number;
  /** Measures tfjs on whichever backend is current (run once per backend); omit for backprop-only rows. */
  readonly tfjs?: () => Result | number | Promise<Result | number>;
  /** Measures jax-js on its wasm device; omit where it has no counterpart. */
  readonly jax?: () => Result | number | Promise<Result | number>;
}

const TF_BACKENDS: readonly tfjs.TfBackend[] = ['cpu', 'wasm'];

/** GFLOP/s of an n×n×n product (2n³ flops) that took `ms`. */
function gflops(n: number, ms: number): number {
  return (2 * n ** 3) / (ms * 1e6);
}

/** Warm-up and timed repetitions per matrix size: fewer at 1024 to keep the whole run within a few minutes. */
function matmulReps(n: number): { warmup: number; warmupMs: number; reps: number } {
  // ≥ 1 s of warm-up: the first products touch fresh pages of a wasm memory (and V8 tiers code up); steady state is timed.
  if (n >= 1024) return { warmup: 1, warmupMs: 1000, reps: 5 };
  if (n >= 512) return { warmup: 2, warmupMs: 1000, reps: 9 };
  if (n >= 256) return { warmup: 5, warmupMs: 1000, reps: 15 };
  return { warmup: 10, warmupMs: 1000, reps: 30 };
}

/** matmul rows: square float32 products, GFLOP/s from the median time. */
function matmulBenchmark(n: number): Benchmark {
  const a = randomFloats(n * n, 1);
  const b = randomFloats(n * n, 2);
  const opts = matmulReps(n);
  return {
    name: `matmul ${n}×${n}×${n} (median of ${opts.reps})`,
    unit: 'GFLOP/s',
    better: 'higher',
    backprop: () => gflops(n, bp.matmulMs(a, b, n, opts)),
    tfjs: () => gflops(n, tfjs.matmulMs(a, b, n, opts)),
    jax: async () => gflops(n, await jax.matmulMs(a, b, n, opts)),
  };
}

const MLP_BATCH = randomBatch(64, 784, 10, 3);
/** MLP step: 10 warm-up steps and at least 1.5 s of them (see RepeatOptions.warmupMs). */
const MLP_OPTS = { warmup: 10, warmupMs: 1500, reps: 50 };
const MEM_STEPS = 10_000;

/** The epoch rows: 1 warm-up and 3 timed epochs per library and backend, about 20 s for tfjs-cpu on 2 cores. */
const EPOCH_OPTS = { warmup: 1, reps: 3 };
const MNIST_TRAIN = 8000;
let mnistDigits: ClassBatch | null = null;
/** The 8,000 training digits of the CLI's default job (seed 0), loaded on first use. */
function mnist(): ClassBatch {
  mnistDigits ??= mnistTrainDigits(MNIST_TRAIN, 0);
  return mnistDigits;
}

/** LeNet-5 rows: batch 64, 4 batches of MNIST digits in turn, same initial weights everywhere, plain SGD. */
const LENET = { batch: 64, batches: 4, lr: 0.05, seed: 7 };
/** Steps: warm up for ≥ 3 s (see RepeatOptions.warmupMs); slow peers (tfjs-cpu takes seconds per step) stop after ≥ 3 steps and 10 s. */
const LENET_OPTS = { warmup: 2, warmupMs: 3000, reps: 30, budgetMs: 10_000 };
const lenetFirstLosses: string[] = [];

/** A LeNet-5 measurement as a samples/s result, remembering its first-step loss for the notes. */
function lenetResult(who: string, r: { value: number; losses: number[] }): Result {
  lenetFirstLosses.push(`${who} ${r.losses[0]?.toFixed(5) ?? '?'} (after ${r.losses.length} steps: ${r.losses[r.losses.length - 1]?.toFixed(3) ?? '?'})`);
  return { value: r.value };
}

/** The tfjs error message of a missing kernel (wasm has no Conv2DBackpropFilter), or null for any other error. */
function missingKernel(e: unknown): string | null {
  const m = e instanceof Error ? /Kernel '(\w+)' not registered/.exec(e.message) : null;
  return m ? m[1] : null;
}

/** The conv2d row: batch 32, 64 → 64 channels, 3×3, stride 1, padding 1, 32×32, no bias; the same random values everywhere. */
const CONV = { n: 32, c: 64, o: 64, h: 32, k: 3 };
/** Few runs: one step takes seconds (backprop) to over a minute (jax-js); jax-js's warm-up also compiles. */
const CONV_OPTS = { warmup: 1, reps: 3 };
const CONV_JAX_OPTS = { warmup: 1, reps: 1 };
let convData: { x: Float32Array; w: Float32Array; dy: Float32Array } | null = null;
/** The conv row's input, filters and upstream gradient, made on first use. */
function conv(): { x: Float32Array; w: Float32Array; dy: Float32Array } {
  const { n, c, o, h, k } = CONV;
  convData ??= { x: randomFloats(n * c * h * h, 8), w: randomFloats(o * c * k * k, 9).map((v) => v / 24), dy: randomFloats(n * o * h * h, 10) };
  return convData;
}

/**
 * tfjs conv row: forward + backward, or forward only (marked) where the backend lacks a gradient kernel (wasm) or where
 * one backward takes many minutes (cpu: about 55 s for a batch of 2 alone on this machine, so 32 is not timed).
 */
function tfjsConv(): Result {
  const { x, w, dy } = conv();
  const forwardOnly = (why: string): Result => ({ value: NaN, text: `forward only: ${fmtNum(tfjs.conv2dMs(x, w, dy, CONV, false, CONV_OPTS))} ms (${why})` });
  if (tfjs.currentBackend() === 'cpu') return forwardOnly('backward: minutes per step, not timed');
  try {
    return { value: tfjs.conv2dMs(x, w, dy, CONV, true, CONV_OPTS) };
  } catch (e) {
    const kernel = missingKernel(e);
    if (!kernel) throw e;
    return forwardOnly(`backward cannot: no ${kernel} kernel`);
  }
}

/** "a → b MB (+d)" for two byte counts. */
function beforeAfter(before: number, after: number): string {
  const d = toMB(after - before);
  return `${toMB(before).toFixed(1)} → ${toMB(after).toFixed(1)} MB (${d >= 0 ? '+' : ''}${d.toFixed(2)})`;
}

/** The LeNet-5 batches, cut from the bundled digits on first use. */
function lenetBatches(): ClassBatch[] {
  return digitBatches(mnist(), LENET.batch, LENET.batches);
}

/** RNN / LSTM rows: one SGD step on one batch of random sequences, the same weights everywhere (so losses fall step by step). */
const RNN = { lr: 0.1 };
/** Steps: warm up for ≥ 3 s; tfjs-cpu takes about a second per LSTM step, so slow peers stop after ≥ 3 steps and 10 s. */
const RNN_OPTS = { warmup: 2, warmupMs: 3000, reps: 20, budgetMs: 10_000 };
const rnnLosses: Record<RnnKind, string[]> = { rnn: [], lstm: [] };
const rnnProblems = new Map<RnnKind, RnnProblem>();

/** The row's data and initial weights, made on first use. */
function rnnData(kind: RnnKind): RnnProblem {
  let p = rnnProblems.get(kind);
  if (!p) rnnProblems.set(kind, (p = rnnProblem(kind)));
  return p;
}

/** An RNN / LSTM measurement as a ms result, remembering its first and last losses for the notes. */
function rnnResult(kind: RnnKind, who: string, r: { value: number; losses: number[] }): Result {
  const first = r.losses[0]?.toFixed(5) ?? '?';
  rnnLosses[kind].push(`${who} ${first} (after ${r.losses.length} steps: ${r.losses[r.losses.length - 1]?.toFixed(4) ?? '?'})`);
  return { value: r.value };
}

/** The RNN (tanh) or LSTM training-step row. */
function rnnBenchmark(kind: RnnKind): Benchmark {
  const { n, t, f, h } = RNN_DIMS;
  const what = kind === 'lstm' ? 'LSTM' : 'RNN';
  return {
    name:
      `${what} step h${h} in${f} T${t} b${n}: ${kind === 'lstm' ? 'LSTM (gates i, f, g, o)' : 'tanh RNN'}, batch ${n} of ${t} steps × ${f} features, ` +
      `hidden ${h}, MSE of a Linear(${h}→1) head on the last hidden state, backward through time, SGD lr ${RNN.lr} (median step of ≤ ${RNN_OPTS.reps}, ≥ 3 within 10 s)`,
    unit: 'ms',
    better: 'lower',
    backprop: () => {
      // The layers' default (the fused recurrence op) sets the ratios; the unrolled graph is shown beside it.
      const ours = rnnResult(kind, `backprop-${getBackend()}`, rnnBp.rnnStepMs(rnnData(kind), RNN.lr, RNN_OPTS, 'fused'));
      const unrolled = rnnResult(kind, `backprop-${getBackend()} (unrolled)`, rnnBp.rnnStepMs(rnnData(kind), RNN.lr, RNN_OPTS, 'unrolled'));
      return { value: ours.value, text: `${fmtNum(ours.value)} ms (unrolled graph: ${fmtNum(unrolled.value)} ms)` };
    },
    tfjs: () => rnnResult(kind, `tfjs-${tfjs.currentBackend()}`, rnnTfjs.rnnStepMs(rnnData(kind), RNN.lr, RNN_OPTS)),
    jax: async () => rnnResult(kind, 'jax-js', await rnnJax.rnnStepMs(rnnData(kind), RNN.lr, RNN_OPTS)),
  };
}

/** The table, top to bottom. */
const BENCHMARKS: readonly Benchmark[] = [
  ...[128, 256, 512, 1024].map(matmulBenchmark),
  {
    name: `MLP 784-128-10 train step, batch 64, SGD (median of ${MLP_OPTS.reps})`,
    unit: 'ms',
    better: 'lower',
    backprop: () => bp.mlpStepMs(MLP_BATCH, 128, 0.1, MLP_OPTS),
    tfjs: () => tfjs.mlpStepMs(MLP_BATCH, 128, 0.1, MLP_OPTS),
    jax: () => jax.mlpStepMs(MLP_BATCH, 128, 0.1, MLP_OPTS),
  },
  {
    name:
      `MLP 784-128-10 ReLU, one epoch of the ${MNIST_TRAIN.toLocaleString('en-US')} bundled MNIST training digits, batch 64, ` +
      `SGD lr 0.1, shuffled: backprop fit / tfjs model.fit (median of ${EPOCH_OPTS.reps} epochs after ${EPOCH_OPTS.warmup} warm-up)`,
    unit: 's',
    better: 'lower',
    backprop: () => bp.mlpEpochSeconds(mnist(), 128, 0.1, 64, EPOCH_OPTS),
    tfjs: () => tfjs.mlpEpochSeconds(mnist(), 128, 0.1, 64, EPOCH_OPTS),
  },
  {
    name:
      `LeNet-5 training, batch ${LENET.batch} of 28×28×1 MNIST digits (CONV6-5×5 pad 2, ReLU, maxpool 2, CONV16-5×5, ReLU, maxpool 2, ` +
      `FC120, FC84, FC10), SGD lr ${LENET.lr} (median step of ≤ ${LENET_OPTS.reps}, ≥ 3 within 10 s)`,
    unit: 'samples/s',
    better: 'higher',
    backprop: () => lenetResult(`backprop-${getBackend()}`, bp.lenetSamplesPerSec(lenetBatches(), lenetWeights(LENET.seed), LENET.lr, LENET_OPTS)),
    tfjs: () => {
      try {
        return lenetResult(`tfjs-${tfjs.currentBackend()}`, tfjs.lenetSamplesPerSec(lenetBatches(), lenetWeights(LENET.seed), LENET.lr, LENET_OPTS));
      } catch (e) {
        const kernel = missingKernel(e);
        if (!kernel) throw e;
        return { value: NaN, text: `cannot (no conv filter-gradient kernel: ${kernel})` };
      }
    },
    jax: async () => lenetResult('jax-js', await jax.lenetSamplesPerSec(lenetBatches(), lenetWeights(LENET.seed), LENET.lr, LENET_OPTS)),
  },
  {
    name: `conv2d forward + backward (input and filter gradients), batch ${CONV.n}, ${CONV.c}→${CONV.o} channels, ${CONV.k}×${CONV.k}, pad 1, ${CONV.h}×${CONV.h} (median of ${CONV_OPTS.reps}; jax-js: ${CONV_JAX_OPTS.reps} after a compiling warm-up)`,
    unit: 'ms',
    better: 'lower',
    backprop: () => {
      const { x, w, dy } = conv();
      return bp.conv2dForwardBackwardMs(x, w, dy, CONV, CONV_OPTS);
    },
    tfjs: tfjsConv,
    jax: () => {
      const { x, w, dy } = conv();
      return jax.conv2dForwardBackwardMs(x, w, dy, CONV, CONV_JAX_OPTS);
    },
  },
  rnnBenchmark('rnn'),
  rnnBenchmark('lstm'),
  {
    name: `heap used before → after ${MEM_STEPS.toLocaleString('en-US')} train steps, MLP 20-32-2, batch 32 (jax-js: its wasm memory)`,
    unit: 'MB',
    better: null,
    backprop: () => {
      const r = bp.heapOverTraining(randomBatch(32, 20, 2, 4), [20, 32, 2], MEM_STEPS, 0.1);
      return { value: toMB(r.after), text: beforeAfter(r.before, r.after) + (r.gcForced ? '' : ' (no gc: run with --expose-gc)') };
    },
    jax: async () => {
      const r = await jax.memoryOverTraining(randomBatch(32, 20, 2, 4), [20, 32, 2], MEM_STEPS, 0.1);
      return { value: toMB(r.after), text: `${beforeAfter(r.before, r.after)}; JS heap ${beforeAfter(r.heapBefore, r.heapAfter)}` };
    },
  },
];

/** Normalises an entry's return value. */
function asResult(r: Result | number): Result {
  return typeof r === 'number' ? { value: r } : r;
}

/** Speed ratio backprop ÷ other, oriented so that > 1 means backprop is faster. */
function speedRatio(bench: Benchmark, ours: Result, theirs: Result | undefined): string {
  if (!theirs || bench.better === null || !Number.isFinite(theirs.value)) return '—';
  const r = bench.better === 'higher' ? ours.value / theirs.value : theirs.value / ours.value;
  return `${r.toFixed(2)}×`;
}

/** Table cell for a result. */
function cell(bench: Benchmark, r: Result | undefined): string {
  if (!r) return '—';
  return r.text ?? `${fmtNum(r.value)} ${bench.unit}`;
}

/** Measures backprop's side of a row under every backend that runs here; the default backend is restored after. */
function measureBackends(bench: Benchmark, backends: readonly string[]): Map<string, Result> {
  const start = getBackend();
  const results = new Map<string, Result>();
  try {
    for (const b of backends) {
      process.stderr.write(` ${b}`);
      setBackend(b);
      results.set(b, asResult(bench.backprop()));
    }
  } finally {
    setBackend(start);
  }
  return results;
}

/** "wasm, 2 threads" for a backend's column heading. */
function backendLabel(name: string): string {
  const threads = describeBackend(name).threads;
  return `backprop ${name}${threads > 1 ? ` (${threads} threads)` : ''}`;
}

/** Runs every benchmark and returns the Markdown report (header line, table, notes). */
async function main(benchmarks: readonly Benchmark[]): Promise<string> {
  // Initialise every peer up front so set-up problems show before minutes of measuring.
  for (const b of TF_BACKENDS) await tfjs.useBackend(b);
  await jax.useJax();
  const wasmVariant = tfjs.wasmVariant();
  const loadBefore = os.loadavg();

  // backprop runs under every backend here; the ratios are taken from the default one (what users get).
  const backends = listBackends();
  const main = getBackend();
  const rows: string[][] = [];
  for (const bench of benchmarks) {
    process.stderr.write(`[bench] ${bench.name}: backprop`);
    const mine = measureBackends(bench, backends);
    const ours = mine.get(main) as Result;
    const theirs = new Map<tfjs.TfBackend, Result>();
    if (bench.tfjs) {
      for (const b of TF_BACKENDS) {
        process.stderr.write(`, tfjs-${b}`);
        await tfjs.useBackend(b);
        theirs.set(b, asResult(await bench.tfjs()));
      }
    }
    let jaxResult: Result | undefined;
    if (bench.jax) {
      process.stderr.write(', jax-js');
      jaxResult = asResult(await bench.jax());
    }
    process.stderr.write('\n');
    rows.push([
      bench.name,
      ...backends.map((b) => cell(bench, mine.get(b))),
      cell(bench, theirs.get('cpu')),
      cell(bench, theirs.get('wasm')),
      cell(bench, jaxResult),
      speedRatio(bench, ours, theirs.get('cpu')),
      speedRatio(bench, ours, theirs.get('wasm')),
      speedRatio(bench, ours, jaxResult),
    ]);
  }

  const cpus = os.cpus();
  const loadAfter = os.loadavg();
  const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' / ');
  const header =
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
    `${cpus.length} cores, Node ${process.version}; TensorFlow.js ${tfjs.tfjsVersion} (wasm: ${wasmVariant}); ` +
    `jax-js ${jax.jaxVersion} (wasm device, 1 thread: Node has no global Worker for its thread pool). ` +
    `Load average (1 / 5 / 15 min): ${load(loadBefore)} at the start, ${load(loadAfter)} at the end.`;
  const head = ['benchmark', ...backends.map(backendLabel), 'tfjs-cpu', `tfjs-wasm (${wasmVariant})`, 'jax-js (wasm)', `${main} ÷ tfjs-cpu`, `${main} ÷ tfjs-wasm`, `${main} ÷ jax-js`];
  const table = [head, head.map((_, i) => (i === 0 ? ':--' : '--:')), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const notes =
    `Ratios are speed ratios of backprop's default backend (${main}): above 1× backprop is faster. Single process, float32; tfjs results are read back ` +
    'with dataSync(); jax-js matmul results with dataSync(), its training steps are jit(valueAndGrad) + the SGD update, ' +
    'awaited with blockUntilReady on the new parameters. Epoch row: the same 8,000 digits (loadMnist after manualSeed(0), as the CLI default job) for ' +
    'both libraries, 125 steps per epoch, consecutive epochs of one training; tfjs model.fit shuffles with Math.random. ' +
    'Memory row: heapUsed after a forced GC (node --expose-gc); for jax-js the size of its wasm linear memory (it only ' +
    'grows, so flat means every array was freed).';
  const lenet = lenetFirstLosses.length === 0 ? '' :
    `\n\nLeNet-5 row: every library starts from the same weights (PyTorch default init, seeded) and trains on the same ` +
    `${LENET.batches} batches in turn (the first ${LENET.batch * LENET.batches} of the 8,000 digits), so the first-step losses agree: ` +
    `${lenetFirstLosses.join('; ')}. tfjs runs NHWC (its layout), the others NCHW. Conv row: the same random values in each ` +
    `library's layout; backprop calls backward(out, dy), tfjs tf.grads and jax-js jit(valueAndGrad) of Σ conv(x, w)·dy.`;
  const rnnRuns = (kind: RnnKind): string => rnnLosses[kind].join('; ');
  const rnn = rnnLosses.rnn.length + rnnLosses.lstm.length === 0 ? '' :
    `\n\nRNN and LSTM rows: every library starts from the same weights (PyTorch's layouts and default init, seeded) and ` +
    `trains on the same batch of random sequences and targets; backprop uses its RNN / LSTM layers and SGD (impl 'fused', ` +
    `the default: the T steps of a layer as one graph node; in brackets impl 'unrolled': the unfolded graph of T steps ` +
    `built from matmuls and elementwise ops), tfjs ` +
    `tf.layers.simpleRNN / tf.layers.lstm (recurrentActivation sigmoid, as PyTorch) with a dense head under ` +
    `optimizer.minimize, jax-js the loop over time written by hand with its numpy API under jit(valueAndGrad). ` +
    `First-step losses (and the loss after the steps run): RNN ${rnnRuns('rnn')}; LSTM ${rnnRuns('lstm')}. tfjs keeps ` +
    `one bias (b_ih + b_hh) where the others keep two, so its later losses differ slightly: SGD moves the sum of two biases twice as far.`;
  return `${header}\n\n${table}\n\n${notes}${lenet}${rnn}\n`;
}

/** The texts given after every --only flag. */
function onlyTexts(argv: readonly string[]): string[] {
  const texts: string[] = [];
  argv.forEach((arg, i) => {
    if (arg !== '--only') return;
    const text = argv[i + 1];
    if (!text) throw new Error('--only needs the text of a row name');
    texts.push(text);
  });
  return texts;
}

const only = onlyTexts(process.argv);
const chosen = only.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => only.some((text) => b.name.includes(text)));
if (chosen.length === 0) throw new Error(`--only ${only.join(', ')}: no row name contains it`);
const report = await main(chosen);
process.stdout.write(report);
if (only.length === 0) {
  const memory = getSection(readResults(), MEMORY_HEADING);
  writeResults(memory === '' ? report : `${report}\n${memory}\n`);
  putReadmeTable(report);
}
