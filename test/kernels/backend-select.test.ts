// Choosing the backend: setBackend, BACKPROP_BACKEND, a CLI flag, and the default behind PREFER_FASTEST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { getBackendSource } from '../../src/kernels/backend.js';
import { BACKEND_ENV, PREFER_FASTEST, chooseBackend, defaultBackend, applyBackendChoice } from '../../src/kernels/select.js';
import { wasmFeatures } from '../../src/kernels/wasm-declaration.js';

// Skip only where the engine has no WebAssembly SIMD; where it has, a wasm backend that fails to
// load is a failure (backend.test.ts), not a reason to skip.
const wasm = wasmFeatures().simd;

test('the backend in use is the one BACKPROP_BACKEND names (so a conformance run really runs it)', () => {
  const wanted = process.env[BACKEND_ENV]?.trim();
  if (wanted) {
    assert.equal(bp.getBackend(), wanted, `${BACKEND_ENV}=${wanted} but the tests run on ${bp.getBackend()}`);
    assert.equal(getBackendSource(), 'env');
  } else {
    assert.equal(bp.getBackend(), defaultBackend());
    assert.equal(getBackendSource(), 'default');
  }
});

test("the default is 'cpu' until PREFER_FASTEST flips it; then the fastest that works", () => {
  assert.equal(defaultBackend(), PREFER_FASTEST ? (wasm ? 'wasm' : 'cpu') : 'cpu');
  assert.equal(defaultBackend(false), 'cpu');
  assert.equal(defaultBackend(true), wasm ? 'wasm' : 'cpu');
});

test('a flag beats the environment variable, which beats the default', () => {
  assert.deepEqual(chooseBackend(undefined, {}, false), { name: 'cpu', source: 'default' });
  assert.deepEqual(chooseBackend(undefined, { [BACKEND_ENV]: ' cpu ' }, true), { name: 'cpu', source: 'env' }, 'the variable can say otherwise than the default');
  assert.deepEqual(chooseBackend('cpu', { [BACKEND_ENV]: 'wasm' }), { name: 'cpu', source: 'flag' });
  assert.deepEqual(chooseBackend(undefined, { [BACKEND_ENV]: '' }, false), { name: 'cpu', source: 'default' }, 'an empty variable is unset');
  if (wasm) {
    assert.deepEqual(chooseBackend(undefined, { [BACKEND_ENV]: 'wasm' }, false), { name: 'wasm', source: 'env' });
    assert.deepEqual(chooseBackend(undefined, {}, true), { name: 'wasm', source: 'default' });
  }
});

test('unknown names from the flag or the variable fail clearly, listing the known ones', () => {
  assert.throws(() => chooseBackend('gpu', {}), (e: Error) => {
    assert.ok(e instanceof bp.BackpropError);
    assert.match(e.message, /^--backend: unknown backend 'gpu'; known backends: cpu, wasm/);
    return true;
  });
  assert.throws(() => chooseBackend(undefined, { [BACKEND_ENV]: 'WASM' }), /BACKPROP_BACKEND: unknown backend 'WASM'; known backends: cpu, wasm/);
});

test('applyBackendChoice switches the kernels and records where the choice came from', { skip: !wasm && 'no WebAssembly SIMD here' }, () => {
  const before = bp.getBackend();
  try {
    assert.deepEqual(applyBackendChoice('wasm', {}), { name: 'wasm', source: 'flag' });
    assert.equal(bp.getBackend(), 'wasm');
    assert.equal(getBackendSource(), 'flag');
    // the wasm matmul (float32 accumulation) agrees with cpu within float32 rounding
    const a = bp.randn([17, 33]);
    const b = bp.randn([33, 9]);
    const y = bp.matmul(a, b).data;
    bp.setBackend('cpu');
    assert.equal(getBackendSource(), 'setBackend');
    const z = bp.matmul(a, b).data;
    for (let i = 0; i < y.length; i++) assert.ok(Math.abs(y[i] - z[i]) <= 1e-5 * (1 + Math.abs(z[i])), `element ${i}: ${y[i]} vs ${z[i]}`);
  } finally {
    bp.setBackend(before);
  }
});
