// The browser entry stays browser-safe: its runtime module graph (types erased) imports no node:*
// module and no package, and its code touches no Node-only global. The same walk over the Node
// entry finds node:fs, so the check is not vacuous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { emittedCode, importGraph } from './import-graph.js';

/** Packages the browser graph may import (none today: everything is bundled in src/). */
const BROWSER_SAFE_PACKAGES: readonly string[] = [];

test('src/browser.ts imports no node:* module and no Node-only package', () => {
  const { files, externals } = importGraph('src/browser.ts');
  assert.ok(files.length > 100, `the walk reached only ${files.length} modules`);
  assert.ok(files.includes('src/kernels/wasm/index.ts'), 'the wasm backend is part of the browser graph');
  const bad = externals.filter((e) => !BROWSER_SAFE_PACKAGES.includes(e.specifier));
  assert.deepEqual(bad.map((e) => `${e.specifier} ← ${e.chain.join(' ← ')}`), []);
});

test('no module of the browser graph uses process, Buffer, require or __dirname directly', () => {
  const nodeGlobal = /(?<![\w.$])(process\s*\.|Buffer\b|require\s*\(|__dirname|__filename)/;
  const hits = importGraph('src/browser.ts').files.filter((f) => nodeGlobal.test(emittedCode(resolve(f))));
  assert.deepEqual(hits, []);
});

test('the walk sees node:fs and cli-progress in the Node entry (src/index.ts)', () => {
  const specs = new Set(importGraph('src/index.ts').externals.map((e) => e.specifier));
  assert.ok(specs.has('node:fs'));
  assert.ok(specs.has('cli-progress'));
});

test('type-only imports are not followed (fit-core.ts imports resume.ts only for types)', () => {
  const { files } = importGraph('src/train/fit-browser.ts');
  assert.ok(files.includes('src/train/fit-core.ts'));
  assert.ok(!files.includes('src/train/resume.ts'));
  assert.ok(!files.includes('src/io/checkpoint.ts'));
});
