/**
 * Reading one parameter's saved optimiser state back: every field must be one the optimiser
 * keeps, of the right kind (a whole-number counter or a buffer shaped like the parameter), and
 * every buffer value finite. Errors name the parameter index, the field and what was wrong.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { alloc } from '../kernels/types.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import type { ParamState, StateFieldKinds } from './optimizer.js';

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : `a ${(v as object).constructor?.name ?? 'object'}`;
  return typeof v === 'string' ? `string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}

/** True for a list or typed array of numbers (a buffer as older state dicts held it). */
function isNumberList(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** A copy of a saved buffer in the parameter's storage type, after checking its shape and values. */
function readBuffer(v: unknown, p: Tensor, where: string): ParamState[string] {
  let values: ArrayLike<unknown>;
  if (v instanceof Tensor) {
    if (!sameShape(v.shape, p.shape)) throw new ShapeError(`${where} has shape ${fmtShape(v.shape)} but its parameter has shape ${fmtShape(p.shape)}`);
    values = v.data;
  } else if (isNumberList(v)) {
    if (v.length !== p.size) throw new ShapeError(`${where} has ${v.length} values but its parameter (shape ${fmtShape(p.shape)}) has ${p.size}`);
    values = v;
  } else {
    throw new ValueError(`${where} must be a Tensor shaped like its parameter, got ${describe(v)}`);
  }
  const buf = alloc(p.size, p.data);
  for (let j = 0; j < buf.length; j++) {
    const x = values[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValueError(`${where}[${j}] = ${describe(x)} is not a finite number`);
    buf[j] = x;
  }
  return buf;
}

/** Checks and copies the saved state `entry` of parameter `p` (index `key`) against the optimiser's `fields`. */
export function readParamState(entry: unknown, p: Tensor, key: string, fields: StateFieldKinds, where: string): ParamState {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Tensor) {
    throw new ValueError(`${where}: state[${key}] must be an object of counters and buffers, got ${describe(entry)}`);
  }
  const s: ParamState = {};
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    const at = `${where}: state[${key}].${k}`;
    const kind = Object.prototype.hasOwnProperty.call(fields, k) ? fields[k] : undefined;
    if (kind === undefined) throw new ValueError(`${at}: unknown state field (this optimiser keeps ${Object.keys(fields).join(', ')})`);
    if (kind === 'count') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ValueError(`${at} must be a whole number ≥ 0, got ${describe(v)}`);
      s[k] = v;
    } else {
      s[k] = readBuffer(v, p, at);
    }
  }
  return s;
}
