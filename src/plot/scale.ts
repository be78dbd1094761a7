/**
 * Axis scales for the SVG plots: a data range widened to "nice" round bounds, its tick values
 * (1, 2 or 5 × a power of ten apart; powers of ten on a log scale), their labels, and the map
 * from a value to a position in pixels.
 */
import { ValueError } from '../errors.js';

/** A linear or base-10 logarithmic axis scale. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  /** The axis' bounds (already widened to round values). */
  readonly domain: readonly [number, number];
  /** Tick values, ascending, inside the domain. */
  readonly ticks: readonly number[];
  /** One label per tick. */
  readonly labels: readonly string[];
  /** Position of `value` in the pixel range [from, to] (to may be below from, as for a y axis). */
  map(value: number, from: number, to: number): number;
}

/** The round step (1, 2 or 5 × 10^k) nearest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return m * power;
}

/** Decimals that show every multiple of `step` exactly. */
function decimalsFor(step: number): number {
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A tick label: the value with as many decimals as the step needs ("-0" shown as "0"). */
export function formatTick(value: number, step: number): string {
  const s = value.toFixed(decimalsFor(step));
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A power of ten as a label: 0.001 … 10000 written out, others as 1e-5, 1e6. */
export function formatPowerOfTen(k: number): string {
  if (k >= 0 && k <= 4) return String(10 ** k);
  if (k < 0 && k >= -3) return (10 ** k).toFixed(-k);
  return `1e${k}`;
}

/** A linear scale over [min, max] widened to multiples of a nice step, with about `count` ticks. */
export function linearScale(min: number, max: number, count = 5): Scale {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new ValueError(`linearScale: the range must be finite with min ≤ max, got [${min}, ${max}]`);
  let lo = min;
  let hi = max;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, count));
  const d0 = Math.floor(lo / step + 1e-9) * step;
  const d1 = Math.ceil(hi / step - 1e-9) * step;
  const n = Math.round((d1 - d0) / step);
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((d0 + i * step).toPrecision(12)));
  return {
    kind: 'linear',
    domain: [ticks[0], ticks[ticks.length - 1]],
    ticks,
    labels: ticks.map((t) => formatTick(t, step)),
    map: (v, from, to) => from + ((v - ticks[0]) / (ticks[ticks.length - 1] - ticks[0])) * (to - from),
  };
}

/** A log-10 scale over [min, max] (both > 0) widened to whole powers of ten, ticked at each power. */
export function logScale(min: number, max: number): Scale {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) throw new ValueError(`logScale: the range must be positive and finite with min ≤ max, got [${min}, ${max}]`);
  const k0 = Math.floor(Math.log10(min) + 1e-9);
  let k1 = Math.ceil(Math.log10(max) - 1e-9);
  if (k1 === k0) k1 = k0 + 1;
  // Many decades: label every 2nd, 3rd … power so that at most ~8 labels remain.
  const every = Math.ceil((k1 - k0 + 1) / 8);
  const powers: number[] = [];
  for (let k = k0; k <= k1; k += every) powers.push(k);
  const ticks = powers.map((k) => 10 ** k);
  const l0 = k0;
  const l1 = k1;
  return {
    kind: 'log',
    domain: [10 ** k0, 10 ** k1],
    ticks,
    labels: powers.map(formatPowerOfTen),
    map: (v, from, to) => from + ((Math.log10(v) - l0) / (l1 - l0)) * (to - from),
  };
}

/** The finite values of `values` (and, for a log scale, only the positive ones). */
export function plottable(values: Iterable<number>, log = false): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v) && (!log || v > 0)) out.push(v);
  return out;
}

/** A linear or log scale fitted to `values` (the fallback range when none is plottable). */
export function scaleFor(values: Iterable<number>, log: boolean, fallback: [number, number] = [0, 1]): Scale {
  const v = plottable(values, log);
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (v.length === 0) [lo, hi] = log ? [Math.max(fallback[0], 1e-3), Math.max(fallback[1], 1)] : fallback;
  return log ? logScale(lo, hi) : linearScale(lo, hi);
}
