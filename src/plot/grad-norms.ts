/**
 * Per-layer gradient norms over training on a log-scaled y axis, one line per layer: a vanishing
 * gradient shows as the early layers' lines lying decades below the last layer's.
 */
import { drawAxes, drawLegend, xAt, yAt, type Frame } from './axes.js';
import { paletteColor } from './colors.js';
import { scaleFor } from './scale.js';
import { escapeXml, px, svgDocument, text } from './svg.js';

/** One diagnostics record as fit's diagnostics option writes it (only these fields are read). */
export interface GradNormRecord {
  epoch: number;
  step: number;
  gradNorms: Readonly<Record<string, number>>;
}

/** Options of plotGradNorms. */
export interface GradNormOptions {
  title?: string;
  /** Log-scaled steps: true, false, or 'auto' (the default: log when the steps span more than 1000). */
  logX?: boolean | 'auto';
  width?: number;
  height?: number;
}

/** The layer names in the order they first appear. */
function layerNames(records: readonly GradNormRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.gradNorms)) names.add(k);
  return [...names];
}

/** Gradient norm of every layer against the optimiser step as an SVG string (log-scaled y; zeros and NaN left out). */
export function plotGradNorms(records: readonly GradNormRecord[], options: GradNormOptions = {}): string {
  const names = layerNames(records);
  const width = options.width ?? 760;
  const height = options.height ?? 360;
  const legendWidth = 190;
  const frame: Frame = { left: 80, top: 44, width: width - 80 - legendWidth - 20, height: height - 44 - 60 };
  const steps = records.map((r) => r.step);
  const maxStep = steps.length ? Math.max(...steps) : 1;
  const minStep = steps.length ? Math.min(...steps) : 0;
  const logX = options.logX === true || ((options.logX ?? 'auto') === 'auto' && maxStep - minStep > 1000);
  // On a log axis a step 0 has no place: the axis counts steps from 1 then.
  const shift = logX && minStep < 1 ? 1 - minStep : 0;
  const x = scaleFor(steps.length ? [minStep + shift, Math.max(maxStep + shift, minStep + shift + 1)] : [1, 2], logX);
  const y = scaleFor(records.flatMap((r) => Object.values(r.gradNorms)), true, [1e-3, 1]);
  const body = drawAxes(frame, x, y, { x: shift ? `step + ${shift} (log scale)` : logX ? 'step (log scale)' : 'step', y: 'gradient L2 norm (log scale)' });
  names.forEach((name, i) => {
    const pts = records
      .filter((r) => { const v = r.gradNorms[name]; return typeof v === 'number' && Number.isFinite(v) && v > 0; })
      .map((r) => `${px(xAt(frame, x, r.step + shift))},${px(yAt(frame, y, r.gradNorms[name]))}`);
    body.push(`<polyline class="series" data-series="${escapeXml(name)}" fill="none" stroke="${paletteColor(i)}" stroke-width="1.8" points="${pts.join(' ')}"/>`);
  });
  body.push(...drawLegend(names.map((label, i) => ({ label, color: paletteColor(i) })), frame.left + frame.width + 20, frame.top + 8));
  if (records.length === 0) body.push(text(frame.left + frame.width / 2, frame.top + frame.height / 2, 'no diagnostics recorded', 'text-anchor="middle"'));
  return svgDocument(width, height, options.title ?? 'Gradient norm per layer', body, 'grad-norms');
}
