/**
 * Argument checks shared by the ops. JavaScript silently drops extra positional arguments, so
 * `relu(x, 0.1)` (meaning leakyRelu) or `exp(x, 2)` would run and give a wrong answer; every op
 * refuses them instead.
 */
import { ValueError } from '../errors.js';

/** Throws a ValueError naming `op` when it was called with more than `max` positional arguments. */
export function checkArgCount(op: string, max: number, count: number): void {
  if (count <= max) return;
  const extra = count - max;
  throw new ValueError(
    `${op}: takes at most ${max} argument${max === 1 ? '' : 's'} but was called with ${count} ` +
      `(${extra} extra argument${extra === 1 ? '' : 's'} it would silently ignore)`,
  );
}

/** Returns v if it is a finite number; otherwise throws a ValueError naming `op` and `name`. */
export function finiteNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}
