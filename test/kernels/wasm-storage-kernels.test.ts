// The wasm kernels with tensors in the module's memory: under the wasm backend over a shared
// memory, new tensors are pool views, matmul / sumAxis / the optimiser steps read and write them
// by address (the copy counter stays at zero) and give the same numbers as with ordinary arrays
// (the copy path); over an unshared memory everything is copied and outputs are ordinary arrays.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { SGD, Adam } from '../../src/optim/index.js';
import { copyStats, resetCopyStats, storageOf } from '../../src/kernels/wasm/index.js';
import { bestVariant, instance } from '../../src/kernels/wasm/instance.js';
import { kernels } from '../../src/kernels/backend.js';

const st = storageOf(instance(bestVariant()));
const outer = bp.getBackend();
after(() => bp.setBackend(outer));

/** x's values in an ordinary (non-pool) array. */
const plain = (x: Float32Array): Float32Array => Float32Array.from(x);

describe('wasm kernels on pool-resident tensors', { skip: !st.persistent && 'the wasm memory is not shared here' }, () => {
  test('new tensors live in the shared memory; matmul and sumAxis take them by address, outputs are pool views', () => {
    bp.setBackend('wasm');
    bp.manualSeed(1);
    const a = bp.randn([33, 70]);
    const b = bp.randn([70, 21]);
    assert.ok(a.data.buffer instanceof SharedArrayBuffer);
    resetCopyStats();
    const c = kernels.matmul(a.data, b.data, 33, 70, 21, { transB: false });
    const s = kernels.sumAxis(c, 33, 21, 1);
    assert.deepEqual(copyStats(), { copiesIn: 0, bytesIn: 0, copiesOut: 0, bytesOut: 0 });
    assert.ok(c.buffer instanceof SharedArrayBuffer && s.buffer instanceof SharedArrayBuffer);
    const c2 = kernels.matmul(plain(a.data), plain(b.data), 33, 70, 21);
    assert.equal(copyStats().copiesIn, 2, 'ordinary arrays are copied in');
    assert.deepEqual(Array.from(c), Array.from(c2), 'same arithmetic either way');
    assert.deepEqual(Array.from(s), Array.from(kernels.sumAxis(plain(c as Float32Array), 33, 21, 1)));
  });

  test('optimiser steps update pool-resident parameters and state in place, with no copies', () => {
    bp.setBackend('wasm');
    for (const make of [(p: bp.Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 }), (p: bp.Tensor[]) => new Adam(p, { lr: 0.01 })]) {
      bp.manualSeed(2);
      const w = bp.randn([300], { requiresGrad: true });
      const ref = new bp.Tensor(plain(w.data), [300], true);
      const g = bp.randn([300]);
      const o1 = make([w]);
      const o2 = make([ref]);
      w.grad = bp.zeros([300]); // a pool view
      w.grad.data.set(g.data);
      ref.grad = new bp.Tensor(plain(g.data), [300]);
      o1.step(); // the first step creates the state (in the pool)
      o2.step();
      resetCopyStats();
      o1.step();
      assert.deepEqual(copyStats(), { copiesIn: 0, bytesIn: 0, copiesOut: 0, bytesOut: 0 });
      o2.step();
      assert.deepEqual(Array.from(w.data), Array.from(ref.data));
    }
  });
});

test('over an unshared memory (or cpu) nothing lives in the wasm memory between calls', { skip: st.persistent && 'the wasm memory is shared here' }, () => {
  bp.setBackend('wasm');
  const a = bp.randn([8, 8]);
  assert.ok(!(a.data.buffer instanceof SharedArrayBuffer));
  resetCopyStats();
  const c = kernels.matmul(a.data, a.data, 8, 8, 8);
  assert.ok(!(c.buffer instanceof SharedArrayBuffer));
  assert.deepEqual(copyStats(), { copiesIn: 2, bytesIn: 512, copiesOut: 1, bytesOut: 256 });
});
