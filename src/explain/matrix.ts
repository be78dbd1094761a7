/** Small plain-number matrix helpers explain() computes its cross-checks with (float64, no tensors). */
import type { Matrix } from './types.js';

/** A tensor's data (or any array) as `rows` rows of equal length. */
export function toMatrix(data: ArrayLike<number>, rows: number): Matrix {
  const cols = rows === 0 ? 0 : data.length / rows;
  const out: Matrix = [];
  for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, c) => data[r * cols + c]));
  return out;
}

/** Elementwise f(a[i][j], b[i][j]). */
export function zipWith(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  return a.map((row, i) => row.map((v, j) => f(v, b[i][j])));
}

/** The product a·b. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** The transpose. */
export function transpose(a: Matrix): Matrix {
  return a.length === 0 ? [] : a[0].map((_, j) => a.map((row) => row[j]));
}

/** Column sums (a sum over the batch of per-sample rows). */
export function columnSums(a: Matrix): number[] {
  return a[0].map((_, j) => a.reduce((s, row) => s + row[j], 0));
}

/** The largest |a − b| and the largest |b| over all elements. */
export function compare(a: Matrix, b: Matrix): { maxAbsDiff: number; scale: number } {
  let maxAbsDiff = 0;
  let scale = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - b[i][j]));
    scale = Math.max(scale, Math.abs(b[i][j]));
  }));
  return { maxAbsDiff, scale };
}
