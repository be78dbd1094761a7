/**
 * The wasm backend's tensor storage in training steps: per step, how many arrays (tensors' storage,
 * kernel outputs, gradient temporaries; not wasmCall's per-call copies and scratch) were served from
 * a free list (reuse), by carving a new block, or refused for the budget (an ordinary array, the
 * copy path), how many blocks came back (released by backward, collected by the finalizer),
 * the bytes wasmCall copied, and the median step time — for an MLP 784-128-10 and LeNet-5, batch 64,
 * under three regimes:
 *   - async:  a short pause (gc + a timer tick) between steps, so finalizers run (interactive use);
 *   - sync:   one synchronous loop (as `fit`), after the tensor budget is reached (the steady state
 *             of a long fit: forward outputs are ordinary arrays, backward temporaries are reused);
 *   - copy:   budgets 0 (every operand copied in and out: the unshared-memory path).
 * Usage: node --expose-gc --import tsx bench/wasm-storage.ts [--steps N]
 */
import * as bp from '../src/index.js';
import { SGD } from '../src/optim/index.js';
import { copyStats, resetCopyStats, storageOf, type StorageStats } from '../src/kernels/wasm/index.js';
import { DEFAULT_BUDGET } from '../src/kernels/wasm/storage.js';
import { bestVariant, instance } from '../src/kernels/wasm/instance.js';

const st = storageOf(instance(bestVariant()));
const gc = (globalThis as { gc?: () => void }).gc;

/** One model and its batch: a function running one SGD step. */
function makeStep(model: bp.Module, x: bp.Tensor, y: bp.Tensor): () => void {
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => {
    opt.zeroGrad();
    bp.crossEntropy(model.call(x) as bp.Tensor, y).backward();
    opt.step();
  };
}

/** The differences of the counters over some steps, per step. */
function perStep(a: StorageStats, b: StorageStats, n: number): Record<string, string> {
  const d = (k: keyof StorageStats): string => ((b[k] - a[k]) / n).toFixed(1);
  return { reused: d('viewsReused'), carved: d('viewsCarved'), refused: d('refused'), released: d('released'), collected: d('collected') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[s.length >> 1];
}

/** Runs `steps` steps in a regime and prints one line. */
async function regime(name: string, label: string, make: () => () => void, steps: number): Promise<void> {
  const times: number[] = [];
  const run = (): void => {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  };
  if (label === 'copy') st.setBudgets({ tensors: 0, temporaries: 0 });
  else st.setBudgets(DEFAULT_BUDGET);
  const step = make(); // the model is made under the regime's budgets (its parameters in the pool or not)
  if (label === 'sync') {
    // Fill the tensor budget first, as a long synchronous fit does.
    st.setBudgets({ tensors: st.stats().heldTensors + 4 * 2 ** 20 });
    const refused = st.stats().refused;
    for (let i = 0; i < 500 && st.stats().refused === refused; i++) step();
  }
  for (let i = 0; i < 5; i++) step();
  const a = st.stats();
  resetCopyStats();
  times.length = 0;
  for (let i = 0; i < steps; i++) {
    run();
    if (label === 'async') {
      gc?.();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const b = st.stats();
  const c = copyStats();
  const p = perStep(a, b, steps);
  const total = Number(p.reused) + Number(p.carved) + Number(p.refused);
  console.log(
    `${name.padEnd(8)}${label.padEnd(7)}${median(times).toFixed(2).padStart(8)} ms  arrays/step ${total.toFixed(1).padStart(5)}: ` +
      `reused ${p.reused} (${((100 * Number(p.reused)) / total).toFixed(0)} %), carved ${p.carved}, refused ${p.refused}; ` +
      `back: released ${p.released}, collected ${p.collected}; copied ${((c.bytesIn + c.bytesOut) / steps / 1024).toFixed(0)} KiB/step; held ${(b.heldTensors / 2 ** 20).toFixed(1)} MiB, pool ${(b.carvedBytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--steps');
  const steps = i > 0 ? Number(process.argv[i + 1]) : 40;
  if (!st.persistent) console.log('note: the wasm memory is not shared here: every regime is the copy path');
  if (!gc) console.log('note: run with node --expose-gc for the async regime to collect between steps');
  bp.setBackend('wasm');
  bp.manualSeed(1);
  const models: [string, () => () => void][] = [
    ['MLP', () => makeStep(bp.mlp([784, 128, 10]), bp.randn([64, 784]), bp.tensor(Array.from({ length: 64 }, (_, j) => j % 10)))],
    ['LeNet-5', () => makeStep(bp.lenet5(), bp.randn([64, 1, 28, 28]), bp.tensor(Array.from({ length: 64 }, (_, j) => j % 10)))],
  ];
  for (const [name, make] of models) {
    for (const label of ['copy', 'async', 'sync']) await regime(name, label, make, steps);
  }
}

await main();
