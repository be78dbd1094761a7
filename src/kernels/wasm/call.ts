/**
 * How a TypeScript kernel hands its operands to a WebAssembly kernel: every wasm kernel wrapper
 * goes through `wasmCall`, so where operands live is decided here and nowhere else.
 *
 * Today each call places its operands one after another above the module's data (__heap_base):
 * inputs are copied in, outputs are copied out into fresh Float32Arrays, in-out arrays are copied
 * back. A wrapper asks for byte offsets and never touches the memory itself, so when tensors come
 * to live in the wasm memory (an operand already there is passed by address), no wrapper changes.
 */
import { align, ensureBytes, type WasmInstance } from './instance.js';

/** The operands of one kernel call, as byte offsets into the instance's memory. */
export interface WasmCall {
  /** The byte offset of x's data in the memory (x is only read). */
  input(x: Float32Array): number;
  /** The byte offset of x's data; when the call returns, x holds what the kernel wrote there. */
  inout(x: Float32Array): number;
  /** The byte offset of n floats for a result, returned by wasmCall in the order asked (zeroed when `zero`). */
  output(n: number, zero?: boolean): number;
  /** The byte offset of n floats of scratch that lives until the call returns (zeroed when `zero`). */
  scratch(n: number, zero?: boolean): number;
  /** A view of n floats at a byte offset of this call (valid until the next operand is asked for). */
  view(offset: number, n: number): Float32Array;
}

/** Thrown inside a call when the memory cannot grow to hold an operand; wasmCall turns it into null. */
class OutOfWasmMemory extends Error {}

/** Runs `body` with a call's operands and returns its outputs, or null (nothing run) when the memory cannot hold them. */
export function wasmCall(inst: WasmInstance, body: (call: WasmCall) => void): Float32Array[] | null {
  let end = inst.heapBase;
  const outputs: [number, number][] = [];
  const back: [Float32Array, number][] = [];
  const reserve = (n: number, zero: boolean): number => {
    const at = end;
    end = align(end + 4 * n);
    if (!ensureBytes(inst.memory, end)) throw new OutOfWasmMemory();
    if (zero) new Float32Array(inst.memory.buffer, at, n).fill(0);
    return at;
  };
  const copyIn = (x: Float32Array): number => {
    const at = reserve(x.length, false);
    new Float32Array(inst.memory.buffer, at, x.length).set(x);
    return at;
  };
  const call: WasmCall = {
    input: copyIn,
    inout(x) {
      const at = copyIn(x);
      back.push([x, at]);
      return at;
    },
    output(n, zero = false) {
      const at = reserve(n, zero);
      outputs.push([at, n]);
      return at;
    },
    scratch: (n, zero = false) => reserve(n, zero),
    view: (offset, n) => new Float32Array(inst.memory.buffer, offset, n),
  };
  try {
    body(call);
  } catch (e) {
    if (e instanceof OutOfWasmMemory) return null;
    throw e;
  }
  const buf = inst.memory.buffer;
  for (const [x, at] of back) x.set(new Float32Array(buf, at, x.length));
  return outputs.map(([at, n]) => new Float32Array(buf, at, n).slice());
}

/** Whether every non-null array is float32 (the wasm kernels' type; float64, in gradient checks, stays on the cpu). */
export function allF32(...xs: (unknown | null)[]): boolean {
  return xs.every((x) => x === null || x instanceof Float32Array);
}
