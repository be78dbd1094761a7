// The kernel registry v2: every backend accounts for every forward and backward kernel — natively or
// by an explicit cpu fallback — and registration refuses any gap; partial backends; describeBackend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { kernelRoles, knownBackends, isBackendAvailable, registerLazyBackend, whyUnavailable, type KernelName } from '../../src/kernels/backend.js';
import { WASM_FALLBACK, wasmFeatures } from '../../src/kernels/wasm-declaration.js';

/** Every kernel, by role. Adding a kernel means adding it here and to every backend's declaration. */
const FORWARD = [
  'binary', 'broadcastTo', 'unary', 'softplus', 'leakyRelu', 'elu', 'step', 'powScalar', 'clamp', 'affine',
  'binaryCrossEntropy', 'sumAll', 'sumAxis', 'extremeAxis', 'softmax', 'matmul', 'permute', 'sliceAxis',
  'indexSelect', 'gather', 'concat', 'conv2d', 'maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'batchNormStats',
  'batchNorm', 'recurrenceStep',
];
const BACKWARD = [
  'sumToShape', 'unaryGrad', 'softplusGrad', 'leakyReluGrad', 'eluGrad', 'powScalarGrad', 'clampGrad',
  'binaryCrossEntropyGrad', 'binaryCrossEntropyTargetGrad', 'expandAxis', 'scatterAxis', 'softmaxGrad',
  'unsliceAxis', 'indexAdd', 'scatterAdd', 'conv2dInputGrad', 'conv2dWeightGrad', 'conv2dBiasGrad',
  'maxPool2dGrad', 'avgPool2dGrad', 'adaptiveAvgPool2dGrad', 'batchNormGrad', 'recurrenceStepGrad',
];
const UPDATE = ['addInPlace', 'addRowInPlace', 'axpyInPlace', 'batchNormUpdateRunning', 'sgdStep', 'adamStep', 'rmspropStep'];

test('the kernel list: every forward, backward and update kernel, each in its role', () => {
  assert.deepEqual([...bp.kernelNames].sort(), [...FORWARD, ...BACKWARD, ...UPDATE].sort(), 'kernelNames differs from the list in this test');
  for (const k of FORWARD) assert.equal(kernelRoles[k as KernelName], 'forward', k);
  for (const k of BACKWARD) assert.equal(kernelRoles[k as KernelName], 'backward', k);
  for (const k of UPDATE) assert.equal(kernelRoles[k as KernelName], 'update', k);
});

test('every known backend accounts for every forward and backward kernel, natively or by declared fallback', () => {
  assert.ok(knownBackends().includes('cpu') && knownBackends().includes('wasm'));
  for (const name of bp.listBackends()) {
    const d = bp.describeBackend(name);
    assert.equal(d.name, name);
    const covered = [...d.native, ...d.fallback];
    for (const k of [...FORWARD, ...BACKWARD, ...UPDATE]) {
      assert.equal(covered.filter((c) => c === k).length, 1, `backend ${name}: kernel ${k} must be native or fallback, once`);
    }
    assert.ok(d.threads >= 1, `backend ${name}: threads ${d.threads}`);
  }
  const cpu = bp.describeBackend('cpu');
  assert.deepEqual(cpu.fallback, []);
  assert.equal(cpu.native.length, bp.kernelNames.length);
  assert.equal(cpu.threads, 1);
});

test('where the engine validates WebAssembly SIMD, the wasm backend loads (a bad declaration fails here, it does not skip)', { skip: !wasmFeatures().simd && 'no WebAssembly SIMD here' }, () => {
  assert.equal(isBackendAvailable('wasm'), true, whyUnavailable('wasm') ?? undefined);
});

test("the wasm backend's fallbacks are exactly its declared list", { skip: !wasmFeatures().simd && 'no WebAssembly SIMD here' }, () => {
  const d = bp.describeBackend('wasm');
  assert.ok(d.native.includes('matmul'), 'wasm implements matmul');
  assert.deepEqual([...d.fallback].sort(), [...WASM_FALLBACK].sort());
  assert.deepEqual(bp.missingKernels('wasm'), d.fallback);
});

test('registration refuses a backend that leaves a kernel unaccounted for, names it twice, or names no kernel', () => {
  const matmul = bp.cpuKernels.matmul;
  const rest = bp.kernelNames.filter((k) => k !== 'matmul');
  assert.throws(() => bp.registerBackend({ name: 'gappy', kernels: { matmul } }), (e: Error) => {
    assert.ok(e instanceof bp.BackpropError);
    assert.match(e.message, /backend 'gappy' lacks kernel\(s\) binary, broadcastTo.*list them in its fallback/);
    return true;
  });
  assert.throws(() => bp.registerBackend({ name: 'gappy', kernels: { matmul }, fallback: rest.filter((k) => k !== 'conv2dWeightGrad') }), /lacks kernel\(s\) conv2dWeightGrad:/);
  assert.throws(() => bp.registerBackend({ name: 'both', kernels: { matmul }, fallback: bp.kernelNames }), /matmul declared both native and fallback/);
  assert.throws(() => bp.registerBackend({ name: 'typo', kernels: { matmul }, fallback: [...rest, 'matmull' as KernelName] }), /no such kernel\(s\) matmull/);
  assert.throws(() => bp.registerBackend({ name: 'cpu', kernels: bp.cpuKernels }), /cannot be replaced/);
  assert.throws(() => bp.registerBackend({ name: 'no spaces', kernels: bp.cpuKernels }), /name must be a word/);
  assert.equal(bp.listBackends().includes('gappy'), false);
});

test('a partial backend runs its own kernels and the cpu kernels it declares as fallback', () => {
  let calls = 0;
  const matmul: bp.Kernels['matmul'] = (...args) => {
    calls++;
    return bp.cpuKernels.matmul(...args);
  };
  const before = bp.getBackend();
  bp.registerBackend({ name: 'counting', kernels: { matmul }, fallback: bp.kernelNames.filter((k) => k !== 'matmul'), threads: () => 3 });
  assert.ok(bp.missingKernels('counting').includes('softmax'));
  assert.deepEqual(bp.describeBackend('counting').native, ['matmul']);
  assert.equal(bp.describeBackend('counting').threads, 3);
  bp.setBackend('counting');
  try {
    assert.equal(bp.getBackend(), 'counting');
    assert.equal(bp.describeBackend().name, 'counting', 'describeBackend() describes the backend in use');
    const y = bp.matmul(bp.ones([2, 2]), bp.ones([2, 2]));
    assert.deepEqual(y.toArray(), [[2, 2], [2, 2]]);
    assert.equal(calls, 1);
    assert.deepEqual(bp.softmax(bp.zeros([2])).toArray(), [0.5, 0.5]);
  } finally {
    bp.setBackend(before);
  }
  bp.matmul(bp.ones([2, 2]), bp.ones([2, 2]));
  assert.equal(calls, 1, 'switching back restores the previous kernels');
});

test('unknown names fail clearly, listing the known backends', () => {
  assert.throws(() => bp.setBackend('nope'), (e: Error) => {
    assert.ok(e instanceof bp.BackpropError);
    assert.match(e.message, /unknown backend 'nope'; known backends: cpu, wasm/);
    return true;
  });
  assert.throws(() => bp.describeBackend('nope'), /unknown backend 'nope'/);
  assert.throws(() => bp.missingKernels('nope'), /unknown backend 'nope'/);
});

test('overrideKernel swaps one kernel until the next setBackend', () => {
  const before = bp.getBackend();
  let calls = 0;
  bp.overrideKernel('softmax', (...args) => {
    calls++;
    return bp.cpuKernels.softmax(...args);
  });
  try {
    bp.softmax(bp.zeros([3]));
    assert.equal(calls, 1);
  } finally {
    bp.setBackend(before);
  }
  bp.softmax(bp.zeros([3]));
  assert.equal(calls, 1);
});

test('registerKernel moves one kernel of a backend from cpu fallback to native, at once if it is in use', () => {
  const before = bp.getBackend();
  bp.registerBackend({ name: 'growing', kernels: {}, fallback: bp.kernelNames });
  assert.deepEqual(bp.describeBackend('growing').native, []);
  bp.setBackend('growing');
  try {
    let calls = 0;
    bp.registerKernel('growing', 'softmax', (...args) => {
      calls++;
      return bp.cpuKernels.softmax(...args);
    });
    assert.deepEqual(bp.describeBackend('growing').native, ['softmax']);
    assert.equal(bp.describeBackend('growing').fallback.includes('softmax'), false);
    bp.softmax(bp.zeros([2]));
    assert.equal(calls, 1, 'the backend in use runs the new kernel without a setBackend');
  } finally {
    bp.setBackend(before);
  }
  assert.throws(() => bp.registerKernel('cpu', 'matmul', bp.cpuKernels.matmul), /cpu kernels are the reference/);
  assert.throws(() => bp.registerKernel('growing', 'matmull' as KernelName, bp.cpuKernels.matmul), /no kernel named 'matmull'/);
  assert.throws(() => bp.registerKernel('nope', 'matmul', bp.cpuKernels.matmul), /unknown backend 'nope'/);
});

test('a lazy backend whose declaration has a gap is refused on first use, and the reason is kept', () => {
  registerLazyBackend('lazygap', () => ({ name: 'lazygap', kernels: { matmul: bp.cpuKernels.matmul } }), 'never shown');
  assert.throws(() => bp.setBackend('lazygap'), /backend 'lazygap' lacks kernel\(s\) binary/);
  assert.match(whyUnavailable('lazygap') ?? '', /lacks kernel\(s\) binary/);
  assert.equal(bp.listBackends().includes('lazygap'), false);
  registerLazyBackend('lazynull', () => null, 'no such hardware');
  assert.equal(whyUnavailable('lazynull'), 'no such hardware');
  assert.throws(() => bp.setBackend('lazynull'), /backend 'lazynull' is not available here: no such hardware; available: cpu/);
});
