// The test page's script: loads backprop through the import map ('backprop' → dist/browser.js),
// runs the checks and leaves the result (or the error) on globalThis.__backpropResult.
import * as bp from 'backprop';
import * as wasm from '/dist/kernels/wasm/instance.js';
import { runChecks } from './checks.mjs';

try {
  globalThis.__backpropResult = runChecks(bp, wasm);
} catch (e) {
  globalThis.__backpropResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
}
