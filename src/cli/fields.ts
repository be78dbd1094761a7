/**
 * Checks of parsed JSON fields for the CLI's config files: each failure is a ConfigError that
 * names the field by its path (`config.optimizer.lr: must be > 0, got -1`).
 */
import { ConfigError } from '../errors.js';

/** A parsed JSON object. */
export type Obj = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws a ConfigError naming the field at `path`, what it must be, and what it was. */
export function fail(path: string, msg: string, v: unknown): never {
  throw new ConfigError(`${path}: ${msg}, got ${JSON.stringify(v) ?? String(v)}`);
}

/** The finite number at `o[key]`, checked against the options (undefined if optional and absent). */
export function num(o: Obj, key: string, path: string, opts: { min?: number; max?: number; int?: boolean; optional?: boolean; exclusiveMin?: boolean } = {}): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, 'must be a number', v);
  if (opts.int && !Number.isInteger(v)) fail(`${path}.${key}`, 'must be a whole number', v);
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) fail(`${path}.${key}`, `must be ${opts.exclusiveMin ? '>' : '≥'} ${opts.min}`, v);
  if (opts.max !== undefined && v > opts.max) fail(`${path}.${key}`, `must be ≤ ${opts.max}`, v);
  return v;
}

/** The string at `o[key]`, which must be one of `allowed`. */
export function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], optional = false): T | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) fail(`${path}.${key}`, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  return v as T;
}

/** The string at `o[key]` (undefined if optional and absent). */
export function str(o: Obj, key: string, path: string, what: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') fail(`${path}.${key}`, what, v);
  return v;
}

/** Refuses any key of `o` not in `allowed`. */
export function checkKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ConfigError(`${path}: unknown field '${k}' (allowed: ${allowed.join(', ')})`);
  }
}
