/** Turns explain()'s x and target (tensors, nested arrays or numbers) into batch tensors [m, …]. */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, tensor, type NestedArray } from '../tensor/tensor.js';
import type { ExplainLoss, Matrix } from './types.js';

/** What explain() takes as x or target. */
export type ExplainValue = Tensor | NestedArray;

function asTensor(v: ExplainValue, what: string): Tensor {
  if (v instanceof Tensor) return new Tensor(Float32Array.from(v.data), v.shape);
  if (typeof v !== 'number' && !Array.isArray(v)) throw new ValueError(`explain: ${what} must be a Tensor, a number or nested arrays of numbers, got ${v === null ? 'null' : typeof v}`);
  return tensor(v);
}

/** x as a fresh batch [m, …] that requires a gradient (a number or a 1-D x is one sample). */
export function inputBatch(x: ExplainValue): Tensor {
  const t = asTensor(x, 'x');
  const shape = t.ndim === 0 ? [1, 1] : t.ndim === 1 ? [1, t.shape[0]] : t.shape;
  return new Tensor(t.data, shape, true);
}

/** The target as the loss takes it (class indices [m] for crossEntropy, else [m, n]) and as one row of d per sample. */
export function targetBatch(target: ExplainValue, loss: ExplainLoss, m: number, n: number): { tensor: Tensor; rows: Matrix } {
  const t = asTensor(target, 'target');
  if (loss === 'crossEntropy' && t.ndim <= 1 && t.size === m && n > 1) {
    const rows: Matrix = [];
    for (let i = 0; i < t.size; i++) {
      const c = t.data[i];
      if (!Number.isInteger(c) || c < 0 || c >= n) throw new ValueError(`explain: target ${i} is ${c}, not a class index in 0…${n - 1}`);
      rows.push(Array.from({ length: n }, (_, j) => (j === c ? 1 : 0)));
    }
    return { tensor: new Tensor(t.data, [t.size]), rows };
  }
  if (t.size !== m * n) throw new ShapeError(`explain: target of shape ${fmtShape(t.shape)} does not fit ${m} sample${m === 1 ? '' : 's'} of ${n} output${n === 1 ? '' : 's'} (needs ${m * n} values${loss === 'crossEntropy' ? `, or ${m} class indices` : ''})`);
  const tt = new Tensor(t.data, [m, n]);
  const rows: Matrix = [];
  for (let i = 0; i < m; i++) rows.push(Array.from(t.data.subarray(i * n, (i + 1) * n)));
  return { tensor: tt, rows };
}
