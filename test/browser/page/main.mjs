// The test page's script: loads backprop through the import map ('backprop' → dist/browser.js),
// runs the checks and leaves the result (or the error) on globalThis.__backpropResult.
import * as bp from 'backprop';
import * as wasm from '/dist/kernels/wasm/instance.js';
import { runChecks, threadCheck } from './checks.mjs';

try {
  // The worker pool (src/kernels/wasm/pool.ts) where this build has one.
  const pool = await import('/dist/kernels/wasm/pool.js').catch(() => null);
  const result = runChecks(bp, wasm);
  result.big = await threadCheck(bp, wasm, pool);
  globalThis.__backpropResult = result;
} catch (e) {
  globalThis.__backpropResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
}
