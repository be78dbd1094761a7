/**
 * The gradient temporaries of one backward() sweep, for a backend that owns its storage (the wasm
 * pool). Arrays the backward rules allocate during the sweep are seen by nobody but the engine
 * (leaf gradients are copies; retainGrad copies too), so each block goes back to the pool as soon
 * as no pending gradient refers to it — a rule may pass its incoming gradient through, or return
 * views into it, so references are counted per block, not per array. Blocks allocated before the
 * sweep (forward data, a gradient the caller passed) are never touched.
 */
import { backendStorage, type BackendStorage } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/types.js';

/** Reference counts of the blocks handed out during one sweep, released when they reach zero. */
export class GradTemps {
  private readonly since: number;
  private readonly refs = new Map<number, number>();

  constructor(private readonly storage: BackendStorage) {
    this.since = storage.mark();
  }

  /** Runs a backward rule with its allocations counted as the backend's temporaries. */
  run<T>(fn: () => T): T {
    return this.storage.transient(fn);
  }

  /** Notes one more pending gradient referring to x's block. */
  hold(x: FloatArray): void {
    const b = this.storage.blockSince(x, this.since);
    if (b >= 0) this.refs.set(b, (this.refs.get(b) ?? 0) + 1);
  }

  /** Notes that a pending gradient referring to x's block is gone; releases the block at zero. */
  drop(x: FloatArray | undefined): void {
    if (!x) return;
    const b = this.storage.blockSince(x, this.since);
    if (b < 0) return;
    const n = (this.refs.get(b) ?? 0) - 1;
    if (n > 0) this.refs.set(b, n);
    else {
      this.refs.delete(b);
      this.storage.release(b);
    }
  }

  /** Releases the blocks of a rule's results that no pending gradient refers to (unused or summed in). */
  sweep(results: readonly (FloatArray | null)[]): void {
    for (const x of results) {
      if (!x) continue;
      const b = this.storage.blockSince(x, this.since);
      if (b >= 0 && !this.refs.has(b)) this.storage.release(b);
    }
  }
}

/** The temporaries tracker of a sweep, or null when the backend in use has no storage of its own. */
export function gradTemps(): GradTemps | null {
  const st = backendStorage();
  return st ? new GradTemps(st) : null;
}
