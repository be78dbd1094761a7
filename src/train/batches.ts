/**
 * The one batching path of fit: tensors {x, y} are wrapped in a DataLoader over a
 * TensorDataset, which draws each epoch's order from the seeded generator (randperm), so a fixed
 * seed gives the same batches as before; a DataLoader (or any BatchSource) is used as given.
 */
import { ConfigError } from '../errors.js';
import { DataLoader, TensorDataset, type Sample } from '../data/dataset.js';
import { Tensor } from '../tensor/tensor.js';
import { checkData, checkFinite } from './check-data.js';
import type { BatchSource, XY } from './types.js';

/** A TensorDataset whose batch of every row in order is the tensors themselves (full-batch GD copies nothing). */
class WholeTensorDataset extends TensorDataset {
  override getBatch(indices: Int32Array): Sample {
    if (indices.length === this.length && indices.every((v, i) => v === i)) return { x: this.x, y: this.y };
    return super.getBatch(indices);
  }
}

/** Whether data is {x, y} tensors rather than a source of batches. */
export function isTensorPair(data: XY | BatchSource): data is XY {
  return (data as XY).x instanceof Tensor;
}

/** The batches of an epoch for fit's options: a DataLoader for tensors, the source itself otherwise. */
export function batchSource(data: XY | BatchSource, options: { batchSize?: number | 'full'; shuffle?: boolean; dropLast?: boolean }): BatchSource {
  if (!isTensorPair(data)) {
    if (data.length === 0) throw new ConfigError('fit: the data loader yields no batches (is dropLast set with a batch larger than the data?)');
    return data;
  }
  const n = data.x.shape[0];
  const bs = options.batchSize ?? 32;
  const batchSize = bs === 'full' ? n : bs;
  if (options.dropLast && batchSize > n) {
    throw new ConfigError(`fit: batchSize ${batchSize} is larger than the ${n} samples and dropLast is set, so no batch would ever be trained on`);
  }
  return new DataLoader(new WholeTensorDataset(data.x, data.y), { batchSize, shuffle: options.shuffle ?? true, dropLast: options.dropLast ?? false });
}

/** Batches of a source with each one checked for NaN/±Inf (for sources fit could not check up front). */
export function* checkedBatches(source: BatchSource): Generator<XY, void, undefined> {
  let i = 0;
  for (const b of source) {
    checkFinite(b.x, `fit: batch ${i} of data, x`);
    checkFinite(b.y, `fit: batch ${i} of data, y`);
    i++;
    yield b;
  }
}

/** The data's batches for this run, checked up front where the data is known (tensors, a TensorDataset). */
export function prepareData(data: XY | BatchSource, options: { batchSize?: number | 'full'; shuffle?: boolean; dropLast?: boolean }): { source: BatchSource; checkEach: boolean } {
  if (data !== null && typeof data === 'object' && 'x' in data) checkData(data, 'fit: data');
  else if (data === null || typeof data !== 'object' || typeof (data as BatchSource)[Symbol.iterator] !== 'function') {
    throw new ConfigError('fit: data must be {x, y} tensors or a DataLoader');
  }
  const tensorDataset = data instanceof DataLoader && data.dataset instanceof TensorDataset ? data.dataset : null;
  if (tensorDataset) checkData({ x: tensorDataset.x, y: tensorDataset.y }, 'fit: data');
  return { source: batchSource(data, options), checkEach: !isTensorPair(data) && !tensorDataset };
}
