/**
 * Truncated back-propagation through time with `fit` and a custom training step.
 *
 * A recurrent cell written from two Linear layers and tanh,
 *
 *   hₜ = tanh(W_x xₜ + W_h hₜ₋₁ + b),   ŷₜ = W_o hₜ + c,
 *
 * learns to output its input delayed by 4 steps (ŷₜ ≈ xₜ₋₄) on sine waves of random phase. Each
 * batch holds whole sequences of 40 steps; the step walks them in chunks of k = 8 steps: forward
 * through the chunk from the carried state h, loss over the chunk, backward, one Adam update —
 * then h is detached, so the next chunk starts from its value but the gradient stops there.
 * `fit` still does the rest: shuffled batches, the History, progress, callbacks.
 *
 * Run: npx tsx --conditions=source examples/truncated-bptt.ts
 */
import { pathToFileURL } from 'node:url';
import {
  Module, Linear, Adam, fit, mse, noGrad, manualSeed, rand, tanh, add, indexSelect, zeros, concat, sin, reshape, arange,
  type Tensor, type TrainContext, type XY, type ProgressMode,
} from 'backprop';

/** One step of the cell: (xₜ [B, 1], hₜ₋₁ [B, H]) → (ŷₜ [B, 1], hₜ [B, H]). */
export class DelayCell extends Module<[Tensor, Tensor], [Tensor, Tensor]> {
  readonly hidden: number;
  inputToHidden: Linear;
  hiddenToHidden: Linear;
  hiddenToOutput: Linear;

  constructor(hidden: number) {
    super();
    this.hidden = hidden;
    this.inputToHidden = new Linear(1, hidden);
    this.hiddenToHidden = new Linear(hidden, hidden, { bias: false });
    this.hiddenToOutput = new Linear(hidden, 1);
  }

  override forward(x: Tensor, h: Tensor): [Tensor, Tensor] {
    const next = tanh(add(this.inputToHidden.call(x), this.hiddenToHidden.call(h)));
    return [this.hiddenToOutput.call(next), next];
  }
}

/** Options of trainDelay. */
export interface DelayOptions {
  /** Epochs (default 40). */
  epochs?: number;
  /** Steps per truncated chunk, k (default 8). */
  chunk?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

const DELAY = 4;
const STEPS = 40;
const OMEGA = 0.3; // radians per step

/** n sine waves of random phase: x [n, 40]; y [n, 40] with y[:, t] = x[:, t − 4] (0 before). */
function sequences(n: number): XY {
  const phase = rand([n, 1], { low: 0, high: 2 * Math.PI });
  const t = reshape(arange(-DELAY, STEPS), [1, STEPS + DELAY]);
  const wave = sin(add(phase, t.mul(OMEGA))); // [n, 44]: 4 steps before the sequence starts
  const x = indexSelect(wave, 1, Array.from({ length: STEPS }, (_, i) => i + DELAY));
  const y = indexSelect(wave, 1, Array.from({ length: STEPS }, (_, i) => i));
  for (let r = 0; r < n; r++) y.data.fill(0, r * STEPS, r * STEPS + DELAY); // nothing to recall yet
  return { x, y };
}

/** Column t of a [B, T] tensor as [B, 1]. */
const column = (s: Tensor, t: number) => indexSelect(s, 1, [t]);

/** Runs the cell over steps [from, to) from state h; returns the outputs [B, to − from] and the last state. */
function unroll(cell: DelayCell, x: Tensor, h: Tensor, from: number, to: number): { out: Tensor; h: Tensor } {
  const outs: Tensor[] = [];
  for (let t = from; t < to; t++) {
    const [y, next] = cell.call(column(x, t), h);
    outs.push(y);
    h = next;
  }
  return { out: concat(outs, 1), h };
}

/** The truncated-BPTT step: chunks of k steps, one update each, the state carried detached. */
function tbpttStep(k: number) {
  return (batch: XY, ctx: TrainContext<DelayCell>): number => {
    const cell = ctx.model;
    let h = zeros([batch.x.shape[0], cell.hidden]);
    let total = 0;
    for (let from = 0; from < STEPS; from += k) {
      const to = Math.min(from + k, STEPS);
      const r = unroll(cell, batch.x, h, from, to);
      const loss = mse(r.out, indexSelect(batch.y, 1, Array.from({ length: to - from }, (_, i) => from + i)));
      ctx.optimizer.zeroGrad();
      loss.backward();
      ctx.optimizer.step();
      total += loss.item() * (to - from);
      h = r.h.detach(); // carry the value, cut the gradient: the truncation
    }
    return total / STEPS;
  };
}

/** Mean squared error of ŷₜ against xₜ₋₄ over steps t ≥ 4 of held-out sequences, without a graph. */
function testMse(cell: DelayCell, data: XY): number {
  return noGrad(() => {
    const { out } = unroll(cell, data.x, zeros([data.x.shape[0], cell.hidden]), 0, STEPS);
    const scored = Array.from({ length: STEPS - DELAY }, (_, i) => i + DELAY);
    return mse(indexSelect(out, 1, scored), indexSelect(data.y, 1, scored)).item();
  });
}

/**
 * Trains the cell with truncated BPTT; returns the held-out MSE, the MSE of the best memoryless
 * answer ŷₜ = xₜ (1 − cos 4ω ≈ 0.64 on average), and the loss of each epoch.
 */
export function trainDelay(options: DelayOptions = {}): { testMse: number; copyInputMse: number; losses: number[] } {
  const { epochs = 40, chunk = 8, progress = 'none' } = options;
  manualSeed(0);
  const train = sequences(64);
  const test = sequences(32);
  const cell = new DelayCell(16);
  const history = fit(cell, train, {
    optimizer: new Adam(cell.parameters(), { lr: 0.01 }),
    epochs,
    batchSize: 16,
    trainStep: tbpttStep(chunk),
    progress,
  });
  const scored = Array.from({ length: STEPS - DELAY }, (_, i) => i + DELAY);
  const copyInputMse = mse(indexSelect(test.x, 1, scored), indexSelect(test.y, 1, scored)).item();
  return { testMse: testMse(cell, test), copyInputMse, losses: history.epochs.map((e) => e.loss) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainDelay({ progress: 'lines' });
  console.log(`held-out MSE of ŷₜ against xₜ₋₄: ${r.testMse.toExponential(2)} (answering xₜ, without memory: ${r.copyInputMse.toFixed(3)})`);
}
