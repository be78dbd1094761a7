/** A confusion matrix as a heat map: rows the true class, columns the predicted one, each cell's count written in it. */
import { ValueError } from '../errors.js';
import { darkTextOn, sequential } from './colors.js';
import { drawCells, drawColorBar, unit } from './heatmap.js';
import { px, svgDocument, text } from './svg.js';

/** Options of plotConfusion. */
export interface ConfusionOptions {
  title?: string;
  /** Class names (default 0, 1, 2 …). */
  labels?: readonly string[];
  /** Side of one cell in pixels (default: fits the matrix in about 420 pixels, 18 to 60 each). */
  cellSize?: number;
}

/** Checks m is a square matrix of counts ≥ 0. */
function checkMatrix(m: readonly (readonly number[])[]): void {
  if (!Array.isArray(m) || m.length === 0) throw new ValueError('plotConfusion: the matrix must be a non-empty array of rows');
  m.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== m.length) throw new ValueError(`plotConfusion: row ${i} must have ${m.length} counts (a square matrix), got ${Array.isArray(row) ? row.length : typeof row}`);
    row.forEach((v, j) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new ValueError(`plotConfusion: count [${i}][${j}] must be a finite number ≥ 0, got ${String(v)}`);
    });
  });
}

/** The confusion matrix m[true][predicted] as an SVG heat map with counts, class labels and a colour bar. */
export function plotConfusion(matrix: readonly (readonly number[])[], options: ConfusionOptions = {}): string {
  checkMatrix(matrix);
  const k = matrix.length;
  const labels = Array.from({ length: k }, (_, i) => options.labels?.[i] ?? String(i));
  const longest = Math.max(...labels.map((l) => l.length));
  const cell = options.cellSize ?? Math.max(18, Math.min(60, Math.floor(420 / k)));
  const left = 60 + Math.min(120, longest * 7);
  const top = 60;
  const size = cell * k;
  const max = Math.max(1, ...matrix.flat());
  const values = matrix.flat();
  const body = drawCells({ rows: k, cols: k, values }, { x: left, y: top, cellWidth: cell, cellHeight: cell, min: 0, max, color: sequential });
  const fontSize = Math.max(8, Math.min(13, cell / 3));
  matrix.forEach((row, i) => row.forEach((v, j) => {
    const dark = darkTextOn(unit(v, 0, max));
    body.push(text(left + (j + 0.5) * cell, top + (i + 0.5) * cell + fontSize / 3, String(v), `text-anchor="middle" class="count" font-size="${px(fontSize)}" fill="${dark ? '#111' : '#fff'}"`));
  }));
  labels.forEach((l, i) => {
    body.push(text(left - 6, top + (i + 0.5) * cell + 4, l, 'text-anchor="end" class="tick-y"'));
    const x = left + (i + 0.5) * cell;
    const y = top + size + 14;
    body.push(text(x, y, l, `text-anchor="end" class="tick-x" transform="rotate(-45 ${px(x)} ${px(y)})"`));
  });
  const labelSpace = Math.min(120, longest * 7) + 24;
  body.push(text(left + size / 2, top + size + labelSpace + 8, 'predicted class', 'text-anchor="middle" class="axis-title"'));
  body.push(text(18, top + size / 2, 'true class', `text-anchor="middle" transform="rotate(-90 18 ${px(top + size / 2)})" class="axis-title"`));
  body.push(...drawColorBar(left + size + 20, top, size, 0, max, sequential, 'count'));
  return svgDocument(left + size + 90, top + size + labelSpace + 20, options.title ?? 'Confusion matrix', body, 'confusion');
}
