/** A grid of coloured cells (the body of every heat-map plot) and the colour bar that reads it. */
import type { ColorMap } from './colors.js';
import { linearScale } from './scale.js';
import { px, text } from './svg.js';

/** A rows × cols grid of values, row-major. */
export interface Grid {
  rows: number;
  cols: number;
  values: ArrayLike<number>;
}

/** Where and how a grid is drawn. */
export interface CellLayout {
  x: number;
  y: number;
  cellWidth: number;
  cellHeight: number;
  /** The value range the colour map spans. */
  min: number;
  max: number;
  color: ColorMap;
}

/** Position of v in [min, max] as 0…1 (0.5 for an empty range). */
export function unit(v: number, min: number, max: number): number {
  return max > min ? (v - min) / (max - min) : 0.5;
}

/** One `<rect class="cell">` per value; a non-finite value is drawn grey. */
export function drawCells(grid: Grid, at: CellLayout): string[] {
  const out: string[] = [];
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const v = grid.values[r * grid.cols + c];
      const fill = Number.isFinite(v) ? at.color(unit(v, at.min, at.max)) : '#bbbbbb';
      out.push(`<rect class="cell" x="${px(at.x + c * at.cellWidth)}" y="${px(at.y + r * at.cellHeight)}" width="${px(at.cellWidth)}" height="${px(at.cellHeight)}" fill="${fill}"/>`);
    }
  }
  return out;
}

/** A vertical colour bar from min (bottom) to max (top) with a few labelled ticks. */
export function drawColorBar(x: number, y: number, height: number, min: number, max: number, color: ColorMap, label: string): string[] {
  const steps = 32;
  const out: string[] = ['<g class="colorbar">'];
  for (let i = 0; i < steps; i++) {
    const t = (i + 0.5) / steps;
    out.push(`<rect x="${px(x)}" y="${px(y + height - ((i + 1) * height) / steps)}" width="12" height="${px(height / steps + 0.5)}" fill="${color(t)}"/>`);
  }
  out.push(`<rect x="${px(x)}" y="${px(y)}" width="12" height="${px(height)}" fill="none" stroke="#333" stroke-width="0.5"/>`);
  const lo = Number.isFinite(min) ? min : 0;
  const hi = Number.isFinite(max) && max > lo ? max : lo + 1;
  for (const { value, label } of barTicks(lo, hi)) {
    const p = y + height - unit(value, lo, hi) * height;
    out.push(`<line x1="${px(x + 12)}" y1="${px(p)}" x2="${px(x + 16)}" y2="${px(p)}" stroke="#333"/>`);
    out.push(text(x + 18, p + 4, label, 'class="tick-c" font-size="10"'));
  }
  out.push(text(x, y - 8, label, 'font-size="10"'), '</g>');
  return out;
}

/** Round ticks inside [lo, hi] (the bar is not widened): at least three when the range allows. */
function barTicks(lo: number, hi: number): { value: number; label: string }[] {
  let best: { value: number; label: string }[] = [];
  for (const count of [4, 8, 16]) {
    const scale = linearScale(lo, hi, count);
    const eps = 1e-9 * (hi - lo);
    best = scale.ticks.flatMap((t, i) => (t >= lo - eps && t <= hi + eps ? [{ value: t, label: scale.labels[i] }] : []));
    if (best.length >= 3) break;
  }
  return best;
}

/** The smallest and largest finite value (0, 0 when there is none). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}
