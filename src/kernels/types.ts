/** Storage of a tensor: float32 normally, float64 only inside gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zeroed array of `n` elements with the same element type as `like`. */
export function alloc(n: number, like: FloatArray): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Codes of the broadcasting binary kernels. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** TypedArray.prototype.subarray itself: pool views override `subarray` to track their block's lifetime. */
const nativeSubarray = Object.getPrototypeOf(Float32Array.prototype).subarray as (this: FloatArray, begin: number, end: number) => FloatArray;

/**
 * A view of x[begin, end) for use inside one kernel call, while the caller holds x. Unlike
 * `x.subarray` on a pool view (storage.ts), it does not keep x alive: it costs ~20 ns instead of ~500.
 */
export function span<T extends FloatArray>(x: T, begin: number, end: number): T {
  return nativeSubarray.call(x, begin, end) as T;
}
