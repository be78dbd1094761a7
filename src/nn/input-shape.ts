/**
 * A model's per-sample input shape (`[1, 28, 28]` for an image, `[784]` for a feature vector):
 * checked once here, so a config field, a builder option and the CLI agree on what is valid.
 */
import { ConfigError } from '../errors.js';
import { MAX_TENSOR_ELEMENTS } from '../tensor/limits.js';

/** Per-sample input shape: no batch axis. */
export type InputShape = readonly number[];

/** The shape as a fresh array, or a ConfigError naming `what` (e.g. `mlp: inputShape`). */
export function checkInputShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ConfigError(`${what} must be a non-empty list of whole numbers ≥ 1 (one sample's shape, without the batch axis), got ${JSON.stringify(shape) ?? String(shape)}`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size > MAX_TENSOR_ELEMENTS) throw new ConfigError(`${what}: [${shape.join(', ')}] has ${size.toExponential(3)} values per sample, more than a tensor can hold`);
  return [...(shape as number[])];
}

/** Number of values in one sample of this shape (the product of its axes). */
export function inputSize(shape: InputShape): number {
  return shape.reduce((a, b) => a * b, 1);
}
