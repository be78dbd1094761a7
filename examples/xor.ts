/**
 * XOR with the library doing the work: a 2-2-1 sigmoid multi-layer perceptron built with
 * `mlp` and trained with `fit` (full-batch gradient descent on the mean squared error).
 * Compare examples/xor-by-hand.ts, which writes the same training out with raw tensors.
 *
 * Run: npx tsx --conditions=source examples/xor.ts
 */
import { pathToFileURL } from 'node:url';
import { mlp, fit, predict, SGD, xorData, manualSeed, type ProgressMode } from 'backprop';

/** Options of trainXor. */
export interface XorOptions {
  /** Epochs of full-batch gradient descent (default 2000). */
  epochs?: number;
  /** Learning rate η (default 2). */
  lr?: number;
  /** How fit reports progress (default 'none': this example prints its own summary). */
  progress?: ProgressMode;
}

/** Trains the network on the XOR truth table; returns its four outputs and the final loss. */
export function trainXor(options: XorOptions = {}): { outputs: number[]; loss: number } {
  const { epochs = 2000, lr = 2, progress = 'none' } = options;
  manualSeed(1); // same initial weights every run
  const { x, y } = xorData(); // x [4, 2]: 00, 01, 10, 11; y [4, 1]: 0, 1, 1, 0
  const model = mlp([2, 2, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
  const history = fit(model, { x, y }, {
    loss: 'mse',
    optimizer: new SGD(model.parameters(), { lr }),
    epochs,
    batchSize: 'full', // all four rows in every step: plain gradient descent
    progress,
  });
  const outputs = Array.from(predict(model, x).data);
  return { outputs, loss: history.epochs[history.epochs.length - 1].loss };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outputs, loss } = trainXor();
  console.log(`final loss ${loss.toFixed(4)}`);
  ['0 xor 0', '0 xor 1', '1 xor 0', '1 xor 1'].forEach((q, i) => console.log(`${q} → ${outputs[i].toFixed(3)}  (${outputs[i] > 0.5 ? 1 : 0})`));
}
