/** Refusing parsed JSON numbers that overflowed to ±Infinity (`1e400`), naming where they are. */
import { ValueError } from '../errors.js';

/** The index path of the first non-finite number in nested arrays/objects, e.g. "[1][0]", or null. */
export function findNonFinite(v: unknown, at = ''): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : at || '(the value itself)';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findNonFinite(v[i], `${at}[${i}]`);
      if (p !== null) return p;
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const p = findNonFinite(x, `${at}.${k}`);
      if (p !== null) return p;
    }
  }
  return null;
}

/** Throws a ValueError naming `what` and the position when parsed JSON holds a number too large to be finite. */
export function assertFiniteJson(v: unknown, what: string): void {
  const at = findNonFinite(v);
  if (at !== null) throw new ValueError(`${what}: the number at ${at} is too large (it would be infinite)`);
}
