/**
 * The errors `backprop` throws. One base class so callers can catch everything of ours,
 * and a few subclasses that say what kind of thing was wrong. Messages name the op or
 * field and the offending values.
 */

/** Base class of every error raised by backprop. */
export class BackpropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an operation (mismatch, bad axis, bad reshape, ragged nesting). */
export class ShapeError extends BackpropError {}

/** A value of the wrong kind or range (a non-number in `tensor()`, a fractional index, …). */
export class ValueError extends BackpropError {}

/** Misuse of the autodiff graph (backward from a non-scalar, through a freed graph, through `step`). */
export class GraphError extends BackpropError {}

/** A bad configuration field (CLI config, model options, optimiser options). */
export class ConfigError extends BackpropError {}

/** A file that is truncated, corrupt or does not match what was expected. */
export class FileFormatError extends BackpropError {}

/** A file that cannot be read at all: missing, a folder, or without permission (the error has `code`, e.g. 'ENOENT'). */
export class FileAccessError extends BackpropError {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/** Formats a shape the way messages print it: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A NaN or ±Inf caught by debug mode (`setDebug(true)`, `detectAnomaly`): the first op whose
 * forward output or back-propagated gradient held one. The message names the op, the pass,
 * its input shapes and the module that called it.
 */
export class NonFiniteError extends BackpropError {
  constructor(
    message: string,
    /** The op's name, as on its graph node ('log', 'matmul', …). */
    readonly op: string,
    /** Whether its forward output or its backward gradient was not finite. */
    readonly pass: 'forward' | 'backward',
    /** Shapes of the op's tensor inputs. */
    readonly inputShapes: readonly (readonly number[])[],
    /** Module path at forward time (`MLP > layers.2 (Linear)`); '' outside any module or if unknown. */
    readonly scope: string,
  ) {
    super(message);
  }
}
