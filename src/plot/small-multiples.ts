/** A grid of small labelled heat maps sharing one colour scale (filters, feature maps). */
import type { ColorMap } from './colors.js';
import { drawCells, drawColorBar } from './heatmap.js';
import { escapeXml, px, svgDocument, text } from './svg.js';

/** One small heat map: its label and its rows × cols values. */
export interface Tile {
  label: string;
  rows: number;
  cols: number;
  values: ArrayLike<number>;
}

/** How the tiles are laid out and coloured. */
export interface TileLayout {
  title: string;
  kind: string;
  min: number;
  max: number;
  color: ColorMap;
  colorLabel: string;
  /** Pixels of the larger side of each tile (default 64). */
  tileSize?: number;
  /** A line under the title. */
  caption?: string;
}

/** The tiles in a near-square grid, each with its label above it, and one colour bar. */
export function drawTiles(tiles: readonly Tile[], layout: TileLayout): string {
  const size = layout.tileSize ?? 64;
  const cols = Math.max(1, Math.ceil(Math.sqrt(tiles.length)));
  const rows = Math.max(1, Math.ceil(tiles.length / cols));
  const gap = 22;
  const top = layout.caption ? 58 : 40;
  const body: string[] = [];
  if (layout.caption) body.push(text(16, 40, layout.caption, 'font-size="11" fill="#555"'));
  tiles.forEach((t, i) => {
    const cell = size / Math.max(t.rows, t.cols);
    const x = 16 + (i % cols) * (size + gap);
    const y = top + 14 + Math.floor(i / cols) * (size + gap);
    body.push(`<g class="tile" data-label="${escapeXml(t.label)}">`);
    body.push(text(x, y - 4, t.label, 'font-size="10" class="tile-label"'));
    body.push(...drawCells(t, { x, y, cellWidth: cell, cellHeight: cell, min: layout.min, max: layout.max, color: layout.color }));
    body.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(cell * t.cols)}" height="${px(cell * t.rows)}" fill="none" stroke="#999" stroke-width="0.5"/>`, '</g>');
  });
  const gridW = 16 + cols * (size + gap);
  const gridH = top + 14 + rows * (size + gap);
  body.push(...drawColorBar(gridW + 4, top + 14, Math.max(80, Math.min(gridH - top - 30, 240)), layout.min, layout.max, layout.color, layout.colorLabel));
  return svgDocument(Math.max(gridW + 70, 300), Math.max(gridH, top + 110), layout.title, body, layout.kind);
}
