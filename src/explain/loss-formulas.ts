/**
 * The divergences explain() takes apart: the library's loss (whose gradient autograd computes) next
 * to the lecture's closed form of ∂Div/∂y at the output, computed independently to cross-check it.
 */
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryCrossEntropy, crossEntropy, l2, mse } from '../losses/index.js';
import type { ExplainLoss, Matrix } from './types.js';

/** A divergence: its formula, its gradient formula, the library loss and the closed-form gradient. */
export interface LossFormula {
  readonly formula: string;
  readonly gradient: string;
  /** The library's loss of the output y and target d (batch-averaged). */
  readonly loss: (y: Tensor, d: Tensor) => Tensor;
  /** ∂Div/∂y from the formula, for outputs y and (one-hot / dense) targets d, [sample][neuron]. */
  readonly grad: (y: Matrix, d: Matrix) => Matrix;
}

function softmaxRow(s: number[]): number[] {
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

const FORMULAS: Record<ExplainLoss, LossFormula> = {
  l2: {
    formula: 'Div = ½‖y − d‖² (averaged over the batch)',
    gradient: '∂Div/∂y = (y − d) / m',
    loss: (y, d) => l2(y, d),
    grad: (y, d) => y.map((row, i) => row.map((v, j) => (v - d[i][j]) / y.length)),
  },
  mse: {
    formula: 'Div = mean of (y − d)² over all elements',
    gradient: '∂Div/∂y = 2(y − d) / (m·n)',
    loss: (y, d) => mse(y, d),
    grad: (y, d) => y.map((row, i) => row.map((v, j) => (2 * (v - d[i][j])) / (y.length * row.length))),
  },
  crossEntropy: {
    formula: 'Div = −Σᵢ dᵢ log softmax(y)ᵢ (averaged over the batch; y are the logits)',
    gradient: '∂Div/∂y = (softmax(y) − d) / m, i.e. (P − Y)/m',
    loss: (y, d) => crossEntropy(y, d),
    grad: (y, d) => y.map((row, i) => softmaxRow(row).map((p, j) => (p - d[i][j]) / y.length)),
  },
  binaryCrossEntropy: {
    formula: 'Div = −d log y − (1 − d) log(1 − y) (averaged over all elements)',
    gradient: '∂Div/∂y = (y − d) / (y(1 − y)) / (m·n)',
    loss: (y, d) => binaryCrossEntropy(y, d),
    grad: (y, d) => y.map((row, i) => row.map((v, j) => (v - d[i][j]) / Math.max(v * (1 - v), 1e-12) / (y.length * row.length))),
  },
};

/** The names explain() accepts as its loss. */
export const EXPLAIN_LOSSES = Object.freeze(Object.keys(FORMULAS) as ExplainLoss[]);

/** The formula entry of a loss name, or a ConfigError listing the known ones. */
export function lossFormula(name: string): LossFormula {
  if (!Object.hasOwn(FORMULAS, name)) throw new ConfigError(`explain: unknown loss '${name}' (known: ${EXPLAIN_LOSSES.join(', ')})`);
  return FORMULAS[name as ExplainLoss];
}
