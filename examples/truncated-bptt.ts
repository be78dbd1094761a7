/**
 * Truncated back-propagation through time with `fit` and a custom training step.
 *
 * A vanilla tanh RNN layer and a linear read-out at every step,
 *
 *   hₜ = tanh(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh),   ŷₜ = W_o hₜ + c,
 *
 * learns to output its input delayed by 4 steps (ŷₜ ≈ xₜ₋₄) on sine waves of random phase. Each
 * batch holds whole sequences of 40 steps; the step walks them in chunks of k = 8 steps: the RNN
 * runs over the chunk from the carried state h (its h0 argument), loss over the chunk, backward,
 * one Adam update — then h is detached, so the next chunk starts from its value but the gradient
 * stops there. Back-propagation never goes more than k steps back, so the memory and time of one
 * update do not grow with the sequence — and a dependence longer than k is learned only where it
 * falls inside one chunk. With k = 2 < 4 the error at ŷₜ never reaches xₜ₋₄; the net still gets
 * to a held-out MSE of 1.4e-2 from what the carried state happens to hold, 14× worse than the
 * 9.8e-4 of k = 8 (seed 0, 40 epochs). `fit` still does the rest: shuffled batches, the History,
 * progress, callbacks.
 *
 * Run: npx tsx --conditions=source examples/truncated-bptt.ts
 */
import { pathToFileURL } from 'node:url';
import {
  Module, RNN, Linear, Adam, fit, mse, noGrad, manualSeed, rand, add, indexSelect, sin, reshape, arange, slice,
  type Tensor, type TrainContext, type XY, type ProgressMode,
} from 'backprop';

/** An RNN with a linear read-out at every step: (x [B, T, 1], h₀ [1, B, H] | null) → (ŷ [B, T, 1], h_T [1, B, H]). */
export class DelayNet extends Module<[x: Tensor, h0?: Tensor | null], [Tensor, Tensor]> {
  readonly rnn: RNN;
  readonly readout: Linear;

  constructor(readonly hidden: number) {
    super();
    this.rnn = new RNN(1, hidden);
    this.readout = new Linear(hidden, 1);
  }

  override forward(x: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [out, hN] = this.rnn.call(x, h0);
    return [this.readout.call(out), hN];
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
  /** The seed of data, weights and shuffling (default 0). */
  seed?: number;
}

const DELAY = 4;
const STEPS = 40;
const OMEGA = 0.3; // radians per step

/** n sine waves of random phase: x [n, 40, 1]; y [n, 40, 1] with y[:, t] = x[:, t − 4] (0 before). */
function sequences(n: number): XY {
  const phase = rand([n, 1], { low: 0, high: 2 * Math.PI });
  const t = reshape(arange(-DELAY, STEPS), [1, STEPS + DELAY]);
  const wave = sin(add(phase, t.mul(OMEGA))); // [n, 44]: 4 steps before the sequence starts
  const x = indexSelect(wave, 1, Array.from({ length: STEPS }, (_, i) => i + DELAY));
  const y = indexSelect(wave, 1, Array.from({ length: STEPS }, (_, i) => i));
  for (let r = 0; r < n; r++) y.data.fill(0, r * STEPS, r * STEPS + DELAY); // nothing to recall yet
  return { x: reshape(x, [n, STEPS, 1]), y: reshape(y, [n, STEPS, 1]) };
}

/** The truncated-BPTT step: chunks of k steps, one update each, the state carried detached. */
function tbpttStep(k: number) {
  return (batch: XY, ctx: TrainContext<DelayNet>): number => {
    const net = ctx.model;
    let h: Tensor | null = null; // zeros at the start of each sequence
    let total = 0;
    for (let from = 0; from < STEPS; from += k) {
      const to = Math.min(from + k, STEPS);
      const [out, last] = net.call(slice(batch.x, from, to, 1), h);
      const loss = mse(out, slice(batch.y, from, to, 1));
      ctx.optimizer.zeroGrad();
      loss.backward();
      ctx.optimizer.step();
      total += loss.item() * (to - from);
      h = last.detach(); // carry the value, cut the gradient: the truncation
    }
    return total / STEPS;
  };
}

/** The steps t ≥ 4 that have something to recall. */
const SCORED = Array.from({ length: STEPS - DELAY }, (_, i) => i + DELAY);

/** Mean squared error of ŷₜ against xₜ₋₄ over steps t ≥ 4 of held-out sequences, one pass without a graph. */
function testMse(net: DelayNet, data: XY): number {
  return noGrad(() => mse(indexSelect(net.call(data.x)[0], 1, SCORED), indexSelect(data.y, 1, SCORED)).item());
}

/**
 * Trains the RNN with truncated BPTT; returns the held-out MSE, the MSE of the best memoryless
 * answer ŷₜ = xₜ (1 − cos 4ω ≈ 0.64 on average), and the loss of each epoch.
 */
export function trainDelay(options: DelayOptions = {}): { testMse: number; copyInputMse: number; losses: number[] } {
  const { epochs = 40, chunk = 8, progress = 'none', seed = 0 } = options;
  manualSeed(seed);
  const train = sequences(64);
  const test = sequences(32);
  const net = new DelayNet(16);
  const history = fit(net, train, {
    optimizer: new Adam(net.parameters(), { lr: 0.01 }),
    epochs,
    batchSize: 16,
    trainStep: tbpttStep(chunk),
    progress,
  });
  const copyInputMse = mse(indexSelect(test.x, 1, SCORED), indexSelect(test.y, 1, SCORED)).item();
  return { testMse: testMse(net, test), copyInputMse, losses: history.epochs.map((e) => e.loss) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainDelay({ progress: 'lines' });
  console.log(`held-out MSE of ŷₜ against xₜ₋₄: ${r.testMse.toExponential(2)} (answering xₜ, without memory: ${r.copyInputMse.toFixed(3)})`);
}
