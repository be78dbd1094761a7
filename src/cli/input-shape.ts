/**
 * The CLI's one rule for input shapes: data goes into a model as `[N, ...model.inputShape]`.
 * Models saved before input shapes were recorded fall back to their first Linear layer's
 * in-features (what older versions of the CLI flattened every input to).
 */
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { Linear } from '../nn/layers.js';

/** Where a model's input shape came from: recorded in the model, or the older-file fallback. */
export interface KnownInputShape {
  shape: readonly number[];
  /** False for the fallback of a model saved without an inputShape. */
  recorded: boolean;
}

/** The per-sample input shape of a model, or null when neither recorded nor implied by a first Linear. */
export function modelInputShape(model: AnyModule): KnownInputShape | null {
  if (model.inputShape) return { shape: model.inputShape, recorded: true };
  const first = model.namedModules().find(([, m]) => m instanceof Linear);
  return first ? { shape: [(first[1] as Linear).inFeatures], recorded: false } : null;
}

/** `x` reshaped to `[N, ...inputShape]` of the model (unchanged when the shape is unknown); `what` names the caller in errors. */
export function shapeInputs(model: AnyModule, x: Tensor, what: string): Tensor {
  const known = modelInputShape(model);
  if (!known) return x;
  const shape = known.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const n = x.ndim === 0 ? 1 : x.shape[0];
  if (x.ndim === 0 || x.size !== n * size) {
    const takes = shape.length === 1 ? `${size} inputs per sample` : `inputs of shape ${fmtShape(shape)} (${size} values) per sample`;
    throw new ShapeError(`${what}: the model takes ${takes}, but the input has shape ${fmtShape(x.shape)}`);
  }
  return x.reshape([n, ...shape]);
}
