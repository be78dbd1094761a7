// The autograd engine under a backend that owns its storage (a pool over shared memory, as the
// wasm backend's): gradients equal the cpu backend's exactly, the gradient temporaries of a
// backward sweep go back to the pool at once (so a training step reuses them), a rule that passes
// its gradient through or returns views into it is handled, and a long synchronous fit keeps the
// pool bounded by its budgets while training exactly as on the cpu.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { record } from '../../src/autograd/graph.js';
import { Adam } from '../../src/optim/index.js';
import { registerPoolBackend } from '../kernels/pool-backend.js';
import { DEFAULT_BUDGET } from '../../src/kernels/wasm/storage.js';

const st = registerPoolBackend('pooltest');
const outer = bp.getBackend();
after(() => bp.setBackend(outer));

/** Runs fn under the named backend and comes back to the one in use before. */
function under<T>(name: string, fn: () => T): T {
  const prev = bp.getBackend();
  bp.setBackend(name);
  try {
    return fn();
  } finally {
    bp.setBackend(prev);
  }
}

/** One MLP forward/backward from a seed; the parameters' gradients. */
function mlpGrads(): number[][] {
  bp.manualSeed(3);
  const m = bp.mlp([20, 32, 16, 5]);
  const x = bp.randn([8, 20]);
  const y = bp.tensor([0, 1, 2, 3, 4, 0, 1, 2]);
  bp.crossEntropy(m.call(x), y).backward();
  return m.parameters().map((p) => Array.from((p.grad as bp.Tensor).data));
}

describe('gradient temporaries in the pool', () => {
  test('an MLP backward gives the cpu gradients exactly and returns every temporary block', () => {
    const ref = under('cpu', mlpGrads);
    const before = st.stats();
    const got = under('pooltest', mlpGrads);
    const s = st.stats();
    assert.deepEqual(got, ref);
    assert.ok(s.released - before.released >= 6, `released ${s.released - before.released}`);
    assert.equal(s.heldTemporaries, 0, 'no temporary block is still held after backward');
  });

  test('training steps reuse the same blocks: nothing new is carved after the first step', () => {
    under('pooltest', () => {
      bp.manualSeed(4);
      const m = bp.mlp([20, 32, 5]);
      const opt = new Adam(m.parameters(), { lr: 0.01 });
      const x = bp.randn([8, 20]);
      const y = bp.tensor([0, 1, 2, 3, 4, 0, 1, 2]);
      const step = () => {
        opt.zeroGrad();
        bp.crossEntropy(m.call(x), y).backward();
        opt.step();
      };
      step();
      step();
      const s0 = st.stats();
      for (let i = 0; i < 5; i++) step();
      const s = st.stats();
      // The backward temporaries (3 matmul products and 2 bias sums per step, plus the loss's
      // gradient) all return; the only new blocks are the forward outputs, still held by their
      // tensors (nothing is collected inside this synchronous test).
      assert.equal(s.released - s0.released, 5 * 6);
      assert.equal(s.carved - s0.carved, s.liveBlocks - s0.liveBlocks);
      assert.equal(s.heldTemporaries, 0);
    });
  });

  test('a rule that passes its gradient through or returns views into it never sees a reused block', () => {
    const run = () => {
      bp.manualSeed(5);
      const a = bp.randn([4, 6], { requiresGrad: true });
      const b = bp.randn([6, 6], { requiresGrad: true });
      const h = bp.matmul(a, b); // h's gradient will be a pool block (a matmul output)
      // split: the two halves' gradients are views into one incoming gradient
      const split = (x: bp.Tensor): [bp.Tensor, bp.Tensor] => {
        const l = new bp.Tensor(x.data.slice(0, 12), [2, 6]);
        const r = new bp.Tensor(x.data.slice(12), [2, 6]);
        record(l, 'left', [x], (dy) => {
          const g = new Float32Array(24);
          g.set(dy, 0);
          return [g];
        });
        record(r, 'right', [x], (dy) => {
          const g = new Float32Array(24);
          g.set(dy, 12);
          return [g];
        });
        return [l, r];
      };
      const y = bp.reshape(bp.matmul(h, b), [24]);
      const [l, r] = split(bp.reshape(y, [4, 6]));
      // a custom op whose backward returns two views of one fresh pool block
      const both = new bp.Tensor(new Float32Array(2), [2]);
      const ones = bp.ones([24, 1]);
      const pair = record(both, 'pair', [l, r], (dy) => {
        const g = bp.matmul(ones, new bp.Tensor(dy.slice(0, 1), [1, 1])).data; // 24 floats, a pool block under pooltest
        for (let i = 0; i < 24; i++) g[i] = (i + 1) * (dy[0] + 2 * dy[1]);
        return [g.subarray(0, 12), g.subarray(12)];
      });
      bp.sum(bp.mul(pair, bp.tensor([1, 3]))).backward();
      return [Array.from(a.grad!.data), Array.from(b.grad!.data)];
    };
    const ref = under('cpu', run);
    const got = under('pooltest', run);
    assert.deepEqual(got, ref);
    assert.equal(st.stats().heldTemporaries, 0);
  });
});

test('a long synchronous fit keeps the pool within its budgets and trains exactly as on the cpu', () => {
  const train = () => {
    bp.manualSeed(9);
    const x = bp.randn([256, 12]);
    const y = bp.tensor(Array.from({ length: 256 }, (_, i) => i % 3));
    const m = bp.mlp([12, 24, 3]);
    const h = bp.fit(m, { x, y }, { loss: 'crossEntropy', optimizer: new Adam(m.parameters(), { lr: 0.01 }), epochs: 25, batchSize: 16, progress: 'none' });
    return { loss: h.epochs.map((e) => e.loss), w: m.parameters().map((p) => Array.from(p.data)) };
  };
  const ref = under('cpu', train);
  const tensors = 256 * 1024;
  const temporaries = 64 * 1024;
  st.setBudgets({ tensors, temporaries });
  try {
    const carved0 = st.stats().carvedBytes;
    const got = under('pooltest', train); // 400 steps in one synchronous job: no finalizer runs
    const s = st.stats();
    assert.deepEqual(got, ref);
    assert.ok(s.refused > 0, 'the tensor budget was reached, so later tensors were ordinary arrays');
    assert.ok(s.heldTensors <= tensors);
    assert.equal(s.heldTemporaries, 0);
    assert.ok(s.carvedBytes - carved0 <= tensors + temporaries, `pool grew by ${s.carvedBytes - carved0} bytes`);
  } finally {
    st.setBudgets(DEFAULT_BUDGET);
  }
});
