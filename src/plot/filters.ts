/** A convolution layer's filters and the feature maps it makes, as grids of small heat maps. */
import { ShapeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { diverging, sequential } from './colors.js';
import { finiteRange } from './heatmap.js';
import { drawTiles, type Tile } from './small-multiples.js';

/** Options of plotFilters. */
export interface FilterOptions {
  title?: string;
  /** Most tiles drawn (default 64); the rest are counted in the caption. */
  maxTiles?: number;
  /** Pixels of each tile's larger side (default 56). */
  tileSize?: number;
}

/** Options of plotFeatureMaps. */
export interface FeatureMapOptions {
  title?: string;
  /** Most maps drawn (default 32). */
  maxMaps?: number;
  /** Pixels of each tile's larger side (default 72). */
  tileSize?: number;
  /** Maps larger than this many cells a side are averaged over blocks down to it (default 56). */
  maxSide?: number;
}

/** The h × w map at `offset` averaged over f × f blocks (f = 1 copies it). */
function shrink(t: Tensor, offset: number, h: number, w: number, f: number): { rows: number; cols: number; values: Float64Array } {
  const rows = Math.ceil(h / f);
  const cols = Math.ceil(w / f);
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let n = 0;
      for (let i = r * f; i < Math.min(h, (r + 1) * f); i++) {
        for (let j = c * f; j < Math.min(w, (c + 1) * f); j++) {
          sum += t.data[offset + i * w + j];
          n++;
        }
      }
      values[r * cols + c] = sum / n;
    }
  }
  return { rows, cols, values };
}

/** A view of size rows·cols starting at `offset` in t's data. */
function slice(t: Tensor, offset: number, rows: number, cols: number): Float64Array {
  return Float64Array.from(t.data.subarray(offset, offset + rows * cols));
}

/** The caption saying how many tiles were left out. */
function shownOf(shown: number, total: number, what: string): string | undefined {
  return shown < total ? `showing ${shown} of ${total} ${what}` : undefined;
}

/** A conv layer's weight [O, C, kh, kw] (or [O, C, k] for Conv1d) as one tile per filter and input channel (blue −, red +). */
export function plotFilters(weight: Tensor, options: FilterOptions = {}): string {
  if (!(weight instanceof Tensor) || (weight.ndim !== 4 && weight.ndim !== 3)) {
    throw new ShapeError(`plotFilters: the weight must be [out, in, kh, kw] or [out, in, k], got ${weight instanceof Tensor ? fmtShape(weight.shape) : String(weight)}`);
  }
  const [o, c] = weight.shape;
  const rows = weight.ndim === 4 ? weight.shape[2] : 1;
  const cols = weight.shape[weight.ndim - 1];
  const total = o * c;
  const shown = Math.min(total, options.maxTiles ?? 64);
  const tiles: Tile[] = [];
  for (let i = 0; i < shown; i++) {
    const f = Math.floor(i / c);
    const ch = i % c;
    tiles.push({ label: c > 1 ? `filter ${f} · in ${ch}` : `filter ${f}`, rows, cols, values: slice(weight, i * rows * cols, rows, cols) });
  }
  const [lo, hi] = finiteRange(weight.data);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return drawTiles(tiles, {
    title: options.title ?? `Filters (${fmtShape(weight.shape)})`, kind: 'filters', min: -m, max: m, color: diverging,
    colorLabel: 'weight', tileSize: options.tileSize ?? 56, caption: shownOf(shown, total, 'filter channels'),
  });
}

/** Feature maps [C, H, W] (or [1, C, H, W], one sample) as one tile per channel on a shared colour scale. */
export function plotFeatureMaps(maps: Tensor, options: FeatureMapOptions = {}): string {
  const ok = maps instanceof Tensor && (maps.ndim === 3 || (maps.ndim === 4 && maps.shape[0] === 1));
  if (!ok) throw new ShapeError(`plotFeatureMaps: the maps must be [C, H, W] or [1, C, H, W], got ${maps instanceof Tensor ? fmtShape(maps.shape) : String(maps)}`);
  const [c, h, w] = maps.shape.slice(-3);
  const shown = Math.min(c, options.maxMaps ?? 32);
  // Large maps (an AlexNet's 55 × 55 …) are averaged down so the file stays small.
  const f = Math.max(1, Math.ceil(Math.max(h, w) / (options.maxSide ?? 56)));
  const tiles: Tile[] = Array.from({ length: shown }, (_, i) => ({ label: `map ${i}`, ...shrink(maps, i * h * w, h, w, f) }));
  const [lo, hi] = finiteRange(Float64Array.from(tiles.flatMap((t) => Array.from(t.values))));
  return drawTiles(tiles, {
    title: options.title ?? `Feature maps (${c} × ${h} × ${w})`, kind: 'feature-maps', min: lo, max: hi > lo ? hi : lo + 1, color: sequential,
    colorLabel: 'activation', tileSize: options.tileSize ?? 72,
    caption: [shownOf(shown, c, 'maps'), f > 1 ? `each cell the mean of ${f} × ${f} values` : undefined].filter(Boolean).join('; ') || undefined,
  });
}
