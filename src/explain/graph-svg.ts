/**
 * The autograd graph as a self-contained SVG, laid out here (no Graphviz needed): one column per
 * depth from left (leaves) to right (the loss), boxes stacked in each column, and a curved arrow
 * from each input to the op that used it.
 */
import { boxLines } from './graph-dot.js';
import type { GraphBox } from './graph-walk.js';

const CHAR_W = 6.6; // width of one character of 11px monospace
const LINE_H = 14;
const PAD = 8;
const GAP_X = 48;
const GAP_Y = 18;
const MARGIN = 16;
const FILL: Record<GraphBox['kind'], string> = { op: '#dbe9f6', parameter: '#dff0d8', input: '#eeeeee' };

/** Text with the five XML special characters escaped. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface Placed {
  readonly box: GraphBox;
  readonly lines: string[];
  x: number;
  y: number;
  readonly w: number;
  readonly h: number;
  /** The right edge of its column, where its outgoing arrows leave (clear of wider boxes beside it). */
  right: number;
}

/** Boxes with sizes and positions: columns by depth, each as wide as its widest box. */
function layout(boxes: readonly GraphBox[]): { placed: Map<string, Placed>; width: number; height: number } {
  const columns: Placed[][] = [];
  for (const box of boxes) {
    const lines = boxLines(box);
    const w = Math.ceil(Math.max(...lines.map((l) => [...l].length)) * CHAR_W + 2 * PAD);
    (columns[box.depth] ??= []).push({ box, lines, x: 0, y: 0, w, h: lines.length * LINE_H + 2 * PAD - 4, right: 0 });
  }
  const placed = new Map<string, Placed>();
  let x = MARGIN;
  let height = 0;
  for (const col of columns) {
    if (!col) continue;
    let y = MARGIN;
    for (const p of col) {
      p.x = x;
      p.y = y;
      y += p.h + GAP_Y;
      placed.set(p.box.id, p);
    }
    height = Math.max(height, y - GAP_Y + MARGIN);
    const colWidth = Math.max(...col.map((p) => p.w));
    for (const p of col) p.right = x + colWidth;
    x += colWidth + GAP_X;
  }
  return { placed, width: x - GAP_X + MARGIN, height };
}

function boxSvg(p: Placed): string {
  const text = p.lines.map((l, i) => `<text x="${p.x + PAD}" y="${p.y + PAD + 10 + i * LINE_H}"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(l)}</text>`);
  return `<g id="${p.box.id}"><rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" rx="5" fill="${FILL[p.box.kind]}" stroke="#555"/>${text.join('')}</g>`;
}

function edgeSvg(from: Placed, to: Placed): string {
  const y1 = from.y + from.h / 2;
  const x1 = from.right;
  const x2 = to.x;
  const y2 = to.y + to.h / 2;
  const mid = (x1 + x2) / 2;
  return `<path d="M${from.x + from.w},${y1} H${x1} C${mid},${y1} ${mid},${y2} ${x2 - 2},${y2}" fill="none" stroke="#777" marker-end="url(#arrow)"/>`;
}

/** The boxes drawn as an SVG document. */
export function graphToSvg(boxes: readonly GraphBox[], title = 'autograd graph'): string {
  const { placed, width, height } = layout(boxes);
  const edges: string[] = [];
  for (const b of boxes) {
    for (const i of b.inputs) {
      const from = placed.get(i);
      const to = placed.get(b.id);
      if (from && to) edges.push(edgeSvg(from, to));
    }
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...edges,
    ...boxes.map((b) => boxSvg(placed.get(b.id) as Placed)),
    `</svg>`,
    '',
  ].join('\n');
}
