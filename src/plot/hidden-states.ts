/** A recurrent layer's hidden state over time as a heat map: time steps left to right, units top to bottom. */
import { ShapeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { drawAxes, type Frame } from './axes.js';
import { diverging } from './colors.js';
import { drawCells, drawColorBar, finiteRange } from './heatmap.js';
import { niceStep, type Scale } from './scale.js';
import { svgDocument } from './svg.js';

/** Options of plotHiddenStates. */
export interface HiddenStateOptions {
  title?: string;
  /** A label per time step, e.g. the input tokens (shown when there are at most 40 steps). */
  steps?: readonly string[];
  /** Most units drawn (default 128). */
  maxUnits?: number;
}

/** Round indices 0, step, 2·step … below n (about `count` of them). */
function indexTicks(n: number, count: number): number[] {
  const step = Math.max(1, niceStep((n - 1) / count));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}

/** Ticks at the centre of each step, labelled with its token or its index. */
function stepScale(t: number, labels: readonly string[] | undefined): Scale {
  const ticks = t > 40 ? indexTicks(t, 8) : Array.from({ length: t }, (_, i) => i);
  return {
    kind: 'linear', domain: [0, t], ticks, labels: ticks.map((i) => (t <= 40 ? labels?.[i] : undefined) ?? String(i)),
    map: (v, from, to) => from + ((v + 0.5) / t) * (to - from),
  };
}

/** Hidden states [T, H] (or [1, T, H], one sequence) as an SVG heat map of time × unit (blue −, red +). */
export function plotHiddenStates(states: Tensor, options: HiddenStateOptions = {}): string {
  const ok = states instanceof Tensor && (states.ndim === 2 || (states.ndim === 3 && states.shape[0] === 1));
  if (!ok) throw new ShapeError(`plotHiddenStates: the states must be [T, H] or [1, T, H] (time × unit), got ${states instanceof Tensor ? fmtShape(states.shape) : String(states)}`);
  const [t, h] = states.shape.slice(-2);
  const units = Math.min(h, options.maxUnits ?? 128);
  // Transposed to unit rows × time columns.
  const values = new Float64Array(units * t);
  for (let u = 0; u < units; u++) for (let s = 0; s < t; s++) values[u * t + s] = states.data[s * h + u];
  const cw = Math.max(4, Math.min(28, 640 / t));
  const ch = Math.max(2, Math.min(14, 420 / units));
  const frame: Frame = { left: 70, top: 44, width: cw * t, height: ch * units };
  const [lo, hi] = finiteRange(values);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const body = drawCells({ rows: units, cols: t, values }, { x: frame.left, y: frame.top, cellWidth: cw, cellHeight: ch, min: -m, max: m, color: diverging });
  const unitTicks = indexTicks(units, 8);
  const y: Scale = { kind: 'linear', domain: [0, units], ticks: unitTicks, labels: unitTicks.map(String), map: (v, from, to) => to + ((v + 0.5) / units) * (from - to) };
  body.push(...drawAxes(frame, stepScale(t, options.steps), y, { x: 'time step', y: 'hidden unit' }));
  body.push(...drawColorBar(frame.left + frame.width + 16, frame.top, Math.max(80, Math.min(frame.height, 240)), -m, m, diverging, 'h'));
  const title = options.title ?? `Hidden state over time (${t} steps × ${h} units${units < h ? `, first ${units} shown` : ''})`;
  return svgDocument(frame.left + frame.width + 80, frame.top + Math.max(frame.height, 120) + 60, title, body, 'hidden-states');
}
