/**
 * The worked examples explain() ships with. 'lecture' is the lecture's 1-2-1 sigmoid network
 * y₁ = σ(0.5x + 1), y₂ = σ(x + 0.5), z = σ(0.5y₁ + 0.5y₂ + 0.25), E = ½(z − 1)². The lecture leaves
 * x symbolic (and supposes z = 0.9 for its error, which this network cannot output: z lies between
 * σ(0.25) and σ(1.25)), so the preset takes x = 2 unless told otherwise. 'softmax-regression' is one
 * Linear layer on logits with cross-entropy, whose weight gradient is Xᵀ(P − Y)/m.
 */
import { ConfigError } from '../errors.js';
import type { NestedArray } from '../tensor/tensor.js';
import { Linear, Sequential, Sigmoid } from '../nn/layers.js';
import type { ExplainLoss } from './types.js';

/** A ready-made network with its input, target and loss. */
export interface ExplainPreset {
  readonly model: Sequential;
  readonly x: NestedArray;
  readonly target: NestedArray;
  readonly loss: ExplainLoss;
  /** One line on what it is. */
  readonly description: string;
}

/** A Linear layer with the given weights [out][in] and bias. */
function fixedLinear(weight: number[][], bias: number[]): Linear {
  const l = new Linear(weight[0].length, weight.length);
  l.weight.data.set(weight.flat());
  l.bias?.data.set(bias);
  return l;
}

/** The lecture's network at input x (default 2), target 1. */
export function lecturePreset(x: number = 2): ExplainPreset {
  const model = new Sequential(fixedLinear([[0.5], [1]], [1, 0.5]), new Sigmoid(), fixedLinear([[0.5, 0.5]], [0.25]), new Sigmoid());
  return {
    model,
    x: [[x]],
    target: [[1]],
    loss: 'l2',
    description: `the lecture's network y1 = σ(0.5x+1), y2 = σ(x+0.5), z = σ(0.5y1+0.5y2+0.25), E = ½(z−1)², at x = ${x}`,
  };
}

/** The softmax-regression data: 4 samples of 3 features, 3 classes. */
export const SOFTMAX_REGRESSION_DATA = Object.freeze({
  x: [[1, 0.5, -1], [0, 1, 2], [-1, -0.5, 0.5], [2, 1, 0]],
  classes: [0, 2, 1, 0],
  weight: [[0.2, -0.1, 0.3], [-0.3, 0.2, 0.1], [0.1, 0.4, -0.2]],
  bias: [0.1, 0, -0.1],
});

/** Softmax regression: one Linear(3→3) on logits, cross-entropy over 4 samples. */
export function softmaxRegressionPreset(): ExplainPreset {
  const d = SOFTMAX_REGRESSION_DATA;
  return {
    model: new Sequential(fixedLinear(d.weight, d.bias)),
    x: d.x.map((r) => [...r]),
    target: [...d.classes],
    loss: 'crossEntropy',
    description: 'softmax regression: logits s = W x + b, P = softmax(s), Div = cross-entropy, so ∂Div/∂W = ((P − Y)ᵀ X)/m, the transpose of Xᵀ(P − Y)/m',
  };
}

/** The preset names. */
export const EXPLAIN_PRESETS = Object.freeze(['lecture', 'softmax-regression'] as const);

/** A preset by name, or a ConfigError listing them. */
export function explainPreset(name: string): ExplainPreset {
  if (name === 'lecture') return lecturePreset();
  if (name === 'softmax-regression') return softmaxRegressionPreset();
  throw new ConfigError(`unknown explain preset '${name}' (known: ${EXPLAIN_PRESETS.join(', ')})`);
}
