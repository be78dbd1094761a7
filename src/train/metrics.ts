/** Metrics of a model's outputs against targets: accuracy, confusion matrix, MAE. */
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** The built-in metrics' names: the one table fit, evaluate and configs check names against. */
export const METRIC_NAMES = ['accuracy', 'mae'] as const;

/** Names of the built-in metrics. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Predicted class of each row: argmax over classes, or a threshold for a single output. */
export function predictedClasses(output: Tensor, threshold = 0.5): Int32Array {
  const n = output.ndim === 0 ? 1 : output.shape[0];
  const c = output.ndim <= 1 ? 1 : output.size / n;
  const out = new Int32Array(n);
  const d = output.data;
  for (let i = 0; i < n; i++) {
    if (c === 1) out[i] = d[i] >= threshold ? 1 : 0;
    else {
      let best = 0;
      for (let j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
      out[i] = best;
    }
  }
  return out;
}

/** Class of each target row: the index itself, argmax of a one-hot row, or 1/0 (and ±1) labels. */
export function targetClasses(target: Tensor, numOutputs: number): Int32Array {
  const n = target.ndim === 0 ? 1 : target.shape[0];
  const c = target.ndim <= 1 ? 1 : target.size / n;
  if (c > 1) return predictedClasses(target);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = target.data[i];
    out[i] = numOutputs === 1 ? (v > 0 ? 1 : 0) : Math.round(v);
  }
  return out;
}

/** Number of rows whose predicted class equals the target class. */
export function countCorrect(output: Tensor, target: Tensor, threshold = 0.5): number {
  const n = output.ndim === 0 ? 1 : output.shape[0];
  const tn = target.ndim === 0 ? 1 : target.shape[0];
  if (n !== tn) throw new ShapeError(`accuracy: ${n} outputs but ${tn} targets (shapes ${fmtShape(output.shape)} and ${fmtShape(target.shape)})`);
  const numOutputs = output.ndim <= 1 ? 1 : output.size / n;
  const p = predictedClasses(output, threshold);
  const t = targetClasses(target, numOutputs);
  let k = 0;
  for (let i = 0; i < n; i++) if (p[i] === t[i]) k++;
  return k;
}

/** Fraction of rows classified correctly (argmax for several outputs, `threshold` for one). */
export function accuracy(output: Tensor, target: Tensor, threshold = 0.5): number {
  const n = output.ndim === 0 ? 1 : output.shape[0];
  return n === 0 ? 0 : countCorrect(output, target, threshold) / n;
}

/** Mean absolute error over all elements. */
export function meanAbsoluteError(output: Tensor, target: Tensor): number {
  if (output.size !== target.size) throw new ShapeError(`mae: output ${fmtShape(output.shape)} and target ${fmtShape(target.shape)} differ in size`);
  let s = 0;
  for (let i = 0; i < output.size; i++) s += Math.abs(output.data[i] - target.data[i]);
  return output.size ? s / output.size : 0;
}

/** Confusion matrix m[true][predicted] counting rows, for numClasses classes. */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number, threshold = 0.5): number[][] {
  const n = output.ndim === 0 ? 1 : output.shape[0];
  const numOutputs = output.ndim <= 1 ? 1 : output.size / n;
  const p = predictedClasses(output, threshold);
  const t = targetClasses(target, numOutputs);
  const k = numClasses ?? Math.max(numOutputs === 1 ? 2 : numOutputs, ...Array.from(t, (v) => v + 1));
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) if (t[i] < k && p[i] < k) m[t[i]][p[i]]++;
  return m;
}

/** Renders a confusion matrix as an aligned text table. */
export function formatConfusionMatrix(m: number[][]): string {
  const w = Math.max(4, ...m.flat().map((v) => String(v).length)) + 1;
  const head = 'true\\pred'.padEnd(10) + m.map((_, j) => String(j).padStart(w)).join('');
  return [head, ...m.map((row, i) => String(i).padEnd(10) + row.map((v) => String(v).padStart(w)).join(''))].join('\n');
}
