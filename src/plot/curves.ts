/**
 * Training curves: one panel per metric (loss, accuracy, MAE …) against the epoch, the training
 * values solid, the validation values dashed, and the final test value as a dotted line with a
 * diamond at the last epoch.
 */
import { drawAxes, drawLegend, xAt, yAt, type Frame, type LegendItem } from './axes.js';
import { paletteColor } from './colors.js';
import { scaleFor, type Scale } from './scale.js';
import { escapeXml, px, svgDocument, text } from './svg.js';

/** What plotCurves reads of a training History: one record of metrics per epoch. */
export interface CurveHistory {
  epochs: readonly Readonly<Record<string, number>>[];
}

/** Options of plotCurves. */
export interface CurveOptions {
  title?: string;
  /** Log-scaled epochs: true, false, or 'auto' (the default: log when there are more than 100 epochs). */
  logX?: boolean | 'auto';
  /** Log-scaled loss axis (default false). */
  logLoss?: boolean;
  /** Final metrics on the test set, e.g. { loss: 0.31, accuracy: 0.91 }, marked on their panels. */
  test?: Readonly<Record<string, number>>;
  /** Size of one panel (default 460 × 320). */
  panelWidth?: number;
  panelHeight?: number;
}

// Bookkeeping, not metrics: the epoch's index and the learning rate.
const NOT_PLOTTED = new Set(['epoch', 'lr']);

/** The metric names of a panel, from the training and 'val' keys of the epochs (loss first). */
function metricNames(epochs: CurveHistory['epochs'], test?: Readonly<Record<string, number>>): string[] {
  const names = new Set<string>();
  const add = (k: string): void => {
    const base = /^val[A-Z]/.test(k) ? k[3].toLowerCase() + k.slice(4) : k;
    if (!NOT_PLOTTED.has(base)) names.add(base);
  };
  for (const e of epochs) for (const k of Object.keys(e)) add(k);
  for (const k of Object.keys(test ?? {})) if (names.has(k)) add(k);
  return [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
}

/** The 'val' twin of a metric's name. */
function valKey(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}

/** Runs up to this many epochs get a marker on every point (a one-epoch run is a single dot). */
const MARKERS_UP_TO = 40;

/** A polyline through the finite points (class "series", data-series the key), with markers on short runs. */
function polyline(points: [number, number][], color: string, key: string, dashed: boolean): string {
  const pts = points.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
  const line = `<polyline class="series" data-series="${escapeXml(key)}" fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts}"/>`;
  if (points.length > MARKERS_UP_TO) return line;
  const marks = points.map(([x, y]) => `<circle class="marker" cx="${px(x)}" cy="${px(y)}" r="2.5" fill="${dashed ? 'white' : color}" stroke="${color}" stroke-width="1.2"/>`);
  return [line, ...marks].join('\n');
}

/** One metric's panel: training, validation and test in the metric's colour. */
function panel(name: string, index: number, frame: Frame, x: Scale, epochs: CurveHistory['epochs'], opts: CurveOptions): string[] {
  const log = name === 'loss' && opts.logLoss === true;
  const val = valKey(name);
  const testValue = opts.test?.[name];
  const values = epochs.flatMap((e) => [e[name], e[val]]).concat(testValue ?? NaN).filter((v): v is number => typeof v === 'number');
  const y = scaleFor(values, log);
  const color = paletteColor(index);
  const ok = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0);
  const series = (key: string): [number, number][] =>
    epochs.flatMap((e, i) => (ok(e[key]) ? [[xAt(frame, x, i + 1), yAt(frame, y, e[key])] as [number, number]] : []));
  const out = drawAxes(frame, x, y, { x: x.kind === 'log' ? 'epoch (log scale)' : 'epoch', y: log ? `${name} (log scale)` : name });
  const legend: LegendItem[] = [];
  const train = series(name);
  if (train.length) {
    out.push(polyline(train, color, name, false));
    legend.push({ label: `training ${name}`, color });
  }
  const valid = series(val);
  if (valid.length) {
    out.push(polyline(valid, color, val, true));
    legend.push({ label: `validation ${name}`, color, dashed: true });
  }
  if (ok(testValue)) {
    const ty = yAt(frame, y, testValue);
    const tx = xAt(frame, x, Math.max(1, epochs.length));
    out.push(`<line class="series" data-series="test-${escapeXml(name)}" x1="${px(frame.left)}" y1="${px(ty)}" x2="${px(frame.left + frame.width)}" y2="${px(ty)}" stroke="#444" stroke-width="1.5" stroke-dasharray="2 3"/>`);
    out.push(`<path d="M${px(tx)},${px(ty - 6)} L${px(tx + 6)},${px(ty)} L${px(tx)},${px(ty + 6)} L${px(tx - 6)},${px(ty)} Z" fill="#444"/>`);
    legend.push({ label: `test ${name} (final): ${testValue.toPrecision(4)}`, color: '#444', dashed: true });
  }
  out.push(...drawLegend(legend, frame.left + 8, frame.top - 42));
  return out;
}

/** Loss and metric curves of a History per epoch as an SVG string (training, validation and test marked). */
export function plotCurves(history: CurveHistory, options: CurveOptions = {}): string {
  const epochs = history.epochs;
  const n = epochs.length;
  const logX = options.logX === true || ((options.logX ?? 'auto') === 'auto' && n > 100);
  const names = metricNames(epochs, options.test);
  const pw = options.panelWidth ?? 460;
  const ph = options.panelHeight ?? 320;
  const x = scaleFor([1, Math.max(2, n)], logX);
  const body: string[] = [];
  names.forEach((name, i) => {
    const frame: Frame = { left: i * pw + 70, top: 96, width: pw - 95, height: ph - 150 };
    body.push(`<g class="panel" data-metric="${escapeXml(name)}">`, ...panel(name, i, frame, x, epochs, options), '</g>');
  });
  if (names.length === 0) body.push(text(pw / 2, ph / 2, 'no epochs recorded', 'text-anchor="middle"'));
  return svgDocument(Math.max(1, names.length) * pw, ph, options.title ?? 'Training curves', body, 'curves');
}
