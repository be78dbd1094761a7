/**
 * Which kernels the benchmarks' training steps call, how often and for how long: every kernel of
 * the backend in use is wrapped with a call counter and a timer (performance.now around each call,
 * so a kernel's time includes wasm copies in and out), then the MLP 784-128-10 (batch 64), LeNet-5
 * (batch 64), RNN/LSTM and GRU (h128 in64 T32 b32) training steps run. Prints per step: calls, ms, share.
 * Usage: npx tsx bench/kernel-profile.ts [--backend cpu|wasm] [--steps N] [--only mlp|lenet|rnn|lstm|gru]
 */
import { kernelNames, kernels, overrideKernel, setBackend, type KernelName, type Kernels } from '../src/kernels/backend.js';
import '../src/kernels/select.js';
import { mlpStepMs, lenetSamplesPerSec } from './backprop.js';
import { randomBatch } from './data.js';
import { lenetWeights } from './lenet-data.js';
import { rnnStepMs } from './rnn-backprop.js';
import { rnnProblem } from './rnn-data.js';
import { timeRepeated, type RepeatOptions } from './stats.js';
import { fromTypedArray, GRU, Linear, mse, reshape, SGD } from '../src/index.js';
import { randomFloats } from './data.js';

/** Median ms of one training step of a GRU (h128 in64 T32 b32, PyTorch's init) with a Linear head, MSE on h_T, SGD. */
function gruStepMs(opts: RepeatOptions): number {
  const [n, t, f, h] = [32, 32, 64, 128];
  const layer = new GRU(f, h);
  layer.impl = 'fused';
  const head = new Linear(h, 1);
  const x = fromTypedArray(randomFloats(n * t * f, 21), [n, t, f]);
  const y = fromTypedArray(randomFloats(n, 22), [n, 1]);
  const optimizer = new SGD([...layer.parameters(), ...head.parameters()], { lr: 0.1 });
  return timeRepeated(() => {
    optimizer.zeroGrad();
    const hN = layer.call(x)[1];
    const loss = mse(head.call(reshape(hN, [n, h])), y);
    loss.backward();
    optimizer.step();
  }, opts);
}

/** Calls and total ms of one kernel. */
interface Tally {
  calls: number;
  ms: number;
}

const tallies = new Map<KernelName, Tally>();

/** Wraps every kernel in use with a counter and a timer writing into `tallies`. */
function instrument(): void {
  for (const name of kernelNames) {
    const fn = kernels[name] as unknown as (...args: unknown[]) => unknown;
    const t: Tally = { calls: 0, ms: 0 };
    tallies.set(name, t);
    const wrapped = (...args: unknown[]): unknown => {
      const t0 = performance.now();
      try {
        return fn(...args);
      } finally {
        t.ms += performance.now() - t0;
        t.calls++;
      }
    };
    overrideKernel(name, wrapped as unknown as Kernels[typeof name]);
  }
}

/** Zeroes every tally. */
function reset(): void {
  for (const t of tallies.values()) {
    t.calls = 0;
    t.ms = 0;
  }
}

/** Prints the tallies of `steps` steps taking `stepMs` each, largest time first. */
function report(title: string, steps: number, stepMs: number): void {
  const rows = [...tallies.entries()].filter(([, t]) => t.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, t]) => s + t.ms, 0) / steps;
  console.log(`\n${title}: median step ${stepMs.toFixed(2)} ms; kernels ${total.toFixed(2)} ms/step`);
  console.log(`${'kernel'.padEnd(28)}${'calls/step'.padStart(11)}${'ms/step'.padStart(10)}${'share'.padStart(8)}`);
  for (const [name, t] of rows) {
    const ms = t.ms / steps;
    console.log(`${name.padEnd(28)}${(t.calls / steps).toFixed(0).padStart(11)}${ms.toFixed(3).padStart(10)}${((100 * ms) / total).toFixed(1).padStart(7)}%`);
  }
}

/** Parses arguments, runs each step with instrumented kernels and prints the tallies. */
function main(): void {
  const args = process.argv.slice(2);
  let backend = 'wasm';
  let steps = 20;
  let only: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--backend') backend = args[++i];
    else if (args[i] === '--steps') steps = Number(args[++i]);
    else if (args[i] === '--only') only = args[++i];
  }
  setBackend(backend);
  instrument();
  const warmup = 5;
  const rows: [string, () => number][] = [
    ['mlp', () => mlpStepMs(randomBatch(64, 784, 10, 3), 128, 0.1, { warmup, reps: steps })],
    ['lenet', () => 64_000 / lenetSamplesPerSec([randomBatch(64, 784, 10, 5)], lenetWeights(7), 0.05, { warmup, reps: steps }).value],
    ['rnn', () => rnnStepMs(rnnProblem('rnn'), 0.1, { warmup, reps: steps, budgetMs: 60_000 }, 'fused').value],
    ['lstm', () => rnnStepMs(rnnProblem('lstm'), 0.1, { warmup, reps: steps, budgetMs: 60_000 }, 'fused').value],
    ['gru', () => gruStepMs({ warmup, reps: steps, budgetMs: 60_000 })],
  ];
  for (const [name, fn] of rows) {
    if (only !== undefined && name !== only) continue;
    reset();
    const ms = fn();
    // timeRepeated runs warmup + reps steps; the tallies cover all of them
    report(`${name} (${backend})`, warmup + steps, ms);
  }
}

main();
