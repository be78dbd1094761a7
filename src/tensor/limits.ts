/**
 * How big a tensor may be, checked before anything is allocated: an impossible shape
 * (`zeros([1e5, 1e5])`) is a ValueError naming the shape, not a RangeError from deep inside,
 * and a model file can cap what building its architecture may allocate
 * (`withAllocationLimit`), so a 500-byte file cannot declare a 14 GB layer.
 */
import { ValueError, fmtShape } from '../errors.js';

/** The most elements one tensor may hold (2³¹ − 1: 8 GiB of float32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** An allocation budget in force: elements still allowed and what it is for. */
interface Budget {
  left: number;
  max: number;
  what: string;
}
const budgets: Budget[] = [];

/** Throws a ValueError naming `shape` if a tensor of that shape is too large to allocate. */
export function checkSize(shape: readonly number[], op: string): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new ValueError(`${op}: shape ${fmtShape(shape)} has ${n.toExponential(3)} elements, more than the ${MAX_TENSOR_ELEMENTS} a tensor can hold`);
  }
  return n;
}

/** Counts `n` elements about to be allocated against every budget in force. */
export function chargeAllocation(n: number): void {
  if (n > MAX_TENSOR_ELEMENTS) throw new ValueError(`cannot allocate a tensor of ${n} elements (at most ${MAX_TENSOR_ELEMENTS})`);
  for (const b of budgets) {
    b.left -= n;
    if (b.left < 0) throw new ValueError(`${b.what}: would allocate more than the ${b.max} values allowed`);
  }
}

/** Runs fn, refusing (ValueError) any tensor creation that takes the total past maxElements. */
export function withAllocationLimit<T>(maxElements: number, what: string, fn: () => T): T {
  budgets.push({ left: maxElements, max: maxElements, what });
  try {
    return fn();
  } finally {
    budgets.pop();
  }
}
