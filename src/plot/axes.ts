/** The frame of an x–y plot: axis lines, ticks with their labels, light grid lines, axis titles and a legend. */
import type { Scale } from './scale.js';
import { px, text } from './svg.js';

/** The plotting area of a panel, in pixels. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Horizontal pixel of x value `v` in the frame. */
export function xAt(frame: Frame, scale: Scale, v: number): number {
  return scale.map(v, frame.left, frame.left + frame.width);
}

/** Vertical pixel of y value `v` in the frame (larger values higher). */
export function yAt(frame: Frame, scale: Scale, v: number): number {
  return scale.map(v, frame.top + frame.height, frame.top);
}

/** Axis lines, ticks, tick labels (classes tick-x / tick-y), grid lines and the two axis titles. */
export function drawAxes(frame: Frame, x: Scale, y: Scale, titles: { x: string; y: string }): string[] {
  const { left, top, width, height } = frame;
  const bottom = top + height;
  const out: string[] = [];
  x.ticks.forEach((t, i) => {
    const p = xAt(frame, x, t);
    out.push(`<line x1="${px(p)}" y1="${px(top)}" x2="${px(p)}" y2="${px(bottom)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${px(p)}" y1="${px(bottom)}" x2="${px(p)}" y2="${px(bottom + 5)}" stroke="#333"/>`);
    out.push(text(p, bottom + 18, x.labels[i], 'text-anchor="middle" class="tick-x"'));
  });
  y.ticks.forEach((t, i) => {
    const p = yAt(frame, y, t);
    out.push(`<line x1="${px(left)}" y1="${px(p)}" x2="${px(left + width)}" y2="${px(p)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${px(left - 5)}" y1="${px(p)}" x2="${px(left)}" y2="${px(p)}" stroke="#333"/>`);
    out.push(text(left - 8, p + 4, y.labels[i], 'text-anchor="end" class="tick-y"'));
  });
  out.push(`<rect x="${px(left)}" y="${px(top)}" width="${px(width)}" height="${px(height)}" fill="none" stroke="#333"/>`);
  out.push(text(left + width / 2, bottom + 36, titles.x, 'text-anchor="middle" class="axis-title"'));
  const yMid = top + height / 2;
  out.push(text(left - 48, yMid, titles.y, `text-anchor="middle" transform="rotate(-90 ${px(left - 48)} ${px(yMid)})" class="axis-title"`));
  return out;
}

/** One legend entry: a line (solid or dashed) or a marker, and its label. */
export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
  /** Draw a filled square instead of a line (classes, markers). */
  box?: boolean;
}

/** A legend, one entry per row, starting at (x, y). */
export function drawLegend(items: readonly LegendItem[], x: number, y: number): string[] {
  const out: string[] = ['<g class="legend">'];
  items.forEach((item, i) => {
    const row = y + i * 16;
    if (item.box) out.push(`<rect x="${px(x)}" y="${px(row - 5)}" width="10" height="10" fill="${item.color}" stroke="#333" stroke-width="0.5"/>`);
    else out.push(`<line x1="${px(x)}" y1="${px(row)}" x2="${px(x + 18)}" y2="${px(row)}" stroke="${item.color}" stroke-width="2"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(text(x + 24, row + 4, item.label, 'class="legend-label"'));
  });
  out.push('</g>');
  return out;
}
