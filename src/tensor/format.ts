/** PyTorch-like printing of tensors: aligned columns, 4 decimals, `...` for large tensors. */
import type { FloatArray } from '../kernels/types.js';
import type { Shape } from './shape.js';

const EDGE = 3;
const THRESHOLD = 1000;

/** Renders data of shape as `tensor([...]<extra>)`. */
export function formatTensor(data: FloatArray, shape: Shape, extra: string): string {
  const summarize = data.length > THRESHOLD;
  const shown: number[] = [];
  collect(data, shape, 0, 0, summarize, shown);
  const fmt = chooseFormat(shown);
  const width = Math.max(1, ...shown.map((v) => fmt(v).length));
  const prefix = 'tensor(';
  const body = render(data, shape, 0, 0, summarize, (v) => fmt(v).padStart(width), prefix.length);
  return `${prefix}${body}${extra})`;
}

function strideAt(shape: Shape, axis: number): number {
  let s = 1;
  for (let i = axis + 1; i < shape.length; i++) s *= shape[i];
  return s;
}

function visible(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

function collect(data: FloatArray, shape: Shape, axis: number, off: number, summarize: boolean, out: number[]): void {
  if (shape.length === 0) {
    out.push(data[0]);
    return;
  }
  const st = strideAt(shape, axis);
  for (const i of visible(shape[axis], summarize)) {
    if (i < 0) continue;
    if (axis === shape.length - 1) out.push(data[off + i]);
    else collect(data, shape, axis + 1, off + i * st, summarize, out);
  }
}

function chooseFormat(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const ints = finite.every((v) => Number.isInteger(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (ints && absMax < 1e8) return (v) => special(v) ?? `${v}.`;
  const sci = absMax >= 1e8 || (absMin > 0 && absMin < 1e-4) || (absMin > 0 && absMax / absMin > 1e3); // PyTorch's rule
  if (sci) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

function render(data: FloatArray, shape: Shape, axis: number, off: number, summarize: boolean, fmt: (v: number) => string, indent: number): string {
  if (shape.length === 0) return fmt(data[0]);
  const st = strideAt(shape, axis);
  const parts: string[] = [];
  for (const i of visible(shape[axis], summarize)) {
    if (i < 0) parts.push('...');
    else if (axis === shape.length - 1) parts.push(fmt(data[off + i]));
    else parts.push(render(data, shape, axis + 1, off + i * st, summarize, fmt, indent + 1));
  }
  if (axis === shape.length - 1) return `[${parts.join(', ')}]`;
  const newlines = '\n'.repeat(Math.max(1, shape.length - axis - 1));
  return `[${parts.join(`,${newlines}${' '.repeat(indent + 1)}`)}]`;
}
