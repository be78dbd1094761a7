/**
 * Sizes of the sliding-window layers (kernel, stride, padding, …) as constructor options and as
 * config fields: one integer for every spatial axis or one per axis, checked when the layer is
 * built so a bad config fails on load, not on the first batch.
 */
import { BackpropError, ConfigError } from '../errors.js';
import { intTuple, type IntOrTuple } from '../ops/window.js';
import type { JsonValue, ModuleConfig } from './module.js';

/** `v` as `dims` integers ≥ `min`, or a ConfigError naming the layer and the option. */
export function sizeTuple(layer: string, name: string, v: unknown, dims: number, min: number): number[] {
  try {
    return intTuple(layer, name, v, dims, min);
  } catch (e) {
    if (e instanceof BackpropError) throw new ConfigError(e.message);
    throw e;
  }
}

/** A size option of a config: an integer or a list of integers (checked by the layer), else `fallback`. */
export function sizeField(c: ModuleConfig, key: string, fallback?: IntOrTuple): IntOrTuple {
  const v: JsonValue | IntOrTuple | undefined = c[key] ?? fallback;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) return v as number[];
  throw new ConfigError(`${c.type}: field '${key}' must be an integer or a list of integers, got ${JSON.stringify(c[key])}`);
}

/** A boolean option of a config, else `fallback`. */
export function boolField(c: ModuleConfig, key: string, fallback: boolean): boolean {
  const v = c[key] ?? fallback;
  if (typeof v !== 'boolean') throw new ConfigError(`${c.type}: field '${key}' must be true or false, got ${JSON.stringify(c[key])}`);
  return v;
}

/** `[a, b]` as `[a, b]` in a printout. */
export function fmtTuple(v: readonly number[]): string {
  return `[${v.join(', ')}]`;
}
