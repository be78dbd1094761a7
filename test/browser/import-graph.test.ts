// The browser entry stays browser-safe: its runtime module graph (types erased) imports no node:*
// module and no package, and its code touches no Node-only global. The same walk over the Node
// entry finds node:fs, so the check is not vacuous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importGraph, nodeGlobalUses } from './import-graph.js';

/** Packages the browser graph may import (none today: everything is bundled in src/). */
const BROWSER_SAFE_PACKAGES: readonly string[] = [];

test('src/browser.ts imports no node:* module and no Node-only package', () => {
  const { files, externals } = importGraph('src/browser.ts');
  assert.ok(files.length > 100, `the walk reached only ${files.length} modules`);
  assert.ok(files.includes('src/kernels/wasm/index.ts'), 'the wasm backend is part of the browser graph');
  const bad = externals.filter((e) => !BROWSER_SAFE_PACKAGES.includes(e.specifier));
  assert.deepEqual(bad.map((e) => `${e.specifier} ← ${e.chain.join(' ← ')}`), []);
});

test('no module of the browser graph reads process, Buffer, require or __dirname unguarded', () => {
  const hits = importGraph('src/browser.ts').files.flatMap((f) => nodeGlobalUses(resolve(f)).map((h) => `${f}: ${h}`));
  assert.deepEqual(hits, [], 'read them as globalThis.process?.… (or behind typeof) so a browser gets undefined');
});

test('the Node-global check sees a bare process.env and ignores guarded and quoted uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-graph-'));
  try {
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, "export const a = process.env.X;\nexport const b = Buffer.from('x');\n");
    assert.deepEqual(nodeGlobalUses(bad), ['process at line 1', 'Buffer at line 2']);
    const ok = join(dir, 'ok.ts');
    writeFileSync(ok, "export const a = globalThis.process?.env;\nexport const b = typeof process;\nexport const c = `main(process.argv)`;\n");
    assert.deepEqual(nodeGlobalUses(ok), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
