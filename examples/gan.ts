/**
 * A GAN-style step with two optimisers, run by `fit` through a custom training step.
 *
 * The data are 1-D samples of N(μ = 3, σ = 0.5). The generator G(z) = a + b·z turns noise
 * z ~ N(0, 1) into samples; the discriminator D, a small MLP, outputs the logit of "real". Each
 * batch of real samples makes two updates:
 *
 *   D: minimise BCE(D(x), 1) + BCE(D(G(z)), 0)     (G(z) detached: only D learns here)
 *   G: minimise BCE(D(G(z)), 1)                     (the non-saturating generator loss)
 *
 * so G's mean a is pushed to where D believes the real data is: it ends near μ = 3.
 * `fit` shuffles the batches, keeps the History and reports progress; fit's own optimizer is the
 * generator's (its lr is logged), the discriminator's optimiser lives in the step's closure.
 *
 * Run: npx tsx --conditions=source examples/gan.ts
 */
import { pathToFileURL } from 'node:url';
import {
  Module, Linear, Adam, fit, mlp, randn, ones, zeros, binaryCrossEntropyWithLogits, manualSeed,
  type Tensor, type TrainContext, type XY, type ProgressMode,
} from 'backprop';

/** Generator and discriminator in one module, so fit sees (and a checkpoint saves) both. */
export class Gan extends Module {
  generator = new Linear(1, 1);
  discriminator = mlp([1, 16, 16, 1], { activation: 'leakyRelu' });

  /** G(z): noise [n, 1] to samples [n, 1]. */
  override forward(z: Tensor): Tensor {
    return this.generator.call(z);
  }
}

/** Options of trainGan. */
export interface GanOptions {
  /** Epochs over the 1,024 real samples (default 30). */
  epochs?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

const MU = 3;
const SIGMA = 0.5;

/** The two-optimiser step: one discriminator update, then one generator update; returns D's loss. */
function ganStep(dOpt: Adam) {
  return (batch: XY, ctx: TrainContext<Gan>): number => {
    const { generator, discriminator } = ctx.model;
    const n = batch.x.shape[0];
    const real = ones([n, 1]);
    const fakeLabel = zeros([n, 1]);

    const fake = generator.call(randn([n, 1]));
    const dLoss = binaryCrossEntropyWithLogits(discriminator.call(batch.x), real)
      .add(binaryCrossEntropyWithLogits(discriminator.call(fake.detach()), fakeLabel));
    dOpt.zeroGrad();
    dLoss.backward();
    dOpt.step();

    const gLoss = binaryCrossEntropyWithLogits(discriminator.call(generator.call(randn([n, 1]))), real);
    ctx.optimizer.zeroGrad(); // the generator's optimiser
    gLoss.backward(); // also leaves gradients on D, which dOpt.zeroGrad() clears before D's next update
    ctx.optimizer.step();
    return dLoss.item();
  };
}

/** Trains the GAN from seed 0; returns the generator's mean a (before and after) and scale |b|, and D's loss per epoch. */
export function trainGan(options: GanOptions = {}): { initialMean: number; mean: number; scale: number; losses: number[] } {
  const { epochs = 30, progress = 'none' } = options;
  manualSeed(0);
  const x = randn([1024, 1], { mean: MU, std: SIGMA });
  const gan = new Gan();
  const initialMean = gan.generator.bias!.data[0];
  const dOpt = new Adam(gan.discriminator.parameters(), { lr: 0.005, betas: [0.5, 0.999] });
  const history = fit(gan, { x, y: ones([1024, 1]) }, {
    optimizer: new Adam(gan.generator.parameters(), { lr: 0.02, betas: [0.5, 0.999] }),
    epochs,
    batchSize: 64,
    trainStep: ganStep(dOpt),
    progress,
  });
  return { initialMean, mean: gan.generator.bias!.data[0], scale: Math.abs(gan.generator.weight.data[0]), losses: history.epochs.map((e) => e.loss) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = trainGan({ progress: 'lines' });
  console.log(`generator: mean ${r.mean.toFixed(3)} (data: ${MU}), scale ${r.scale.toFixed(3)} (data: ${SIGMA})`);
}
