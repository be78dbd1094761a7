// `npm run test:backends`: the conformance subset of the tests (gradient checks, PyTorch-parity
// fixtures, kernels, ops, losses, optimisers, training) under every backend that runs here, one
// after the other; a backend that cannot run here (no WebAssembly SIMD) is reported, not failed.
// Extra arguments (file substrings) narrow the subset: `npm run test:backends -- gradcheck`.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const listing = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e',
    "const k = await import('./src/kernels/select.ts'); const b = await import('./src/kernels/backend.ts');" +
    " console.log(JSON.stringify(b.knownBackends().map((n) => [n, b.isBackendAvailable(n)])));"],
  { encoding: 'utf8', env: { ...process.env, BACKPROP_BACKEND: '' } },
);
if (listing.status !== 0) {
  process.stderr.write(listing.stderr);
  process.exit(1);
}
/** @type {[string, boolean][]} */
const known = JSON.parse(listing.stdout.trim().split('\n').pop());
const results = [];
for (const [name, available] of known) {
  if (!available) {
    results.push(`${name}: not available here (skipped)`);
    continue;
  }
  console.log(`\n=== backend ${name} ===`);
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ['scripts/run-tests.mjs', '--backend', name, '--conformance', ...extra], { stdio: 'inherit' });
  results.push(`${name}: ${res.status === 0 ? 'passed' : `FAILED (exit ${res.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (res.status !== 0) process.exitCode = 1;
}
console.log(`\nconformance by backend:\n  ${results.join('\n  ')}`);
