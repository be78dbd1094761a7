/** Storage of a tensor: float32 normally, float64 only inside gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zeroed array of `n` elements with the same element type as `like`. */
export function alloc(n: number, like: FloatArray): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Codes of the broadcasting binary kernels. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
