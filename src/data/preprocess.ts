/**
 * Preparing targets and inputs: one-hot encoding of class labels, and standardisation of
 * features (z = (x − μ) / σ with μ, σ fitted on the training set only, then applied to the test
 * set, so no information leaks from test to train).
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';

/**
 * One-hot rows for class labels: label k becomes a row of numClasses zeros with a 1 at k.
 * labels: [N] (or [N, 1]) whole numbers in 0…numClasses−1; numClasses defaults to max + 1.
 */
export function oneHot(labels: Tensor | readonly number[], numClasses?: number): Tensor {
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.ndim > 2 || (labels.ndim === 2 && labels.shape[1] !== 1)) {
      throw new ShapeError(`oneHot: labels must have shape [N] or [N, 1], got ${fmtShape(labels.shape)}`);
    }
    values = labels.data;
  } else if (Array.isArray(labels)) {
    values = labels;
  } else {
    throw new ValueError('oneHot: labels must be a Tensor or an array of numbers');
  }
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new ValueError(`oneHot: label ${String(v)} at position ${i} is not a whole number ≥ 0 (a class index)`);
    }
  }
  let c = numClasses;
  if (c === undefined) {
    c = 0;
    for (let i = 0; i < n; i++) c = Math.max(c, values[i] + 1);
  } else if (!Number.isInteger(c) || c < 1) {
    throw new ConfigError(`oneHot: numClasses must be a whole number ≥ 1, got ${c}`);
  }
  const out = allocDefault(n * c);
  for (let i = 0; i < n; i++) {
    const k = values[i];
    if (k >= c) throw new ValueError(`oneHot: label ${k} at position ${i} is out of range for ${c} classes (0…${c - 1})`);
    out[i * c + k] = 1;
  }
  return new Tensor(out, [n, c]);
}

/** Fitted statistics of a Standardizer, as plain numbers (for JSON). */
export interface StandardizerState {
  /** Shape of one example, e.g. [F] for inputs [N, F]. */
  readonly featureShape: number[];
  readonly mean: number[];
  readonly std: number[];
}

function checkFeatures(fs: readonly number[], x: Tensor, op: string): void {
  if (x.ndim !== fs.length + 1 || fs.some((d, i) => d !== x.shape[i + 1])) {
    throw new ShapeError(`Standardizer.${op}: expected examples of shape ${fmtShape(fs)} (input [N, ${fs.join(', ')}]), got ${fmtShape(x.shape)}`);
  }
}

/**
 * Standardises features like scikit-learn's StandardScaler: fit() learns each feature's mean μ
 * and standard deviation σ over the examples (axis 0); transform() gives (x − μ) / σ. A feature
 * with σ = 0 (constant in the training set) is only centred (σ is taken as 1), never divided by 0.
 */
export class Standardizer {
  /** Per-feature mean μ, shape of one example; null before fit(). */
  mean: Tensor | null = null;
  /** Per-feature population standard deviation σ (0 replaced by 1); null before fit(). */
  std: Tensor | null = null;

  /** Learns μ and σ of every feature from x [N, …] (N ≥ 1). */
  fit(x: Tensor): this {
    if (x.ndim < 1 || x.shape[0] < 1) throw new ShapeError(`Standardizer.fit: need at least one example along axis 0, got shape ${fmtShape(x.shape)}`);
    const n = x.shape[0];
    const featureShape = x.shape.slice(1);
    const f = sizeOf(featureShape);
    // Accumulate in float64: float32 sums over thousands of examples lose digits.
    const sum = new Float64Array(f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) sum[j] += x.data[i * f + j];
    const mu = sum.map((s) => s / n);
    const sq = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const d = x.data[i * f + j] - mu[j];
        sq[j] += d * d;
      }
    }
    const mean = allocDefault(f);
    const std = allocDefault(f);
    for (let j = 0; j < f; j++) {
      mean[j] = mu[j];
      const s = Math.sqrt(sq[j] / n);
      // A constant feature carries no information to scale; dividing by ~0 would blow it up.
      std[j] = s > 1e-12 * Math.max(1, Math.abs(mu[j])) ? s : 1;
    }
    this.mean = new Tensor(mean, featureShape);
    this.std = new Tensor(std, featureShape);
    return this;
  }

  /** (x − μ) / σ for x [M, …] with the fitted feature shape; a new tensor, no gradient graph. */
  transform(x: Tensor): Tensor {
    const { mean, std } = this.fitted('transform');
    checkFeatures(mean.shape, x, 'transform');
    const f = mean.size;
    const out = allocDefault(x.size);
    for (let i = 0; i < x.size; i++) out[i] = (x.data[i] - mean.data[i % f]) / std.data[i % f];
    return new Tensor(out, x.shape);
  }

  /** fit(x) then transform(x). */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes transform: z · σ + μ. */
  inverseTransform(z: Tensor): Tensor {
    const { mean, std } = this.fitted('inverseTransform');
    checkFeatures(mean.shape, z, 'inverseTransform');
    const f = mean.size;
    const out = allocDefault(z.size);
    for (let i = 0; i < z.size; i++) out[i] = z.data[i] * std.data[i % f] + mean.data[i % f];
    return new Tensor(out, z.shape);
  }

  /** The fitted μ and σ as plain arrays, to save alongside a model. */
  toJSON(): StandardizerState {
    const { mean, std } = this.fitted('toJSON');
    return { featureShape: mean.shape.slice(), mean: Array.from(mean.data), std: Array.from(std.data) };
  }

  /** A Standardizer with the statistics saved by toJSON(). */
  static fromJSON(state: StandardizerState): Standardizer {
    const f = sizeOf(state.featureShape);
    if (state.mean.length !== f || state.std.length !== f) {
      throw new ShapeError(`Standardizer.fromJSON: featureShape ${fmtShape(state.featureShape)} needs ${f} means and stds, got ${state.mean.length} and ${state.std.length}`);
    }
    const s = new Standardizer();
    const mean = allocDefault(f);
    const std = allocDefault(f);
    mean.set(state.mean);
    std.set(state.std);
    s.mean = new Tensor(mean, state.featureShape);
    s.std = new Tensor(std, state.featureShape);
    return s;
  }

  private fitted(op: string): { mean: Tensor; std: Tensor } {
    if (!this.mean || !this.std) throw new ConfigError(`Standardizer.${op}: call fit() on the training data first`);
    return { mean: this.mean, std: this.std };
  }

}

/** Fits a Standardizer on train and applies it to train (and to test, when given). */
export function standardize(train: Tensor): { train: Tensor; standardizer: Standardizer };
export function standardize(train: Tensor, test: Tensor): { train: Tensor; test: Tensor; standardizer: Standardizer };
export function standardize(train: Tensor, test?: Tensor): { train: Tensor; test?: Tensor; standardizer: Standardizer } {
  const standardizer = new Standardizer().fit(train);
  const out: { train: Tensor; test?: Tensor; standardizer: Standardizer } = { train: standardizer.transform(train), standardizer };
  if (test !== undefined) out.test = standardizer.transform(test);
  return out;
}
