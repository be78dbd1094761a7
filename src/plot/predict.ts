/** Running a model (or any function of a batch) for a plot: in evaluation mode, without a graph. */
import { noGrad } from '../autograd/graph.js';
import type { Tensor } from '../tensor/tensor.js';

/** Something that maps a batch to outputs: a model with call(x), or a plain function. */
export type Predictor = ((x: Tensor) => Tensor) | { call(x: Tensor): Tensor; training?: boolean; train?(mode?: boolean): unknown };

/** The predictor's outputs for x, in evaluation mode (a model's mode is put back afterwards). */
export function runPredictor(model: Predictor, x: Tensor): Tensor {
  if (typeof model === 'function') return noGrad(() => model(x));
  const wasTraining = model.training;
  model.train?.(false);
  try {
    return noGrad(() => model.call(x));
  } finally {
    if (wasTraining !== undefined) model.train?.(wasTraining);
  }
}
