// The wasm backend's tensor storage: the size classes and block pool (alignment, reuse, lookups),
// views of a shared memory surviving growth, wasmCall passing pool-resident operands by address
// (no copies) and copying everything else, the budgets, and blocks coming back through the
// finalizer (a child process run with --expose-gc).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BlockPool, sizeClass } from '../../src/kernels/wasm/block-pool.js';
import { WasmStorage, storageOf } from '../../src/kernels/wasm/storage.js';
import { copyStats, resetCopyStats, wasmCall } from '../../src/kernels/wasm/call.js';
import { fakeInstance } from './pool-backend.js';

describe('size classes', () => {
  test('multiples of 64 bytes up to 1 KiB, then four classes per power of two', () => {
    assert.deepEqual(sizeClass(0), { index: 0, size: 64 });
    assert.deepEqual(sizeClass(64), { index: 0, size: 64 });
    assert.deepEqual(sizeClass(65), { index: 1, size: 128 });
    assert.deepEqual(sizeClass(1024), { index: 15, size: 1024 });
    assert.deepEqual(sizeClass(1025), { index: 16, size: 1280 });
    assert.deepEqual(sizeClass(2048), { index: 19, size: 2048 });
    assert.deepEqual(sizeClass(2049), { index: 20, size: 2560 });
    assert.deepEqual(sizeClass(4 * 784 * 128), { index: 16 + 8 * 4 + 2, size: 2 ** 18 + 3 * 2 ** 16 });
  });

  test('every class fits its request, is 64-byte aligned, wastes under 25 %, and indices rise with size', () => {
    let prev = -1;
    for (let b = 1; b < 2 ** 24; b = Math.ceil(b * 1.07) + 1) {
      const { index, size } = sizeClass(b);
      assert.ok(size >= b && size % 64 === 0, `${b} → ${size}`);
      assert.ok(size <= 64 || size < 1.25 * b + 64, `${b} → ${size}`);
      assert.ok(index >= prev);
      prev = index;
    }
  });
});

describe('block pool', () => {
  test('blocks are aligned, disjoint, reused after release, and found from any byte inside', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 1000 });
    const pool = new BlockPool(mem, 1000);
    const a = pool.alloc(100);
    const b = pool.alloc(5000);
    const c = pool.alloc(100);
    for (const x of [a, b, c]) assert.equal(x % 64, 0);
    assert.equal(a, 1024);
    assert.equal(b, a + 128);
    assert.equal(c, b + 5120);
    assert.equal(pool.blockAt(a + 127), a);
    assert.equal(pool.blockAt(b), b);
    assert.equal(pool.blockAt(b + 5119), b);
    assert.equal(pool.blockAt(c + 10), c);
    assert.equal(pool.blockAt(a - 1), -1);
    assert.equal(pool.blockAt(c + 128), -1);
    pool.release(b);
    assert.equal(pool.alloc(4500), b, 'same class: the freed block comes back');
    pool.release(a);
    assert.throws(() => pool.release(a), /double free/);
    assert.equal(pool.alloc(65), a);
    const s = pool.stats();
    assert.deepEqual([s.liveBlocks, s.freeBlocks, s.reused, s.carved, s.carvedBytes], [3, 0, 2, 3, 128 + 5120 + 128]);
  });

  test('grows the memory as blocks are carved, and says -1 past its maximum', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const pool = new BlockPool(mem, 64);
    assert.ok(pool.alloc(100_000) > 0);
    assert.ok(mem.buffer.byteLength >= 64 + 100_000);
    assert.equal(pool.alloc(300_000), -1);
  });
});

describe('storage over shared memory', () => {
  test('views stay valid (same bytes) when the memory grows', () => {
    const inst = fakeInstance(true);
    const st = new WasmStorage(inst.memory, inst.heapBase);
    assert.equal(st.persistent, true);
    const v = st.alloc(1000) as Float32Array;
    assert.ok(v.buffer instanceof SharedArrayBuffer);
    v.fill(2.5);
    const before = inst.memory.buffer.byteLength;
    const big = st.alloc(500_000) as Float32Array; // 2 MB: more than the memory has, within the tensor budget
    assert.ok(inst.memory.buffer.byteLength > before, 'the memory grew');
    assert.equal(v.length, 1000);
    assert.ok(v.every((x) => x === 2.5));
    big.fill(1);
    assert.ok(v.every((x) => x === 2.5), 'a new block does not overlap an old one');
  });

  test('alloc zeroes reused blocks; a non-shared memory gives no tensors (copy path)', () => {
    const inst = fakeInstance(true);
    const st = new WasmStorage(inst.memory, inst.heapBase);
    const v = st.allocView(16, false) as Float32Array;
    v.fill(9);
    st.release(v.byteOffset);
    const w = st.alloc(16) as Float32Array;
    assert.equal(w.byteOffset, v.byteOffset);
    assert.ok(w.every((x) => x === 0));
    const plain = fakeInstance(false);
    assert.equal(new WasmStorage(plain.memory, plain.heapBase).alloc(16), null);
  });

  test('budgets: tensors and temporaries are capped separately; past the cap the answer is null', () => {
    const inst = fakeInstance(true);
    const st = new WasmStorage(inst.memory, inst.heapBase);
    st.setBudgets({ tensors: 4096, temporaries: 1024 });
    assert.ok(st.alloc(1024)); // 4096 bytes: the whole tensor budget
    assert.equal(st.alloc(1), null);
    const t = st.transient(() => st.alloc(256)) as Float32Array;
    assert.ok(t);
    assert.equal(st.transient(() => st.alloc(1)), null);
    st.release(t.byteOffset);
    assert.ok(st.transient(() => st.alloc(1)));
    const s = st.stats();
    assert.deepEqual([s.heldTensors, s.heldTemporaries, s.refused, s.released], [4096, 64, 2, 1]);
  });

  test('blockSince finds the block of a view or subarray handed out after a mark, not before', () => {
    const inst = fakeInstance(true);
    const st = new WasmStorage(inst.memory, inst.heapBase);
    const old = st.alloc(100) as Float32Array;
    const mark = st.mark();
    const fresh = st.alloc(100) as Float32Array;
    assert.equal(st.blockSince(old, mark), -1);
    assert.equal(st.blockSince(fresh, mark), fresh.byteOffset);
    assert.equal(st.blockSince(fresh.subarray(50, 60), mark), fresh.byteOffset);
    assert.equal(st.blockSince(new Float32Array(100), mark), -1);
  });

  test('a subarray of a pool view keeps the view (and its block) alive', () => {
    const inst = fakeInstance(true);
    const st = new WasmStorage(inst.memory, inst.heapBase);
    const v = st.alloc(8) as Float32Array;
    const s = v.subarray(2, 4);
    const ss = s.subarray(1);
    assert.ok(s instanceof Float32Array && ss instanceof Float32Array);
    assert.equal(ss.byteOffset, v.byteOffset + 12);
    assert.ok(!(v.slice(0, 2).buffer instanceof SharedArrayBuffer), 'slice copies out of the pool');
  });
});

describe('wasmCall', () => {
  const body = (x: Float32Array, n: number) => (c: Parameters<Parameters<typeof wasmCall>[1]>[0]) => {
    const px = c.input(x);
    const po = c.output(n);
    const src = c.view(px, n);
    const dst = c.view(po, n);
    for (let i = 0; i < n; i++) dst[i] = 2 * src[i];
  };

  test('pool-resident operands go by address: no copy in, and the output is the pool view itself', () => {
    const inst = fakeInstance(true);
    const st = storageOf(inst);
    const x = st.alloc(64) as Float32Array;
    x.forEach((_, i) => (x[i] = i));
    resetCopyStats();
    let seen = -1;
    const out = wasmCall(inst, (c) => {
      seen = c.input(x);
      body(x, 64)(c);
    });
    assert.equal(seen, x.byteOffset);
    assert.deepEqual(copyStats(), { copiesIn: 0, bytesIn: 0, copiesOut: 0, bytesOut: 0 });
    const y = (out as Float32Array[])[0];
    assert.ok(y.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(y), Array.from(x, (v) => 2 * v));
    // in place on a pool-resident array: no copy either way
    const z = st.alloc(8) as Float32Array;
    z.fill(1);
    wasmCall(inst, (c) => {
      const pz = c.inout(z);
      c.view(pz, 8).fill(3);
    });
    assert.ok(z.every((v) => v === 3));
    assert.equal(copyStats().copiesIn, 0);
  });

  test('ordinary arrays are copied in; over non-shared memory outputs are copied out; scratch blocks return', () => {
    for (const shared of [true, false]) {
      const inst = fakeInstance(shared);
      const x = Float32Array.from({ length: 10 }, (_, i) => i);
      resetCopyStats();
      const out = wasmCall(inst, (c) => {
        c.scratch(1000, true);
        body(x, 10)(c);
      }) as Float32Array[];
      assert.deepEqual(Array.from(out[0]), Array.from(x, (v) => 2 * v));
      assert.deepEqual(copyStats(), shared
        ? { copiesIn: 1, bytesIn: 40, copiesOut: 0, bytesOut: 0 }
        : { copiesIn: 1, bytesIn: 40, copiesOut: 1, bytesOut: 40 });
      assert.equal(out[0].buffer instanceof SharedArrayBuffer, shared);
    }
  });

  test('the per-call blocks (copies, scratch) are reused from one call to the next', () => {
    const inst = fakeInstance(true);
    const x = new Float32Array(300);
    const run = () => wasmCall(inst, (c) => {
      c.input(x);
      c.scratch(5000);
    });
    run();
    const carved = storageOf(inst).stats().carved;
    for (let i = 0; i < 10; i++) run();
    assert.equal(storageOf(inst).stats().carved, carved);
    assert.equal(storageOf(inst).stats().liveBlocks, 0);
  });
});

test('the finalizer returns the blocks of collected views (node --expose-gc)', () => {
  const script = `
    const { WasmStorage } = await import('./src/kernels/wasm/storage.ts');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1000, shared: true });
    const st = new WasmStorage(memory, 1024);
    const keep = st.alloc(100);
    (() => { for (let i = 0; i < 50; i++) st.alloc(1000).fill(i); })();
    const before = st.stats();
    for (let i = 0; i < 5 && st.stats().collected < 50; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = st.stats();
    const again = st.alloc(1000);
    console.log(JSON.stringify({ before, after, keep: keep.length, reusedAfter: st.stats().reused, fresh: again.every((x) => x === 0) }));
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  assert.equal(o.before.liveBlocks, 51);
  assert.equal(o.before.freeBlocks, 0);
  assert.equal(o.after.collected, 50);
  assert.equal(o.after.liveBlocks, 1, 'the view still referenced keeps its block');
  assert.equal(o.after.freeBlocks, 50);
  assert.equal(o.after.heldTensors, 64 * 7);
  assert.equal(o.reusedAfter, 1);
  assert.equal(o.fresh, true);
});
