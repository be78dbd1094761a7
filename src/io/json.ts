/** JSON helpers for the io floor: a strict JSON check that refuses what JSON.stringify would silently change. */
import { ValueError } from '../errors.js';

/** How deeply the JSON our files hold may nest; deeper input is refused before it is parsed. */
export const MAX_JSON_DEPTH = 256;

/** A JSON value (structurally the same as nn's JsonValue). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Sets an own, enumerable property. Plain assignment would treat a key named "__proto__"
 * (a legal tensor name in a file) as the prototype instead of as data.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What kind of thing v is, for messages: `a Map`, `a function`, `number NaN`. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') {
    const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return Array.isArray(v) ? 'an array' : name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return `a ${typeof v}`;
}

/** True for `{...}` literals and Object.create(null) objects, not class instances or arrays. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether v has a `toJSON()` method (a Date, or a class that serialises itself). */
export function hasToJSON(v: unknown): v is { toJSON: () => unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Checks that `value` is JSON that survives a round trip and returns it as a JsonValue. Refuses,
 * naming the path, what JSON.stringify would quietly turn into null or drop: NaN and ±Infinity,
 * undefined inside arrays, functions, symbols, bigints, Maps, typed arrays and cycles. Objects
 * with a toJSON() method are serialised through it; undefined object fields are left out.
 */
export function toJsonValue(value: unknown, path: string, what: string): JsonValue {
  const seen = new Set<object>();
  const walk = (v: unknown, p: string): JsonValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    // one level is kept for the file's own object that holds this value
    if (seen.size >= MAX_JSON_DEPTH - 1 && typeof v === 'object') throw new ValueError(`${what}: ${p} nests too deeply (a file holds at most ${MAX_JSON_DEPTH} levels of JSON)`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ValueError(`${what}: ${p} is ${v}; JSON cannot hold NaN or ±Infinity`);
      return v;
    }
    if (typeof v !== 'object') throw new ValueError(`${what}: ${p} is ${kindOf(v)}, which JSON cannot hold`);
    if (seen.has(v)) throw new ValueError(`${what}: ${p} refers back to an enclosing value (a cycle)`);
    seen.add(v);
    try {
      if (hasToJSON(v)) return walk(v.toJSON(), p);
      if (Array.isArray(v)) {
        return v.map((x: unknown, i) => {
          if (x === undefined) throw new ValueError(`${what}: ${p}[${i}] is undefined, which JSON cannot hold in a list`);
          return walk(x, `${p}[${i}]`);
        });
      }
      if (!isPlainObject(v)) throw new ValueError(`${what}: ${p} is ${kindOf(v)}, which JSON cannot hold; use plain objects, arrays, strings, numbers and booleans`);
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) setOwn(out, k, walk(x, `${p}.${k}`));
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, path);
}


/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Parses JSON text read from a file (`what` names it in messages), reporting invalid or too deeply nested JSON through `fail`. */
export function parseJsonText(text: string, what: string, fail: (msg: string) => never, maxDepth = MAX_JSON_DEPTH): unknown {
  const depth = jsonDepth(text);
  if (depth > maxDepth) fail(`${what} nests ${depth} levels deep; at most ${maxDepth} are allowed`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return fail(`${what} is not valid JSON (${(e as Error).message})`);
  }
}
