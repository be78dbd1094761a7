/**
 * Logistic regression: one sigmoid neuron P(y = 1 | x) = σ(w·x + b) separating two clouds of
 * 2-D points (Gaussian blobs around (−1.5, −1) and (1.5, 1)), trained with `fit` on the binary
 * cross-entropy by mini-batch SGD. It prints the test accuracy and the learned decision
 * boundary w·x + b = 0, the straight line where P(y = 1 | x) = 0.5.
 *
 * Run: npx tsx --conditions=source examples/logistic-regression.ts
 */
import { pathToFileURL } from 'node:url';
import {
  LogisticRegression, SGD, fit, predict, accuracy, trainTestSplit, manualSeed,
  randn, tensor, zeros, ones, add, concat, type Tensor, type ProgressMode,
} from 'backprop';

/** Two Gaussian blobs of n points each (std 1): class 0 around `c0`, class 1 around `c1`. x [2n, 2], y [2n, 1] of 0/1. */
export function twoBlobs(n: number, c0: [number, number] = [-1.5, -1], c1: [number, number] = [1.5, 1]): { x: Tensor; y: Tensor } {
  const x = concat([add(randn([n, 2]), tensor(c0)), add(randn([n, 2]), tensor(c1))], 0);
  const y = concat([zeros([n, 1]), ones([n, 1])], 0); // [N, 1], the shape of the model's output
  return { x, y };
}

/** Options of trainLogisticRegression. */
export interface LogisticOptions {
  /** Epochs (default 30). */
  epochs?: number;
  /** How fit reports progress (default 'none'; 'lines' prints one line per epoch). */
  progress?: ProgressMode;
}

/** What trainLogisticRegression gives back. */
export interface LogisticResult {
  /** Accuracy on the 100 held-out points. */
  accuracy: number;
  /** Training loss and accuracy after each epoch. */
  epochs: { loss: number; accuracy: number }[];
  /** The learned weights w = [w1, w2] and bias b. */
  w: [number, number];
  b: number;
}

/** Trains on 300 of 400 points and returns the test accuracy and the boundary's w and b. */
export function trainLogisticRegression(options: LogisticOptions = {}): LogisticResult {
  const { epochs = 30, progress = 'none' } = options;
  manualSeed(7);
  const { x, y } = twoBlobs(200);
  const { train, test } = trainTestSplit(x, y, { testFraction: 0.25, stratify: true });

  const model = new LogisticRegression(2);
  const history = fit(model, train, {
    loss: 'binaryCrossEntropy', // −d log P − (1 − d) log(1 − P)
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs,
    batchSize: 16,
    metrics: ['accuracy'], // threshold 0.5 on P
    progress,
  });

  const w = model.linear.weight.data; // [1, 2]
  const b = model.linear.bias!.data[0];
  return {
    accuracy: accuracy(predict(model, test.x), test.y),
    epochs: history.epochs.map((e) => ({ loss: e.loss, accuracy: e.accuracy })),
    w: [w[0], w[1]],
    b,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { accuracy: acc, epochs, w, b } = trainLogisticRegression();
  epochs.forEach((e, i) => {
    if (i === 0 || (i + 1) % 5 === 0) console.log(`epoch ${String(i + 1).padStart(2)}: loss ${e.loss.toFixed(4)}, train accuracy ${(100 * e.accuracy).toFixed(1)}%`);
  });
  console.log(`test accuracy ${(100 * acc).toFixed(1)}%`);
  const signed = (v: number) => `${v < 0 ? '-' : '+'} ${Math.abs(v).toFixed(3)}`;
  console.log(`decision boundary w·x + b = 0: ${w[0].toFixed(3)}·x1 ${signed(w[1])}·x2 ${signed(b)} = 0`);
  console.log(`  i.e. the line x2 = ${(-w[0] / w[1]).toFixed(3)}·x1 ${signed(-b / w[1])}; class 1 lies on the side where w·x + b > 0`);
}
