// The kernel registry: every backend provides every forward and backward kernel; kernels can be swapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';

test('every registered backend implements every forward and backward kernel', () => {
  assert.ok(bp.kernelNames.length >= 30);
  for (const name of ['matmul', 'softmax', 'softmaxGrad', 'sumToShape', 'unaryGrad', 'scatterAdd'] as const) {
    assert.ok(bp.kernelNames.includes(name), `${name} is listed`);
  }
  for (const b of bp.listBackends()) {
    assert.deepEqual(bp.missingKernels(b), [], `backend ${b} lacks kernels`);
  }
});

test('a partial backend falls back to cpu kernels and reports what it lacks', () => {
  let calls = 0;
  const matmul: bp.Kernels['matmul'] = (...args) => {
    calls++;
    return bp.cpuKernels.matmul(...args);
  };
  bp.registerBackend({ name: 'counting', kernels: { matmul } });
  assert.ok(bp.missingKernels('counting').includes('softmax'));
  bp.setBackend('counting');
  try {
    assert.equal(bp.getBackend(), 'counting');
    const y = bp.matmul(bp.ones([2, 2]), bp.ones([2, 2]));
    assert.deepEqual(y.toArray(), [[2, 2], [2, 2]]);
    assert.equal(calls, 1);
    assert.deepEqual(bp.softmax(bp.zeros([2])).toArray(), [0.5, 0.5]);
  } finally {
    bp.setBackend('cpu');
  }
  assert.throws(() => bp.setBackend('nope'), bp.BackpropError);
});
