/**
 * Datasets and the DataLoader, as in PyTorch: a dataset answers "how many examples?" and
 * "give me example i"; the loader cuts it into mini-batches, reshuffled every epoch from the
 * seeded generator, so one `manualSeed` makes a whole training run repeatable.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { indexSelect, reshape } from '../ops/shape.js';
import { randperm } from '../tensor/random.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';

/** Inputs x with their targets y: one example, a mini-batch, or a whole split of a dataset. */
export interface Sample {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** A training and a test split, each {x, y}. */
export interface TrainTest {
  readonly train: Sample;
  readonly test: Sample;
}

/** Anything indexable that yields examples: PyTorch's map-style dataset. */
export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Example i (0 ≤ i < length) as {x, y}, without the batch axis. */
  get(i: number): Sample;
  /**
   * Optional fast path: the examples at `indices` stacked along a new first axis. The
   * DataLoader uses it when present instead of calling get() once per example.
   */
  getBatch?(indices: Int32Array): Sample;
}

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i)) throw new ValueError(`${what}: index ${i} is not a whole number`);
  if (i < -n || i >= n) throw new ShapeError(`${what}: index ${i} is out of range for a dataset of ${n} examples`);
}

/** A dataset over tensors whose first axis counts the examples: x [N, …], y [N, …]. */
export class TensorDataset implements Dataset {
  /** All inputs, [N, …]. */
  readonly x: Tensor;
  /** All targets, [N, …]. */
  readonly y: Tensor;

  /** Pairs x [N, …] with y [N, …]; their first axes must agree. */
  constructor(x: Tensor, y: Tensor) {
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new ValueError('TensorDataset: x and y must be Tensors');
    if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
      throw new ShapeError(
        `TensorDataset: x of shape ${fmtShape(x.shape)} and y of shape ${fmtShape(y.shape)} must have the same size along the first axis (the number of examples)`,
      );
    }
    this.x = x;
    this.y = y;
  }

  /** Number of examples N. */
  get length(): number {
    return this.x.shape[0];
  }

  /** Example i: x[i] and y[i] (negative i counts from the end). */
  get(i: number): Sample {
    checkIndex(i, this.length, 'TensorDataset.get');
    const k = i < 0 ? i + this.length : i;
    return {
      x: reshape(indexSelect(this.x, 0, [k]), this.x.shape.slice(1)),
      y: reshape(indexSelect(this.y, 0, [k]), this.y.shape.slice(1)),
    };
  }

  /** The examples at `indices` in one gather per tensor: x[indices], y[indices]. */
  getBatch(indices: Int32Array): Sample {
    return { x: indexSelect(this.x, 0, indices), y: indexSelect(this.y, 0, indices) };
  }
}

/** Options of a DataLoader. */
export interface DataLoaderOptions {
  /** Examples per mini-batch (default 1). */
  batchSize?: number;
  /** Draw a new random order at the start of every epoch (default false: dataset order). */
  shuffle?: boolean;
  /** Skip the last, smaller batch when batchSize does not divide the dataset (default false). */
  dropLast?: boolean;
}

/** Stacks tensors of one shape along a new first axis; `what` names them in errors. */
function collate(items: readonly Tensor[], what: string, indices: Int32Array): Tensor {
  const shape = items[0].shape;
  const inner = sizeOf(shape);
  const out = allocDefault(items.length * inner);
  for (let j = 0; j < items.length; j++) {
    const t = items[j];
    if (t.shape.length !== shape.length || t.shape.some((d, a) => d !== shape[a])) {
      throw new ShapeError(
        `DataLoader: example ${indices[j]} has ${what} of shape ${fmtShape(t.shape)}, but example ${indices[0]} has ${fmtShape(shape)}; a batch needs equal shapes`,
      );
    }
    out.set(t.data, j * inner);
  }
  return new Tensor(out, [items.length, ...shape]);
}

/**
 * Iterates a dataset in mini-batches of {x, y}: `for (const { x, y } of loader)`. Each new
 * iteration is one epoch; with `shuffle` each epoch draws a fresh order from the seeded generator.
 */
export class DataLoader implements Iterable<Sample> {
  /** The dataset being iterated. */
  readonly dataset: Dataset;
  /** Examples per mini-batch. */
  readonly batchSize: number;
  /** Whether every epoch is reshuffled. */
  readonly shuffle: boolean;
  /** Whether the last, incomplete batch is skipped. */
  readonly dropLast: boolean;

  /** Wraps a dataset; batchSize must be a whole number ≥ 1. */
  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw new ConfigError('DataLoader: dataset must have a whole-number `length` and a `get(i)` method');
    }
    const { batchSize = 1, shuffle = false, dropLast = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError(`DataLoader: batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
  }

  /** Number of batches one epoch yields. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches; the order is drawn when iteration starts. */
  *[Symbol.iterator](): Generator<Sample, void, undefined> {
    const n = this.dataset.length;
    let order: Int32Array;
    if (this.shuffle) {
      order = randperm(n);
    } else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      yield this.batch(idx);
    }
  }

  private batch(idx: Int32Array): Sample {
    const ds = this.dataset;
    if (typeof ds.getBatch === 'function') return ds.getBatch(idx);
    const xs: Tensor[] = [];
    const ys: Tensor[] = [];
    for (const i of idx) {
      const s = ds.get(i);
      xs.push(s.x);
      ys.push(s.y);
    }
    return { x: collate(xs, 'x', idx), y: collate(ys, 'y', idx) };
  }
}
