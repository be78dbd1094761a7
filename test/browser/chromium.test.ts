// backprop in headless Chromium: dist/browser.js (run `npm run build` first) served over
// 127.0.0.1 and loaded as ES modules through an import map, once with plain headers (not
// cross-origin isolated: no SharedArrayBuffer, so the wasm backend runs one thread on unshared
// memory) and once with COOP/COEP (isolated: shared memory). Each page checks the default backend,
// matmul against hand-computed and triple-loop results, and a small MLP trained by fit under
// 'wasm' and 'cpu'; the test compares those with each other, between the two pages and with Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import * as bp from '../../src/browser.js';
import * as wasm from '../../src/kernels/wasm/instance.js';
import { PREFER_FASTEST } from '../../src/kernels/select.js';
// @ts-expect-error: plain JavaScript served to the page as is (no declaration file)
import { runChecks } from './page/checks.mjs';
import { startServer } from './server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Whether this build has the worker pool (threads in an isolated page). */
const POOL = existsSync('src/kernels/wasm/pool.ts');
const SKIP = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH to run the browser tests)`;

interface Run {
  backend: string;
  matmul: { small: number[][]; maxDiff: number };
  mlp: { loss: number; accuracy: number; logits: number[]; curves: { parsed: boolean | null; lines: number } };
}
interface PageResult {
  error?: string;
  crossOriginIsolated: boolean | null;
  sharedArrayBuffer: boolean;
  defaultBackend: string;
  backends: string[];
  wasm: { variant: string; shared: boolean; unshared: string | null; threads: number; native: number };
  runs: Record<'wasm' | 'cpu', Run>;
  big: { first: number; second: number; workers: number; threads: number };
}

let browser: Browser | undefined;
const pages: Partial<Record<'plain' | 'isolated', PageResult>> = {};

/** Loads the test page from a server with or without COOP/COEP; fails on any console error or page error. */
async function loadPage(isolated: boolean): Promise<PageResult & { webWorkers: number }> {
  if (!browser) throw new Error('no browser');
  const server = await startServer(isolated);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // A build without the worker pool lacks /dist/kernels/wasm/pool.js: the page expects that 404.
    const expected = (url: string): boolean => !POOL && url.endsWith('/dist/kernels/wasm/pool.js');
    page.on('requestfailed', (r) => { if (!expected(r.url())) problems.push(`request failed: ${r.url()}`); });
    page.on('response', (r) => { if (r.status() >= 400 && !expected(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    page.on('console', (m) => { if (m.type() === 'error' && !expected(m.location().url)) problems.push(`console.error: ${m.text()}`); });
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => (globalThis as unknown as { __backpropResult?: unknown }).__backpropResult !== undefined, undefined, { timeout: 240_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { __backpropResult: unknown }).__backpropResult) as PageResult;
    assert.equal(result.error, undefined, result.error);
    assert.deepEqual(problems, []);
    return { ...result, webWorkers: page.workers().length };
  } finally {
    await context.close();
    await server.close();
  }
}

/** The largest absolute difference between two equally long arrays. */
function maxDiff(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** What every page must show, isolated or not; `note` records the figures in the test output. */
function checkCommon(r: PageResult, note: (line: string) => void): void {
  const d0 = maxDiff(r.runs.wasm.mlp.logits, r.runs.cpu.mlp.logits);
  note(`wasm ${r.wasm.variant}, shared ${r.wasm.shared}, threads ${r.wasm.threads}; MLP loss wasm ${r.runs.wasm.mlp.loss.toExponential(3)} cpu ${r.runs.cpu.mlp.loss.toExponential(3)}; logits wasm−cpu max ${d0.toExponential(2)}`);
  assert.equal(r.defaultBackend, PREFER_FASTEST ? 'wasm' : 'cpu', 'the default backend is the one select.ts picks');
  assert.ok(r.backends.includes('wasm') && r.backends.includes('cpu'), `backends: ${r.backends.join(', ')}`);
  assert.ok(r.wasm.native > 0, 'the wasm backend has native kernels');
  for (const name of ['wasm', 'cpu'] as const) {
    const run = r.runs[name];
    assert.equal(run.backend, name);
    assert.deepEqual(run.matmul.small, [[58, 64], [139, 154]]);
    assert.equal(run.matmul.maxDiff, 0, `${name}: 65×47·47×33 integer matmul equals the triple loop`);
    assert.ok(run.mlp.loss < 0.02, `${name}: final training loss ${run.mlp.loss} < 0.02`);
    assert.equal(run.mlp.accuracy, 1, `${name}: training accuracy`);
    assert.equal(run.mlp.curves.parsed, true, `${name}: plotCurves(history) is an SVG document the browser parses`);
    assert.ok(run.mlp.curves.lines > 0, `${name}: the curves plot draws lines`);
  }
  // The wasm matmul sums in another order (and with fused multiply-adds in the relaxed build), so
  // 40 epochs of Adam drift in the last float32 bits: logits within 1e-4 of cpu's (measured: 3e-6).
  const d = maxDiff(r.runs.wasm.mlp.logits, r.runs.cpu.mlp.logits);
  assert.ok(d < 1e-4, `wasm vs cpu logits differ by ${d}`);
}

before(async () => {
  if (SKIP) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});

after(async () => {
  await browser?.close();
});

test('plain headers: not cross-origin isolated, the wasm backend runs on one thread with unshared memory', { skip: SKIP, timeout: 300_000 }, async (t) => {
  const r = await loadPage(false);
  pages.plain = r;
  assert.equal(r.crossOriginIsolated, false);
  assert.equal(r.sharedArrayBuffer, false);
  assert.equal(r.wasm.shared, false);
  assert.match(r.wasm.unshared ?? '', /not cross-origin isolated/);
  assert.equal(r.wasm.threads, 1);
  assert.deepEqual([r.big.first, r.big.second, r.big.workers, r.webWorkers], [0, 0, 0, 0], '256³ product exact, no workers');
  checkCommon(r, (line) => t.diagnostic(line));
});

test('COOP + COEP: cross-origin isolated, the wasm backend gets shared memory', { skip: SKIP, timeout: 300_000 }, async (t) => {
  const r = await loadPage(true);
  pages.isolated = r;
  assert.equal(r.crossOriginIsolated, true);
  assert.equal(r.sharedArrayBuffer, true);
  assert.equal(r.wasm.shared, true);
  assert.equal(r.wasm.unshared, null);
  // With the worker pool (src/kernels/wasm/pool.ts) an isolated page runs more than one thread.
  t.diagnostic(`pool ${POOL}: threads ${r.wasm.threads}, pool workers ${r.big.workers}, Web Workers ${r.webWorkers}; 256³ product − triple loop: ${r.big.first} then ${r.big.second}`);
  if (POOL) {
    assert.ok(r.wasm.threads > 1, `threads ${r.wasm.threads}`);
    assert.equal(r.big.workers, r.wasm.threads - 1, 'the pool started a worker per extra thread');
    assert.equal(r.webWorkers, r.big.workers, 'as Web Workers of the page');
  } else assert.equal(r.wasm.threads, 1);
  assert.equal(r.big.first, 0, '256³ integer product equals the triple loop (workers starting)');
  assert.equal(r.big.second, 0, '256³ integer product equals the triple loop (workers running)');
  checkCommon(r, (line) => t.diagnostic(line));
});

test('the isolated and plain pages train to the same predictions, and cpu matches Node', { skip: SKIP, timeout: 300_000 }, (t) => {
  const { plain, isolated } = pages;
  assert.ok(plain && isolated, 'both pages ran');
  assert.equal(plain.wasm.variant, isolated.wasm.variant);
  assert.deepEqual(isolated.runs.cpu.mlp.logits, plain.runs.cpu.mlp.logits);
  // One thread each way until the pool lands; with threads the split could reorder sums.
  assert.ok(maxDiff(isolated.runs.wasm.mlp.logits, plain.runs.wasm.mlp.logits) < 1e-4);
  const node = runChecks(bp, wasm) as PageResult;
  // The cpu kernels are the same JavaScript on the same engine family (V8): the same numbers.
  const d = maxDiff(plain.runs.cpu.mlp.logits, node.runs.cpu.mlp.logits);
  t.diagnostic(`cpu logits browser−Node max ${d.toExponential(2)}; wasm logits browser (${plain.wasm.variant}) − Node (${node.wasm.variant}) max ${maxDiff(plain.runs.wasm.mlp.logits, node.runs.wasm.mlp.logits).toExponential(2)}`);
  assert.ok(d < 1e-5, `browser vs Node cpu logits differ by ${d}`);
  assert.equal(node.runs.cpu.mlp.curves.lines, plain.runs.cpu.mlp.curves.lines, 'as many curves in Node as in the browser');
});
