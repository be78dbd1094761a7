/**
 * "Too high a learning rate kills units": dead ReLUs counted by fit's diagnostics.
 *
 * A ReLU unit whose pre-activation z = w·x + b is negative for every input outputs 0 and, as
 * ReLU′(z) = 0 there, receives no gradient: nothing moves w or b again, so it stays dead. A large
 * update can push a unit's bias or weights there in one step. The diagnostics count, per ReLU
 * layer, the units whose output was 0 for every sample of an epoch.
 *
 * The same 16-64-64-2 ReLU network (seed 0) trains for 5 epochs with plain SGD (batches of 32)
 * at a small and a too-high learning rate. At lr 0.05 no unit of either layer dies (0 % in every
 * epoch) and the loss falls from 0.69 to 0.44; at lr 5 the second ReLU layer has 39 % dead units after epoch 2 and 97 %
 * (62 of 64) from epoch 4 on, and the loss is stuck at 1.0 — worse than guessing (0.69).
 *
 * Run: npx tsx --conditions=source examples/dead-relu.ts
 */
import { pathToFileURL } from 'node:url';
import { mlp, fit, SGD, manualSeed, randn, zeros, type XY } from 'backprop';

/** 16 features of N(0, 1); the class is whether the first two sum to more than 0. */
export function halfPlaneData(n: number): XY {
  const x = randn([n, 16]);
  const y = zeros([n]);
  for (let i = 0; i < n; i++) y.data[i] = x.data[i * 16] + x.data[i * 16 + 1] > 0 ? 1 : 0;
  return { x, y };
}

/** What one learning rate did. */
export interface DeadReluRun {
  lr: number;
  /** Per epoch: ReLU layer name → fraction of dead units. */
  dead: Record<string, number>[];
  /** Per epoch: the fraction of all ReLU units that were dead (units of every layer pooled). */
  deadOverall: number[];
  /** The last epoch's mean training loss. */
  loss: number;
}

/** Trains the same network at each learning rate (default 0.05 and 5); returns the dead-unit fractions per epoch. */
export function deadRelu(lrs: readonly number[] = [0.05, 5], seed = 0): DeadReluRun[] {
  manualSeed(seed);
  const data = halfPlaneData(512);
  return lrs.map((lr) => {
    manualSeed(seed + 1); // the same initial weights and batch order for every rate
    const model = mlp([16, 64, 64, 2], { activation: 'relu' });
    const history = fit(model, data, {
      loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr }), epochs: 5, batchSize: 32, progress: 'none',
      diagnostics: { deadRelu: true, gradNorms: false, saturation: false, nanOp: false },
    });
    const dead = (history.diagnostics ?? []).map((d) => d.deadRelu);
    // Both hidden layers have 64 units, so pooling is the plain mean of the layers' fractions.
    const deadOverall = dead.map((d) => Object.values(d).reduce((a, b) => a + b, 0) / Object.keys(d).length);
    return { lr, dead, deadOverall, loss: history.epochs[history.epochs.length - 1].loss };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of deadRelu()) {
    const perEpoch = r.dead.map((d, e) => `epoch ${e + 1}: ${Object.entries(d).map(([n, v]) => `layer ${n} ${(100 * v).toFixed(1)} %`).join(', ')}`);
    console.log(`lr ${r.lr}: dead ReLU units\n  ${perEpoch.join('\n  ')}\n  final loss ${r.loss.toFixed(3)}`);
  }
}
