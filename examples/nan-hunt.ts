/**
 * Hunting a NaN: fit's diagnostics run training in debug mode and name the first op whose output
 * or gradient stopped being a finite number, where it ran, and in which pass.
 *
 * Two classic ways to get one:
 *  1. A log of a non-positive number. A hand-written cross-entropy −[y log p + (1 − y) log(1 − p)]
 *     on a Linear output that was never squashed into (0, 1) takes the log of a negative p:
 *     the run stops at the first step with `history.firstNonFinite = { op: 'log', phase: 'forward',
 *     scope: '' }` (the loss runs outside any module).
 *  2. An exploding learning rate. SGD at lr 1e6 on a ReLU network: the first update throws the
 *     weights far out and a later forward pass overflows float32. With seed 0 the first non-finite
 *     value comes at step 3 from op 'linear' (forward) in `Sequential > 2 (Linear)`, the second
 *     hidden layer, after 2 good steps.
 * Without the diagnostics the NaN guard only sees the loss become NaN; with them the op is named.
 *
 * Run: npx tsx --conditions=source examples/nan-hunt.ts
 */
import { pathToFileURL } from 'node:url';
import {
  mlp, fit, SGD, manualSeed, randn, zeros, log, mul, sub, add, mean, neg, scalar,
  type Tensor, type History,
} from 'backprop';

/** −mean(y log p + (1 − y) log(1 − p)), written by hand with no clamp and no sigmoid. */
function naiveBinaryCrossEntropy(p: Tensor, y: Tensor): Tensor {
  const t = y.reshape(p.shape);
  const one = scalar(1);
  return neg(mean(add(mul(t, log(p)), mul(sub(one, t), log(sub(one, p))))));
}

/** What one hunt found. */
export interface NanHunt {
  /** Which mistake. */
  case: string;
  history: History;
}

/** The two runs: a log of a negative number, and an exploding learning rate. */
export function nanHunt(seed = 0): NanHunt[] {
  manualSeed(seed);
  const x = randn([64, 4]);
  const y = zeros([64]);
  for (let i = 0; i < 64; i++) y.data[i] = x.data[4 * i] > 0 ? 1 : 0;
  const unsquashed = mlp([4, 8, 1], { activation: 'relu' }); // no output sigmoid: p can be < 0 or > 1
  const logCase = fit(unsquashed, { x, y }, {
    loss: naiveBinaryCrossEntropy, optimizer: new SGD(unsquashed.parameters(), { lr: 0.1 }), epochs: 5, batchSize: 16, progress: 'none', diagnostics: { nanOp: true },
  });
  manualSeed(seed + 1);
  const net = mlp([4, 32, 32, 1], { activation: 'relu' });
  const yReg = randn([64, 1]);
  const lrCase = fit(net, { x, y: yReg }, {
    loss: 'mse', optimizer: new SGD(net.parameters(), { lr: 1e6 }), epochs: 5, batchSize: 16, progress: 'none', diagnostics: { nanOp: true },
  });
  return [{ case: 'log of a negative number', history: logCase }, { case: 'learning rate 1e6', history: lrCase }];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { case: what, history } of nanHunt()) {
    const f = history.firstNonFinite;
    console.log(`${what}: ${f ? `first NaN/Inf from op '${f.op}' (${f.phase})${f.scope ? ` in ${f.scope}` : ' outside any module'}` : 'no NaN/Inf'}`);
    console.log(`  stopped: ${history.stopReason} after ${history.steps} good steps — ${history.message}`);
  }
}
