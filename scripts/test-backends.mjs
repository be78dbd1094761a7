// `npm run test:backends`: the conformance subset of the tests (gradient checks, PyTorch-parity
// fixtures, kernels, ops, layers, losses, optimisers, models, training) under every backend that
// runs here, one after the other; a backend that cannot run here (no WebAssembly SIMD) is reported,
// not failed. Where the engine has relaxed SIMD only behind a V8 flag (Node 20), wasm runs twice:
// plain SIMD, and with the flag, so the fused multiply-add build is checked too.
// Extra arguments (file substrings) narrow the subset: `npm run test:backends -- gradcheck`.
import { spawnSync } from 'node:child_process';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const extra = process.argv.slice(2);

/** The known backends, whether each runs here, and the wasm features, as seen by node with `flags`. */
function probe(flags) {
  const r = spawnSync(
    process.execPath,
    [...flags, '--conditions=source', '--import', 'tsx', '--input-type=module', '-e',
      "await import('./src/kernels/select.ts'); const b = await import('./src/kernels/backend.ts');" +
      " const w = await import('./src/kernels/wasm-declaration.ts');" +
      ' console.log(JSON.stringify({ known: b.knownBackends().map((n) => [n, b.isBackendAvailable(n)]), features: w.wasmFeatures() }));'],
    { encoding: 'utf8', env: { ...process.env, BACKPROP_BACKEND: '' } },
  );
  if (r.status !== 0) return { error: r.stderr };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const plain = probe([]);
if (plain.error) {
  process.stderr.write(plain.error);
  process.exit(1);
}
const runs = [];
for (const [name, available] of plain.known) {
  if (!available) runs.push({ name, skip: 'not available here' });
  else runs.push({ name, flags: [] });
  if (name === 'wasm' && available && !plain.features.relaxedSimd) {
    const withFlag = probe([RELAXED_FLAG]);
    if (!withFlag.error && withFlag.features.relaxedSimd) runs.push({ name, flags: [RELAXED_FLAG], label: 'wasm (relaxed SIMD)' });
  }
}
const results = [];
for (const r of runs) {
  const label = r.label ?? r.name;
  if (r.skip) {
    results.push(`${label}: ${r.skip} (skipped)`);
    continue;
  }
  console.log(`\n=== backend ${label} ===`);
  const t0 = Date.now();
  const args = ['scripts/run-tests.mjs', '--backend', r.name, '--conformance', ...r.flags.map((f) => `--node-flag=${f}`), ...extra];
  const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
  results.push(`${label}: ${res.status === 0 ? 'passed' : `FAILED (exit ${res.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (res.status !== 0) process.exitCode = 1;
}
console.log(`\nconformance by backend:\n${results.map((l) => `  ${l}`).join('\n')}`);
