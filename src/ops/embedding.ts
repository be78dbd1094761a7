/**
 * Embedding lookup: each integer index i picks row i of a weight matrix W [V, E], the same as
 * multiplying a one-hot vector by W but without forming it. In backward, δ of each looked-up
 * vector is added into the row it came from, so only the rows used get a gradient and an index
 * used twice gets the sum of both.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';

/** Options of embedding(). */
export interface EmbeddingOptions {
  /**
   * A row that stands for padding: looking it up works as usual, but it never receives a
   * gradient (as PyTorch's padding_idx). Negative counts from the end (−1 is row V − 1).
   */
  paddingIdx?: number | null;
}

/** Checks a padding row index against V and returns it in 0 … V−1 (null when none). */
function checkPaddingIdx(paddingIdx: number | null | undefined, v: number, op: string): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx) || paddingIdx < -v || paddingIdx >= v) {
    throw new ValueError(`${op}: paddingIdx must be a whole number in −${v} … ${v - 1} for ${v} embeddings, got ${String(paddingIdx)}`);
  }
  return paddingIdx < 0 ? paddingIdx + v : paddingIdx;
}

/**
 * Looks up rows of `weight` [V, E] by `indices` (whole numbers 0 … V−1 in a float tensor of any
 * shape): the result has shape [...indices.shape, E]. Gradients flow to `weight` only.
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  checkTensor(indices, 'embedding', 'indices');
  checkTensor(weight, 'embedding', 'weight');
  checkArgCount('embedding', 3, arguments.length);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be a matrix [V, E], got shape ${fmtShape(weight.shape)}`);
  const [v, e] = weight.shape;
  const pad = checkPaddingIdx(options.paddingIdx, v, 'embedding');
  const src = indices.data;
  const idx = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const k = src[i];
    if (!Number.isInteger(k) || k < 0 || k >= v) {
      const what = Number.isInteger(k) ? 'is out of range' : 'is not a whole number';
      throw new ValueError(`embedding: index ${k} at position ${i} ${what}; indices must be whole numbers in 0 … ${v - 1} for V = ${v} embeddings`);
    }
    idx[i] = k;
  }
  const y = new Tensor(kernels.indexSelect(weight.data, 1, v, e, idx), [...indices.shape, e]);
  return record(y, 'embedding', [indices, weight], (dy) => {
    // ∂E/∂W[r] = Σ over positions p with index r of δ_p; rows never looked up stay exactly 0.
    const dw = kernels.indexAdd(dy, 1, v, e, idx);
    if (pad !== null) dw.fill(0, pad * e, (pad + 1) * e);
    return [null, dw];
  }, { numEmbeddings: v, embeddingDim: e, paddingIdx: pad });
}
