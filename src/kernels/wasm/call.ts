/**
 * How a TypeScript kernel hands its operands to a WebAssembly kernel: every wasm kernel wrapper
 * goes through `wasmCall`, so where operands live is decided here and nowhere else.
 *
 * Every byte a call uses comes from the instance's pool (storage.ts). An operand already in the
 * pool (a tensor of the wasm backend over shared memory) is passed by address; any other input is
 * copied into a block freed when the call returns, and an in-out array is copied back. Outputs are
 * pool blocks returned as the views themselves when the memory is shared, and copied out into
 * fresh arrays otherwise (views of a non-shared memory die when it grows). `copyStats` counts the
 * copies, so tests can assert that pool-resident operands are never copied.
 */
import { storageOf } from './storage.js';
import type { WasmInstance } from './instance.js';

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

/** Copies made by wasmCall since the last reset: arrays and bytes copied in (inputs, in-outs) and out (in-outs, outputs). */
export interface CopyStats {
  copiesIn: number;
  bytesIn: number;
  copiesOut: number;
  bytesOut: number;
}

const counts: CopyStats = { copiesIn: 0, bytesIn: 0, copiesOut: 0, bytesOut: 0 };

/** The copies wasmCall has made since the last resetCopyStats (a debug counter). */
export function copyStats(): CopyStats {
  return { ...counts };
}

/** Zeroes the copy counters. */
export function resetCopyStats(): void {
  counts.copiesIn = counts.bytesIn = counts.copiesOut = counts.bytesOut = 0;
}

/** Thrown inside a call when the memory cannot grow to hold an operand; wasmCall turns it into null. */
class OutOfWasmMemory extends Error {}

/** An output of a call: a pool view handed to the caller, or a temporary block copied out. */
type Output = { view: Float32Array } | { at: number; n: number };

/** Runs `body` with a call's operands and returns its outputs, or null (nothing run) when the memory cannot hold them. */
export function wasmCall(inst: WasmInstance, body: (call: WasmCall) => void): Float32Array[] | null {
  const st = storageOf(inst);
  const temps: number[] = [];
  const outputs: Output[] = [];
  const back: [Float32Array, number][] = [];
  const reserve = (n: number, zero: boolean): number => {
    const at = st.pool.alloc(4 * n);
    if (at < 0) throw new OutOfWasmMemory();
    temps.push(at);
    if (zero) new Float32Array(inst.memory.buffer, at, n).fill(0);
    return at;
  };
  const copyIn = (x: Float32Array): number => {
    const at = reserve(x.length, false);
    new Float32Array(inst.memory.buffer, at, x.length).set(x);
    counts.copiesIn++;
    counts.bytesIn += x.byteLength;
    return at;
  };
  const call: WasmCall = {
    input(x) {
      const at = st.addressOf(x);
      return at >= 0 ? at : copyIn(x);
    },
    inout(x) {
      const at = st.addressOf(x);
      if (at >= 0) return at;
      const copy = copyIn(x);
      back.push([x, copy]);
      return copy;
    },
    output(n, zero = false) {
      const view = st.allocView(n, zero);
      if (view) {
        outputs.push({ view });
        return view.byteOffset;
      }
      const at = reserve(n, zero);
      outputs.push({ at, n });
      return at;
    },
    scratch: (n, zero = false) => reserve(n, zero),
    view: (offset, n) => new Float32Array(inst.memory.buffer, offset, n),
  };
  try {
    body(call);
    return finish(inst, outputs, back);
  } catch (e) {
    for (const o of outputs) if ('view' in o) st.release(o.view.byteOffset);
    if (e instanceof OutOfWasmMemory) return null;
    throw e;
  } finally {
    for (const at of temps) st.pool.release(at);
  }
}

/** Copies in-out arrays back and returns the outputs (views as they are, temporaries copied out). */
function finish(inst: WasmInstance, outputs: Output[], back: [Float32Array, number][]): Float32Array[] {
  const buf = inst.memory.buffer;
  for (const [x, at] of back) {
    x.set(new Float32Array(buf, at, x.length));
    counts.copiesOut++;
    counts.bytesOut += x.byteLength;
  }
  return outputs.map((o) => {
    if ('view' in o) return o.view;
    counts.copiesOut++;
    counts.bytesOut += 4 * o.n;
    return new Float32Array(buf, o.at, o.n).slice();
  });
}

/** Whether every non-null array is float32 (the wasm kernels' type; float64, in gradient checks, stays on the cpu). */
export function allF32(...xs: (unknown | null)[]): boolean {
  return xs.every((x) => x === null || x instanceof Float32Array);
}
