/**
 * Debug mode: while on, every op's forward output and every gradient its backward produces is
 * scanned, and the first NaN or ±Inf throws a NonFiniteError naming the op, the pass, its input
 * shapes and the module that called it (captured at forward time from the scope stack). Off, it
 * costs one boolean check per op.
 */
import { NonFiniteError, ValueError, fmtShape } from '../errors.js';
import type { FloatArray } from '../kernels/types.js';
import type { Tensor } from '../tensor/tensor.js';

let debug = false;

/** Switches debug mode (NaN/Inf detection in every op's forward and backward) on or off. */
export function setDebug(on: boolean): void {
  if (typeof on !== 'boolean') throw new ValueError(`setDebug: expected true or false, got ${String(on)}`);
  debug = on;
}

/** Whether debug mode is on. */
export function isDebug(): boolean {
  return debug;
}

/**
 * Runs fn with debug mode on and restores the previous setting afterwards (PyTorch's
 * `detect_anomaly`); if fn returns a promise, the setting is restored when it settles.
 */
export function detectAnomaly<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError(`detectAnomaly: expected a function to run, got ${typeof fn}`);
  const prev = debug;
  debug = true;
  let pending = false;
  try {
    const result = fn();
    if (result instanceof Promise) {
      pending = true;
      return result.finally(() => {
        debug = prev;
      }) as T;
    }
    return result;
  } finally {
    if (!pending) debug = prev;
  }
}

/** Index of the first NaN or ±Inf in a, or −1. */
function firstNonFinite(a: FloatArray): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) return i; // NaN − NaN and Inf − Inf are NaN; any finite v gives 0
  }
  return -1;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

function fail(op: string, pass: NonFiniteError['pass'], inputs: readonly Tensor[], scope: string | undefined, what: string): never {
  const shapes = inputs.map((t) => t.shape);
  const where = scope === undefined ? 'module unknown (the forward pass ran with debug mode off)' : scope === '' ? 'outside any module' : `in ${scope}`;
  const shapeList = shapes.length === 0 ? 'no tensor inputs' : `input shape${shapes.length === 1 ? '' : 's'} ${shapes.map(fmtShape).join(', ')}`;
  throw new NonFiniteError(`debug mode: op '${op}' (${pass}) ${what}; ${shapeList}; ${where}`, op, pass, shapes, scope ?? '');
}

/** Throws a NonFiniteError if `out`, the forward output of `op`, holds a NaN or ±Inf. */
export function checkForward(op: string, out: Tensor, inputs: readonly Tensor[], scope: string): void {
  const i = firstNonFinite(out.data);
  if (i < 0) return;
  let what = `produced ${describeValue(out.data[i])} at element ${i} of its output ${fmtShape(out.shape)}`;
  const bad = inputs.findIndex((t) => firstNonFinite(t.data) >= 0);
  if (bad >= 0) what += ` (its input ${bad} already held a NaN/Inf, so it came from before this op: data, parameters or an op run with debug mode off)`;
  fail(op, 'forward', inputs, scope, what);
}

/** Throws a NonFiniteError if a gradient that `op`'s backward produced holds a NaN or ±Inf. */
export function checkBackward(op: string, grads: readonly (FloatArray | null)[], inputs: readonly Tensor[], scope: string | undefined, dy: FloatArray): void {
  for (let j = 0; j < grads.length; j++) {
    const g = grads[j];
    const i = g ? firstNonFinite(g) : -1;
    if (!g || i < 0) continue;
    let what = `produced ${describeValue(g[i])} at element ${i} of the gradient for its input ${j} (shape ${fmtShape(inputs[j].shape)})`;
    if (firstNonFinite(dy) >= 0) what += ' (the gradient it received already held a NaN/Inf)';
    fail(op, 'backward', inputs, scope, what);
  }
}
