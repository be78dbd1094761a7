/**
 * The lectures' convolutional networks by name: LeNet-5 (CONV-POOL-CONV-POOL-FC-FC-FC) and
 * AlexNet (the original 227×227×3 geometry). Each is a Sequential of plain layers, so it saves,
 * loads and prints a summary like any other model.
 */
import { ConfigError } from '../errors.js';
import { Linear, Sequential, Flatten, Dropout, ReLU } from '../nn/layers.js';
import { Conv2d } from '../nn/conv.js';
import { MaxPool2d } from '../nn/pool.js';
import { checkInputShape, type InputShape } from '../nn/input-shape.js';
import { activationEntry, activationLayer, type ActivationName } from '../nn/activations.js';

/** Options of lenet5(). */
export interface LeNetOptions {
  /** Outputs of the last layer (default 10). */
  numClasses?: number;
  /** One sample's shape [C, H, W] (default [1, 28, 28]); H and W at least 12. */
  inputShape?: InputShape;
  /** Activation after each conv and hidden FC layer (default 'relu'). */
  activation?: ActivationName;
}

/** A whole number ≥ 1 option of a builder, or a ConfigError naming it. */
function count(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${what} must be a whole number ≥ 1, got ${String(v)}`);
  return v;
}

/** Output side of a 2×2, stride-2 max pooling. */
const halve = (n: number) => Math.floor(n / 2);

/**
 * LeNet-5 for 28×28 digits: Conv(6, 5×5, padding 2) - MaxPool(2) - Conv(16, 5×5) - MaxPool(2) -
 * Flatten - FC(120) - FC(84) - FC(numClasses), an activation after each but the last (raw logits).
 */
export function lenet5(options: LeNetOptions = {}): Sequential {
  const numClasses = count('lenet5: numClasses', options.numClasses ?? 10);
  const shape = checkInputShape(options.inputShape ?? [1, 28, 28], 'lenet5: inputShape');
  const act = options.activation ?? 'relu';
  activationEntry(act);
  if (shape.length !== 3 || shape[1] < 12 || shape[2] < 12) {
    throw new ConfigError(`lenet5: inputShape must be [channels, height, width] with height and width ≥ 12, got [${shape.join(', ')}]`);
  }
  // 28 → conv (padding 2 keeps 28) → pool 14 → conv 10 → pool 5: 16·5·5 = 400 features.
  const [h, w] = [halve(halve(shape[1]) - 4), halve(halve(shape[2]) - 4)];
  const net = new Sequential(
    new Conv2d(shape[0], 6, 5, { padding: 2 }), activationLayer(act), new MaxPool2d(2),
    new Conv2d(6, 16, 5), activationLayer(act), new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * h * w, 120), activationLayer(act),
    new Linear(120, 84), activationLayer(act),
    new Linear(84, numClasses),
  );
  net.inputShape = shape;
  return net;
}

/** Options of alexnet(). */
export interface AlexNetOptions {
  /** Outputs of the last layer (default 1000). */
  numClasses?: number;
  /** Dropout probability before the first two FC layers (default 0.5, as the paper). */
  dropout?: number;
}

/**
 * AlexNet in its original geometry for a 227×227×3 input (one tower, no response normalisation):
 * Conv(96, 11×11, stride 4) 55×55 - MaxPool(3, stride 2) 27×27 - Conv(256, 5×5, padding 2) -
 * MaxPool 13×13 - Conv(384, 3×3) - Conv(384, 3×3) - Conv(256, 3×3) - MaxPool 6×6 -
 * FC(4096) - FC(4096) - FC(numClasses), ReLU after each but the last.
 */
export function alexnet(options: AlexNetOptions = {}): Sequential {
  const numClasses = count('alexnet: numClasses', options.numClasses ?? 1000);
  const p = options.dropout ?? 0.5;
  if (!(p >= 0 && p < 1)) throw new ConfigError(`alexnet: dropout must be in [0, 1), got ${String(p)}`);
  const pool = () => new MaxPool2d(3, { stride: 2 });
  const drop = () => (p > 0 ? [new Dropout(p)] : []);
  const net = new Sequential(
    new Conv2d(3, 96, 11, { stride: 4 }), new ReLU(), pool(),
    new Conv2d(96, 256, 5, { padding: 2 }), new ReLU(), pool(),
    new Conv2d(256, 384, 3, { padding: 1 }), new ReLU(),
    new Conv2d(384, 384, 3, { padding: 1 }), new ReLU(),
    new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(), pool(),
    new Flatten(),
    ...drop(), new Linear(256 * 6 * 6, 4096), new ReLU(),
    ...drop(), new Linear(4096, 4096), new ReLU(),
    new Linear(4096, numClasses),
  );
  net.inputShape = [3, 227, 227];
  return net;
}
