// The CLI's backend choice: --backend <name> on any command, BACKPROP_BACKEND, and `backprop info --backend`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, tempFolder } from '../cli/harness.js';
import { getBackend, kernelNames } from '../../src/kernels/backend.js';
import { WASM_FALLBACK, wasmFeatures } from '../../src/kernels/wasm-declaration.js';
import { defaultBackend } from '../../src/kernels/select.js';

// Skip only where the engine has no WebAssembly SIMD; where it has, a wasm backend that fails to
// load is a failure (backend.test.ts), not a reason to skip.
const wasm = wasmFeatures().simd;
const dir = tempFolder('backprop-backend-cli-');

/** Runs fn with BACKPROP_BACKEND set to value (or unset), then puts the variable back. */
function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.BACKPROP_BACKEND;
  if (value === undefined) delete process.env.BACKPROP_BACKEND;
  else process.env.BACKPROP_BACKEND = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.BACKPROP_BACKEND;
    else process.env.BACKPROP_BACKEND = saved;
  }
}

test('backprop info --backend: the backend in use, how it was chosen, threads, native kernels and fallbacks', () => {
  const r = withEnv(undefined, () => cli('info', '--backend'));
  assert.equal(r.code, 0, r.err);
  // The default is the fastest backend that works here: wasm where WebAssembly SIMD runs.
  const name = defaultBackend();
  assert.equal(name, wasm ? 'wasm' : 'cpu');
  assert.match(r.out, new RegExp(`^backend: ${name} \\(the default: the fastest that works here; set BACKPROP_BACKEND or --backend to change it\\)$`, 'm'));
  assert.match(r.out, /^backends: cpu, wasm/m);
  assert.match(r.out, /^WebAssembly: SIMD (yes|no), relaxed SIMD (yes|no)$/m);
  const c = cli('info', '--backend', 'cpu');
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /^threads: 1$/m);
  assert.match(c.out, new RegExp(`^native kernels \\(${kernelNames.length} of ${kernelNames.length}\\): all$`, 'm'));
  assert.match(c.out, /^cpu fallback \(0\): none$/m);
});

test('info --backend wasm, or BACKPROP_BACKEND=wasm, describes the wasm backend; the CLI puts the backend back after', { skip: !wasm && 'no WebAssembly SIMD here' }, () => {
  const before = getBackend();
  const r = cli('info', '--backend', 'wasm');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^backend: wasm \(chosen by --backend\)$/m);
  assert.match(r.out, /^native kernels \(\d+ of \d+\): .*matmul/m);
  assert.match(r.out, new RegExp(`^cpu fallback \\(${WASM_FALLBACK.length}\\): ${WASM_FALLBACK[0]}, `, 'm'));
  assert.equal(getBackend(), before);
  const e = withEnv('wasm', () => cli('info', '--backend'));
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^backend: wasm \(chosen by BACKPROP_BACKEND\)$/m);
  const flagWins = withEnv('wasm', () => cli('info', '--backend', 'cpu'));
  assert.match(flagWins.out, /^backend: cpu \(chosen by --backend\)$/m);
});

test('train, eval and predict take --backend (before or after the command) and give the same answers', { skip: !wasm && 'no WebAssembly SIMD here' }, () => {
  const runs: Record<string, string> = {};
  for (const backend of ['cpu', 'wasm']) {
    const out = join(dir, `xor-${backend}`);
    const r = cli('train', '--preset', 'xor', '--epochs', '300', '--progress', 'none', '--out', out, '--backend', backend);
    assert.equal(r.code, 0, r.err);
    const ev = cli('--backend', backend, 'eval', out);
    assert.equal(ev.code, 0, ev.err);
    const pr = cli('predict', out, '--backend', backend, '--input', '[[0,1],[1,1]]');
    assert.equal(pr.code, 0, pr.err);
    runs[backend] = pr.out;
  }
  // float32 rounding may differ between the matmul kernels; the predicted classes may not.
  const classes = (s: string) => [...s.matchAll(/class (\d)/g)].map((m) => m[1]);
  assert.deepEqual(classes(runs.wasm), classes(runs.cpu));
});

test('bad backend names are usage errors (exit 2) that list the known backends', () => {
  let r = cli('train', '--preset', 'xor', '--backend', 'gpu');
  assert.equal(r.code, 2);
  assert.match(r.err, /--backend: unknown backend 'gpu'; known backends: cpu, wasm/);
  r = cli('train', '--preset', 'xor', '--backend');
  assert.equal(r.code, 2);
  assert.match(r.err, /--backend needs a name: cpu, wasm/);
  r = withEnv('gpu', () => cli('eval', join(dir, 'none')));
  assert.equal(r.code, 2);
  assert.match(r.err, /BACKPROP_BACKEND: unknown backend 'gpu'; known backends: cpu, wasm/);
  r = cli('info', '--backend', 'runs/xor/model.json');
  assert.equal(r.code, 2);
  assert.match(r.err, /put --backend last: backprop info runs\/xor\/model.json --backend/);
  r = cli('info');
  assert.equal(r.code, 2);
  assert.match(r.err, /info: give a saved model.*or --backend/);
});
