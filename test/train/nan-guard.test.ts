// The NaN guard: snapshots every `every` steps (and at epoch ends), restores the last snapshot
// confirmed by a finite loss, and optionally stops on a non-finite gradient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';

const weights = (m: bp.Module): number[][] => m.parameters().map((p) => Array.from(p.data));

/** 60 rows in batches of 1: 60 steps per epoch. */
function data(): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(7);
  return { x: bp.randn([60, 3]), y: bp.randn([60, 1]) };
}

/** Records the weights after every step (index k = after step k, 0 = initial) and poisons a weight after step `at`. */
function poisonAfter(m: bp.Module, at: number): { after: number[][][]; cb: bp.Callback } {
  const after: number[][][] = [weights(m)];
  return {
    after,
    cb: {
      onBatchEnd: (step) => {
        after.push(weights(m));
        if (step === at) m.parameters()[0].data[0] = NaN;
      },
    },
  };
}

for (const every of [25, 10]) {
  test(`every ${every}: a NaN loss at step 38 restores the weights after step ${every === 25 ? 25 : 30}, the last snapshot a finite loss confirmed`, () => {
    const d = data();
    bp.manualSeed(1);
    const m = bp.mlp([3, 4, 1]);
    const guard = new bp.NanGuard({ every });
    const { after, cb } = poisonAfter(m, 37);
    const h = bp.fit(m, d, { loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 1, progress: 'none', nanGuard: false, callbacks: [guard, cb] });
    assert.equal(h.stopReason, 'nonFinite');
    assert.equal(h.steps, 37, 'the NaN step is not counted');
    assert.match(h.message, /loss became NaN at step 38 \(epoch 1, batch 38\)/);
    const kept = every === 25 ? 25 : 30;
    assert.deepEqual(weights(m), after[kept]);
    // Copies: the starting weights, then after steps every, 2·every, … up to 37.
    assert.equal(guard.snapshots, 1 + Math.floor(37 / every));
    assert.equal(h.epochs.length, 0, 'the diverged epoch is not in the history');
  });
}

test('snapshots are taken every 25 steps and at each epoch end, not every step (2 epochs of 60 steps: 7 copies, not 120)', () => {
  const d = data();
  bp.manualSeed(1);
  const m = bp.mlp([3, 4, 1]);
  const guard = new bp.NanGuard();
  const h = bp.fit(m, d, { loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 1, progress: 'none', nanGuard: false, callbacks: [guard] });
  assert.equal(h.steps, 120);
  // start; steps 25, 50, 60 (epoch end), 85, 110, 120 (epoch end)
  assert.equal(guard.snapshots, 7);
});

test('the built-in guard is on by default and takes its options from fit (nanGuard: { every })', () => {
  const d = data();
  bp.manualSeed(1);
  const m = bp.mlp([3, 4, 1]);
  const { after, cb } = poisonAfter(m, 37);
  const h = bp.fit(m, d, { loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 1, progress: 'none', nanGuard: { every: 5 }, callbacks: [cb] });
  assert.equal(h.stopReason, 'nonFinite');
  assert.deepEqual(weights(m), after[35]);
});

test('nanGuard: false lets a NaN loss through (training runs on with NaN weights)', () => {
  const d = data();
  bp.manualSeed(1);
  const m = bp.mlp([3, 4, 1]);
  const { cb } = poisonAfter(m, 37);
  const h = bp.fit(m, d, { loss: 'mse', optimizer: new SGD(m.parameters(), { lr: 0.01 }), epochs: 1, batchSize: 1, progress: 'none', nanGuard: false, callbacks: [cb] });
  assert.equal(h.stopReason, 'epochs');
  assert.equal(h.steps, 60);
  assert.ok(Number.isNaN(h.epochs[0].loss));
});

test('checkGradients stops at the step whose gradient is NaN although its loss is finite, keeping the weights before it', () => {
  bp.manualSeed(2);
  const x = bp.randn([8, 2]);
  const y = bp.randn([8, 1]);
  const m = bp.mlp([2, 1]);
  const before = weights(m);
  // E = √(Σ(o − o)) = 0, finite; ∂E/∂o = (1/(2√0))·0 = ∞·0 = NaN.
  const loss = (o: bp.Tensor) => bp.sqrt(bp.sum(bp.sub(o, o)));
  const run = (checkGradients: boolean) => {
    m.parameters().forEach((p, i) => p.data.set(before[i]));
    return bp.fit(m, { x, y }, { loss, optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 3, batchSize: 4, progress: 'none', nanGuard: { checkGradients } });
  };
  const h = run(true);
  assert.equal(h.stopReason, 'nonFinite');
  assert.match(h.message, /gradient became NaN\/Inf at step 1 \(epoch 1, batch 1\)/);
  assert.equal(h.steps, 0);
  assert.deepEqual(weights(m), before);
  // Without the gradient check the NaN update is caught one step later, by the NaN loss it causes.
  const h2 = run(false);
  assert.equal(h2.stopReason, 'nonFinite');
  assert.match(h2.message, /loss became NaN at step 2/);
  assert.deepEqual(weights(m), before);
});
