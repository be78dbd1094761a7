/**
 * The decision boundary of a classifier of 2-D points: a grid of its predictions over the data's
 * bounding box, tinted by predicted class, with the data points on top in their true class' colour.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';
import { predictedClasses, targetClasses } from '../train/metrics.js';
import { drawAxes, drawLegend, xAt, yAt, type Frame, type LegendItem } from './axes.js';
import { paletteColor, tint } from './colors.js';
import { linearScale } from './scale.js';
import { px, svgDocument } from './svg.js';
import { runPredictor, type Predictor } from './predict.js';

/** Points [N, 2] and their classes [N] (indices, one-hot rows or 0/1 labels). */
export interface LabelledPoints {
  x: Tensor;
  y: Tensor;
}

/** Options of plotDecisionBoundary. */
export interface DecisionBoundaryOptions {
  title?: string;
  /** Grid cells along each axis (default 60). */
  resolution?: number;
  /** Threshold of a single-output model (default 0.5; 0 for logits). */
  threshold?: number;
  /** More points drawn as squares, e.g. the test set. */
  test?: LabelledPoints;
  /** Class names for the legend. */
  classes?: readonly string[];
  /** Plot size (default 520 × 460). */
  width?: number;
  height?: number;
}

function checkPoints(what: string, p: LabelledPoints): void {
  if (!(p.x instanceof Tensor) || p.x.ndim !== 2 || p.x.shape[1] !== 2) {
    throw new ShapeError(`plotDecisionBoundary: ${what}.x must be [N, 2] (2-D points), got ${p.x instanceof Tensor ? fmtShape(p.x.shape) : String(p.x)}`);
  }
  if (!(p.y instanceof Tensor) || p.y.shape[0] !== p.x.shape[0]) {
    throw new ShapeError(`plotDecisionBoundary: ${what}.y must have one label per point (${p.x.shape[0]}), got ${p.y instanceof Tensor ? fmtShape(p.y.shape) : String(p.y)}`);
  }
}

/** The grid's cell centres as a [res², 2] batch, row by row from the top. */
function gridPoints(xs: readonly [number, number], ys: readonly [number, number], res: number): Tensor {
  const data = allocDefault(res * res * 2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const i = (r * res + c) * 2;
      data[i] = xs[0] + ((c + 0.5) / res) * (xs[1] - xs[0]);
      data[i + 1] = ys[1] - ((r + 0.5) / res) * (ys[1] - ys[0]);
    }
  }
  return new Tensor(data, [res * res, 2]);
}

/** Decision regions of a 2-D classifier with the labelled points on top, as an SVG string. */
export function plotDecisionBoundary(model: Predictor, data: LabelledPoints, options: DecisionBoundaryOptions = {}): string {
  checkPoints('data', data);
  if (options.test) checkPoints('test', options.test);
  const res = options.resolution ?? 60;
  if (!Number.isInteger(res) || res < 2 || res > 400) throw new ValueError(`plotDecisionBoundary: resolution must be a whole number from 2 to 400, got ${String(res)}`);
  const all = [data, ...(options.test ? [options.test] : [])];
  const coord = (axis: 0 | 1): number[] => all.flatMap((p) => Array.from({ length: p.x.shape[0] }, (_, i) => p.x.data[i * 2 + axis]));
  const bounds = (v: number[]): [number, number] => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const pad = (hi - lo || 1) * 0.08;
    return [lo - pad, hi + pad];
  };
  const x = linearScale(...bounds(coord(0)));
  const y = linearScale(...bounds(coord(1)));
  const width = options.width ?? 580;
  const height = options.height ?? 460;
  const frame: Frame = { left: 70, top: 44, width: width - 70 - 170, height: height - 44 - 60 };
  const out = runPredictor(model, gridPoints(x.domain, y.domain, res));
  if (out.shape[0] !== res * res) throw new ShapeError(`plotDecisionBoundary: the model gave ${out.shape[0]} outputs for ${res * res} grid points (output ${fmtShape(out.shape)})`);
  const predicted = predictedClasses(out, options.threshold ?? 0.5);
  const numOutputs = out.ndim <= 1 ? 1 : out.size / out.shape[0];
  const body: string[] = [];
  const cw = frame.width / res;
  const ch = frame.height / res;
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      body.push(`<rect class="cell" x="${px(frame.left + c * cw)}" y="${px(frame.top + r * ch)}" width="${px(cw + 0.3)}" height="${px(ch + 0.3)}" fill="${tint(paletteColor(predicted[r * res + c]))}"/>`);
    }
  }
  body.push(...drawAxes(frame, x, y, { x: 'x₁', y: 'x₂' }));
  let classCount = Math.max(numOutputs === 1 ? 2 : numOutputs, ...Array.from(predicted, (v) => v + 1));
  all.forEach((p, k) => {
    const labels = targetClasses(p.y, numOutputs);
    for (let i = 0; i < labels.length; i++) {
      classCount = Math.max(classCount, labels[i] + 1);
      const cx = xAt(frame, x, p.x.data[i * 2]);
      const cy = yAt(frame, y, p.x.data[i * 2 + 1]);
      const fill = paletteColor(labels[i]);
      body.push(k === 0
        ? `<circle class="point" cx="${px(cx)}" cy="${px(cy)}" r="3" fill="${fill}" stroke="#222" stroke-width="0.6"/>`
        : `<rect class="point test-point" x="${px(cx - 3)}" y="${px(cy - 3)}" width="6" height="6" fill="${fill}" stroke="#222" stroke-width="0.6"/>`);
    }
  });
  const legend: LegendItem[] = Array.from({ length: classCount }, (_, c) => ({ label: options.classes?.[c] ?? `class ${c}`, color: paletteColor(c), box: true }));
  body.push(...drawLegend(legend, frame.left + frame.width + 16, frame.top + 8));
  const notes = ['circles: training points', ...(options.test ? ['squares: test points'] : []), 'background: predicted class'];
  notes.forEach((n, i) => body.push(`<text x="${px(frame.left + frame.width + 16)}" y="${px(frame.top + 24 + (classCount + i) * 16)}" font-size="10" fill="#555">${n}</text>`));
  return svgDocument(width, height, options.title ?? 'Decision boundary', body, 'decision-boundary');
}
