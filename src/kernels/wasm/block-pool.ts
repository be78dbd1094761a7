/**
 * A size-class allocator of byte ranges ("blocks") in a WebAssembly memory, above the module's
 * data. Sizes are rounded up to a class: multiples of 64 bytes up to 1 KiB, then four classes per
 * power of two (each ≤ 1.25× the one before), so a block wastes at most a fifth of itself. Blocks
 * are carved from the top of the region (growing the memory) and never split or merged: a freed
 * block waits in its class's free list for the next request of that class. Every block starts on
 * a 64-byte boundary (a cache line, and any SIMD alignment). This file knows offsets only; views,
 * reclamation and budgets are storage.ts's.
 */
import { BackpropError } from '../../errors.js';
import { align, ensureBytes } from './instance.js';

/** Smallest block and the alignment of every block, in bytes. */
export const BLOCK_ALIGN = 64;
const SMALL_LIMIT = 1024;
const SMALL_CLASSES = SMALL_LIMIT / BLOCK_ALIGN;

/** The size class of a request of `bytes` bytes: its index and the block size it gets. */
export function sizeClass(bytes: number): { index: number; size: number } {
  const s = Math.max(BLOCK_ALIGN, align(bytes));
  if (s <= SMALL_LIMIT) return { index: s / BLOCK_ALIGN - 1, size: s };
  const p = 31 - Math.clz32(s - 1); // s ∈ (2^p, 2^(p+1)]
  const step = 2 ** (p - 2);
  const k = Math.ceil((s - 2 ** p) / step); // 1 … 4
  return { index: SMALL_CLASSES + (p - 10) * 4 + (k - 1), size: 2 ** p + k * step };
}

/** Counts of a pool's blocks and bytes. */
export interface PoolStats {
  /** Bytes from the region's start to its top (every block ever carved). */
  carvedBytes: number;
  /** Blocks handed out and not yet freed, and their bytes. */
  liveBlocks: number;
  liveBytes: number;
  /** Blocks waiting in the free lists. */
  freeBlocks: number;
  /** Requests served from a free list (reuse) and by carving a new block. */
  reused: number;
  carved: number;
}

/** Blocks of a memory's region [base, top): allocate, free, and find the block holding an address. */
export class BlockPool {
  private top: number;
  private readonly free: number[][] = [];
  /** Start offsets of every carved block, ascending (carving only moves up). */
  private readonly starts: number[] = [];
  /** The size of every carved block, by start offset. */
  private readonly sizes = new Map<number, number>();
  private readonly live = new Set<number>();
  private liveBytes = 0;
  private reused = 0;
  private carved = 0;

  constructor(readonly memory: WebAssembly.Memory, readonly base: number) {
    this.top = align(base);
  }

  /** The start offset of a block of at least `bytes` bytes, or -1 when the memory cannot grow to hold it. */
  alloc(bytes: number): number {
    const { index, size } = sizeClass(bytes);
    const list = this.free[index];
    let at = list?.pop();
    if (at !== undefined) this.reused++;
    else {
      if (!ensureBytes(this.memory, this.top + size)) return -1;
      at = this.top;
      this.top += size;
      this.starts.push(at);
      this.sizes.set(at, size);
      this.carved++;
    }
    this.live.add(at);
    this.liveBytes += size;
    return at;
  }

  /** Returns the block starting at `at` to its free list (it must be live). */
  release(at: number): void {
    if (!this.live.delete(at)) throw new BackpropError(`wasm pool: no live block at byte ${at} (double free?)`);
    const size = this.sizes.get(at) as number;
    this.liveBytes -= size;
    const { index } = sizeClass(size);
    (this.free[index] ??= []).push(at);
  }

  /** Requests served from a free list so far. */
  get reusedCount(): number {
    return this.reused;
  }

  /** The size in bytes of the block starting at `at`. */
  sizeOf(at: number): number {
    return this.sizes.get(at) ?? 0;
  }

  /** Whether the block starting at `at` is handed out. */
  isLive(at: number): boolean {
    return this.live.has(at);
  }

  /** The start of the carved block that holds byte `offset`, or -1 when the offset is outside every block. */
  blockAt(offset: number): number {
    const s = this.starts;
    if (s.length === 0 || offset < s[0] || offset >= this.top) return -1;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return s[lo];
  }

  /** Counts of blocks and bytes, for tests and benchmarks. */
  stats(): PoolStats {
    let freeBlocks = 0;
    for (const l of this.free) freeBlocks += l?.length ?? 0;
    return {
      carvedBytes: this.top - align(this.base), liveBlocks: this.live.size, liveBytes: this.liveBytes,
      freeBlocks, reused: this.reused, carved: this.carved,
    };
  }
}
