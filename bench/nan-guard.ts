/**
 * Per-step cost of fit's NaN guard on a 784-256-256-10 MLP (269,322 parameters), steps of 8
 * samples, 100-step epochs: the guard before issue 6 copied every weight on every step (and scanned
 * them at epoch ends); NanGuard copies every 25 steps and at epoch ends (and scans at epoch ends). Prints the median over 7 runs of 2,000 steps each.
 *
 * Run: node --conditions=source --import tsx bench/nan-guard.ts
 */
import { NanGuard, mlp, manualSeed, type TrainContext } from '../src/index.js';

manualSeed(1);
const params = mlp([784, 256, 256, 10]).parameters();
const STEPS = 2000;
const PER_EPOCH = 100;

function median(f: () => void): number {
  const ms: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    f();
    ms.push((performance.now() - t0) / STEPS);
  }
  return ms.sort((a, b) => a - b)[3];
}

/** The old guard: one copy of every weight before each update, and a scan for NaN weights at each epoch end. */
function copyEveryStep(): void {
  const snapshot = params.map((p) => p.data.slice());
  for (let s = 1; s <= STEPS; s++) {
    params.forEach((p, i) => snapshot[i].set(p.data));
    if (s % PER_EPOCH === 0 && params.some((p) => !p.data.every(Number.isFinite))) throw new Error('NaN');
  }
}

/** NanGuard's hooks over the same steps, with a finite loss. */
function nanGuard(): void {
  const g = new NanGuard();
  const position = { epoch: 0, batch: 0, numBatches: PER_EPOCH, steps: 0, startedAt: 0, rngAtEpochStart: [] };
  const ctx = { params, position, stopping: false, budgetSpent: () => false, abort() {}, stop() {} } as unknown as TrainContext;
  g.onTrainBegin(ctx);
  for (let s = 1; s <= STEPS; s++) g.onBatchEnd(s, { loss: 0.5, epoch: 0, batch: ((s - 1) % PER_EPOCH) + 1 }, ctx);
}

copyEveryStep();
nanGuard(); // warm-up
const before = median(copyEveryStep);
const after = median(nanGuard);
console.log(`${params.reduce((n, p) => n + p.size, 0)} parameters: NaN-guard cost per step ${before.toFixed(4)} ms (copy every step) → ${after.toFixed(4)} ms (NanGuard, every 25)`);
