/**
 * A training loop written out by hand, without `fit`: the network learns y = sin(x) on [−π, π].
 * Each epoch walks a shuffled DataLoader over a TensorDataset in mini-batches and, per batch,
 * does the four steps every PyTorch-style loop has:
 *
 *   optimizer.zeroGrad()   clear last step's gradients
 *   loss = mse(model(x), y) forward pass
 *   loss.backward()        back-propagation fills every parameter's .grad
 *   optimizer.step()       Adam updates the weights
 *
 * and after each epoch a cosine learning-rate schedule lowers η. Prints the loss per epoch.
 *
 * Run: npx tsx --conditions=source examples/custom-loop.ts
 */
import { pathToFileURL } from 'node:url';
import {
  mlp, Adam, CosineAnnealingLR, DataLoader, TensorDataset, mse, noGrad, manualSeed,
  rand, sin, reshape, arange,
} from 'backprop';

/** Options of trainSine. */
export interface SineOptions {
  /** Epochs (default 60). */
  epochs?: number;
  /** Print the loss every this many epochs (default 0: print nothing). */
  logEvery?: number;
}

/** Trains the 1-32-32-1 tanh network; returns the mean training loss of each epoch and the final MSE on a fine grid. */
export function trainSine(options: SineOptions = {}): { losses: number[]; lrs: number[]; testMse: number } {
  const { epochs = 60, logEvery = 0 } = options;
  manualSeed(3);

  // 256 random points x ∈ [−π, π] with targets sin(x); both [N, 1] (one feature, one output).
  const x = rand([256, 1], { low: -Math.PI, high: Math.PI });
  const y = sin(x);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });

  const model = mlp([1, 32, 32, 1], { activation: 'tanh' });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: epochs, etaMin: 1e-4 });

  const losses: number[] = [];
  const lrs: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let sum = 0;
    let count = 0;
    for (const batch of loader) {
      optimizer.zeroGrad();
      const loss = mse(model.forward(batch.x), batch.y);
      loss.backward();
      optimizer.step();
      sum += loss.item() * batch.x.shape[0];
      count += batch.x.shape[0];
    }
    losses.push(sum / count);
    lrs.push(optimizer.lr);
    schedule.step(); // once per epoch, after that epoch's steps
    if (logEvery > 0 && (epoch === 1 || epoch % logEvery === 0)) {
      console.log(`epoch ${String(epoch).padStart(3)}  loss ${(sum / count).toExponential(2)}  lr ${lrs[lrs.length - 1].toExponential(2)}`);
    }
  }

  // Evaluate on 201 evenly spaced points, without recording a graph.
  const testMse = noGrad(() => {
    const grid = reshape(arange(0, 201), [201, 1]).mul((2 * Math.PI) / 200).sub(Math.PI);
    return mse(model.forward(grid), sin(grid)).item();
  });
  return { losses, lrs, testMse };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { testMse } = trainSine({ logEvery: 5 });
  console.log(`MSE against sin(x) on a grid of 201 points in [−π, π]: ${testMse.toExponential(3)}`);
}
