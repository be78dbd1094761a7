/** Shape arithmetic: sizes, validation, broadcasting and axis normalisation. */
import { ShapeError, fmtShape } from '../errors.js';

/** A tensor's shape: row-major, batch first. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar's `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks a shape has whole, non-negative dimensions; `what` names the caller in the message. */
export function checkShape(shape: readonly unknown[], what: string): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of sizes, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what}: shape ${fmtShape(shape as number[])} has an invalid size ${String(d)} (sizes are whole numbers ≥ 0)`);
    }
  }
  return shape.slice() as number[];
}

/** Shape both inputs broadcast to, NumPy style; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const da = a[a.length - nd + i] ?? 1;
    const db = b[b.length - nd + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Turns a possibly negative axis into 0…ndim−1, or throws naming the op. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  // A 0-d tensor takes axis 0 or −1, as in PyTorch (it behaves as one axis of size 1).
  if (ndim === 0 && (axis === 0 || axis === -1)) return 0;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'} (valid: ${-ndim}…${ndim - 1})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Views a shape as [outer, n, inner] around `axis`. */
export function splitAt(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** Same shapes, element for element. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
