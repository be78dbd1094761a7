/**
 * Tensor storage owned by the wasm backend. Over a SHARED memory (views of a SharedArrayBuffer
 * stay valid when the memory grows) tensors' arrays are views of pool blocks (pool.ts), so kernels
 * take them by address; over a non-shared memory (growing it detaches every view) nothing lives
 * there between calls and wasmCall copies operands in and out.
 *
 * A block returns to the pool when
 *  - every JavaScript view of it has been collected (a FinalizationRegistry on the view handed
 *    out; a subarray of a pool view keeps its parent alive, so a slice never outlives its block;
 *    only a view the caller builds itself over `.buffer` escapes this), or
 *  - its owner proves nobody can read it (the autograd engine's gradient temporaries: `release`).
 * Finalizers never run inside one synchronous job (a whole `fit`), so the blocks in use are capped
 * by two budgets: tensors, and temporaries (allocations inside `transient`, which their caller
 * releases). Past a budget a request gets null and the caller uses an ordinary array (the copy
 * path), so memory stays bounded however long a synchronous job runs.
 */
import type { BackendStorage } from '../backend.js';
import type { FloatArray } from '../types.js';
import { BlockPool, sizeClass, type PoolStats } from './block-pool.js';
import type { WasmInstance } from './instance.js';

const MiB = 2 ** 20;
/**
 * Default budgets: bytes of blocks held by tensors, and by temporaries (inside `transient`), and
 * the number of blocks each may hold (every block held costs some JavaScript heap for its finalizer
 * entry until it comes back, so small tensors are capped by count). 4 MiB each, measured on the
 * CLI's default job (`npm run bench:memory`): a synchronous fit never gets blocks back, so a budget
 * is only ever filled once and then held, and each byte of it was first touched as a fresh page of
 * the memory. 32 MiB each peaked 25 MB above 8 MiB each, and 8 MiB about 4 MB above 4 MiB; no
 * training step was faster for the larger budgets (the RNN step: 7.8 ms with no pool at all, 9.9 ms
 * with 64 MiB, bench/rnn h128 in64 T32 b32), since past the budget operands take the copy path.
 */
export const DEFAULT_BUDGET = Object.freeze({ tensors: 4 * MiB, temporaries: 4 * MiB, blocks: 4096 });

/** Subarrays of pool views, each mapped to the view it was cut from (so the parent, and its block, stay alive). */
const parents = new WeakMap<Float32Array, Float32Array>();

/**
 * The `subarray` of pool views: Float32Array's, except that the slice holds the array it was cut
 * from (and so the block) while it lives, and slices of it do the same. Installed as a hidden own
 * property, so a pool view is still a plain Float32Array (same prototype: deepStrictEqual, inspect).
 */
function keepParent(this: Float32Array, begin?: number, end?: number): Float32Array {
  const s = Float32Array.prototype.subarray.call(this, begin, end);
  Object.defineProperty(s, 'subarray', { value: keepParent });
  parents.set(s, this);
  return s;
}

/** What storage knows of a handed-out block (also the finalizer's held value and unregister token). */
interface BlockInfo {
  at: number;
  serial: number;
  /** 0: a tensor's block; 1: a temporary's. */
  budget: 0 | 1;
  size: number;
}

/** Counts for tests and benchmarks: the pool's, plus how blocks came back and the budgets' use. */
export interface StorageStats extends PoolStats {
  /** Blocks returned by their owner (`release`) and by the finalizer (views collected). */
  released: number;
  collected: number;
  /** Bytes held by tensors' and temporaries' blocks. */
  heldTensors: number;
  heldTemporaries: number;
  /** Requests refused for the budget (the caller used an ordinary array). */
  refused: number;
  /** Arrays handed out (tensors and temporaries, not wasmCall's per-call blocks): from a free list, and newly carved. */
  viewsReused: number;
  viewsCarved: number;
}

/** The pool storage of one wasm instance (see the file comment). */
export class WasmStorage implements BackendStorage {
  readonly pool: BlockPool;
  /** Whether tensors may live in the memory between calls (it is shared, so views survive growth). */
  readonly persistent: boolean;
  private serial = 0;
  private readonly info = new Map<number, BlockInfo>();
  private readonly held: [number, number] = [0, 0];
  private readonly heldBlocks: [number, number] = [0, 0];
  private budgets: [number, number] = [DEFAULT_BUDGET.tensors, DEFAULT_BUDGET.temporaries];
  private maxBlocks: number = DEFAULT_BUDGET.blocks;
  private transientDepth = 0;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private released = 0;
  private collected = 0;
  private refused = 0;
  private viewsReused = 0;
  private viewsCarved = 0;
  private readonly registry = new FinalizationRegistry<BlockInfo>((info) => this.onCollected(info));

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.pool = new BlockPool(memory, base);
    this.persistent = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  }

  /** A zeroed array of n floats in a pool block, or null (non-shared memory, over budget, or memory full). */
  alloc(n: number): Float32Array | null {
    return this.allocView(n, true);
  }

  /** An array of n floats in a pool block (zeroed when `zero`), or null as `alloc`. */
  allocView(n: number, zero: boolean): Float32Array | null {
    if (!this.persistent || n === 0) return null;
    const budget = this.transientDepth > 0 ? 1 : 0;
    const size = sizeClass(4 * n).size;
    if (this.held[budget] + size > this.budgets[budget] || this.heldBlocks[budget] >= this.maxBlocks) {
      this.refused++;
      return null;
    }
    const reused = this.pool.reusedCount;
    const at = this.pool.alloc(4 * n);
    if (at < 0) return null;
    if (this.pool.reusedCount > reused) this.viewsReused++;
    else this.viewsCarved++;
    this.held[budget] += size;
    this.heldBlocks[budget]++;
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, at, n);
    Object.defineProperty(view, 'subarray', { value: keepParent });
    if (zero) view.fill(0);
    const info: BlockInfo = { at, serial: ++this.serial, budget, size };
    this.info.set(at, info);
    this.registry.register(view, info, info);
    return view;
  }

  /** The byte offset of x's data when it lies in this memory's pool (pass it by address), else -1. */
  addressOf(x: FloatArray): number {
    return this.persistent && x instanceof Float32Array && this.buffers.has(x.buffer) ? x.byteOffset : -1;
  }

  /** A stamp: blocks handed out from now on are newer than it. */
  mark(): number {
    return this.serial;
  }

  /** The block holding x (x may be a view inside it) when it was handed out after `mark`, else -1. */
  blockSince(x: FloatArray, mark: number): number {
    if (this.addressOf(x) < 0) return -1;
    const at = this.pool.blockAt(x.byteOffset);
    const info = this.info.get(at);
    return info && info.serial > mark ? at : -1;
  }

  /** Returns a block nobody can still read to the pool (its view's finalizer is cancelled). */
  release(at: number): void {
    const info = this.info.get(at);
    if (!info) return;
    this.registry.unregister(info);
    this.free(info);
    this.released++;
  }

  /** Runs fn with its allocations counted as temporaries (a separate budget; the caller releases them). */
  transient<T>(fn: () => T): T {
    this.transientDepth++;
    try {
      return fn();
    } finally {
      this.transientDepth--;
    }
  }

  /** Sets the budgets: bytes of tensors' and temporaries' blocks, and blocks of each (tests use small ones); blocks already held stay. */
  setBudgets(b: { tensors?: number; temporaries?: number; blocks?: number }): void {
    this.budgets = [b.tensors ?? this.budgets[0], b.temporaries ?? this.budgets[1]];
    this.maxBlocks = b.blocks ?? this.maxBlocks;
  }

  /** Counts of blocks, bytes, and how blocks came back. */
  stats(): StorageStats {
    return {
      ...this.pool.stats(), released: this.released, collected: this.collected,
      heldTensors: this.held[0], heldTemporaries: this.held[1], refused: this.refused,
      viewsReused: this.viewsReused, viewsCarved: this.viewsCarved,
    };
  }

  /** The finalizer: every view of the block handed out as `info` was collected. */
  private onCollected(info: BlockInfo): void {
    if (this.info.get(info.at) !== info) return; // released already (and maybe handed out again)
    this.free(info);
    this.collected++;
  }

  private free(info: BlockInfo): void {
    this.info.delete(info.at);
    this.held[info.budget] -= info.size;
    this.heldBlocks[info.budget]--;
    this.pool.release(info.at);
  }
}

/** One storage per memory: two pools over the same bytes would hand out overlapping blocks. */
const storages = new WeakMap<WebAssembly.Memory, WasmStorage>();

/** The storage of a wasm instance's memory (created on first use, its pool above the module's data). */
export function storageOf(inst: WasmInstance): WasmStorage {
  let s = storages.get(inst.memory);
  if (!s) {
    s = new WasmStorage(inst.memory, inst.heapBase);
    storages.set(inst.memory, s);
  }
  return s;
}
