/**
 * Why ResNets have shortcuts (the lecture's point): two CNNs of the same depth, 20 convolutions of
 * 3×3 with ReLU and no batch norm, one a plain stack and one whose pairs of convolutions are
 * wrapped in identity shortcuts (y = relu(x + conv(relu(conv x)))). Trained from the same seed on
 * the same 1,000 MNIST digits (shrunk to 14×14 by 2×2 average pooling) with the same SGD, the
 * residual one learns while the plain one stalls near the loss of guessing (ln 10 ≈ 2.30): through
 * 20 layers the plain net's signal and gradient fade, and the shortcuts carry them around.
 *
 * Run: npx tsx --conditions=source examples/residual-vs-plain.ts
 */
import { pathToFileURL } from 'node:url';
import {
  Conv2d, Flatten, Linear, ReLU, Residual, Sequential, SGD, avgPool2d, fit, loadMnist, manualSeed,
  type Module, type ProgressMode,
} from 'backprop';

/** How much to train. */
export interface ResidualVsPlainOptions {
  /** Convolutions in each network (even, ≥ 4; default 20). */
  depth?: number;
  /** Channels of every hidden convolution (default 8). */
  width?: number;
  /** Training digits (default 1000). */
  train?: number;
  /** Epochs (default 4). */
  epochs?: number;
  /** Random seed (default 0): the digits drawn, both networks' initial weights, the batch order. */
  seed?: number;
  /** SGD's learning rate, momentum 0.9 (default 0.05). */
  lr?: number;
  /** How fit reports progress (default 'none'). */
  progress?: ProgressMode;
}

/** Mean training loss per epoch of each network. */
export interface ResidualVsPlainResult {
  plain: number[];
  residual: number[];
}

/** A 3×3 convolution that keeps the size. */
const conv = (cin: number, cout: number) => new Conv2d(cin, cout, 3, { padding: 1 });

/**
 * depth convolutions: a stride-2 stem conv 1 → width (14×14 → 7×7), (depth − 2)/2 pairs of width → width convs (plain, or
 * each pair inside a shortcut), a last conv and a linear classifier.
 */
export function deepCnn(depth: number, width: number, residual: boolean): Sequential {
  const pairs = Array.from({ length: (depth - 2) / 2 }, (): Module[] => (residual
    ? [new Residual(new Sequential(conv(width, width), new ReLU(), conv(width, width)), null, { activation: 'relu' })]
    : [conv(width, width), new ReLU(), conv(width, width), new ReLU()]));
  return new Sequential(
    new Conv2d(1, width, 3, { stride: 2, padding: 1 }), new ReLU(), ...pairs.flat(), conv(width, width), new ReLU(),
    new Flatten(), new Linear(width * 7 * 7, 10),
  );
}

/** Trains the plain and the residual network on the same digits from the same seed; returns both loss curves. */
export function residualVsPlain(options: ResidualVsPlainOptions = {}): ResidualVsPlainResult {
  const { depth = 20, width = 8, train: n = 1000, epochs = 4, seed = 0, progress = 'none', lr = 0.05 } = options;
  if (!Number.isInteger(depth) || depth < 4 || depth % 2 !== 0) throw new RangeError(`residualVsPlain: depth must be an even whole number ≥ 4, got ${depth}`);
  manualSeed(seed);
  const { train } = loadMnist({ train: n, test: 0 });
  const data = { x: avgPool2d(train.x, 2), y: train.y }; // [n, 1, 14, 14]
  const curve = (residual: boolean) => {
    manualSeed(seed + 1);
    const model = deepCnn(depth, width, residual);
    const history = fit(model, data, {
      loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr, momentum: 0.9 }), epochs, batchSize: 32, progress,
    });
    return history.epochs.map((e) => e.loss);
  };
  return { plain: curve(false), residual: curve(true) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = residualVsPlain();
  console.log('epoch   plain   residual   (mean training cross-entropy; guessing is ln 10 ≈ 2.303)');
  r.plain.forEach((p, i) => console.log(`${String(i + 1).padStart(5)}  ${p.toFixed(4)}  ${r.residual[i].toFixed(4)}`));
}
