// The reports rendered by a real browser: headless Chromium (Debian's package, driven by
// playwright-core) opens each one and finds no console errors, no page errors, no requests
// leaving the file, and every expected plot drawn at a non-zero size. Skipped, saying why,
// when Chromium is not installed (CHROMIUM_PATH, else /usr/bin/chromium).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { makeReports } from './runs.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

test('each report renders in headless Chromium without errors, with every plot drawn', { skip, timeout: 180_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const runs = makeReports();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    for (const run of runs) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('request', (r) => { if (r.url() !== pathToFileURL(run.path).href) problems.push(`request: ${r.url()}`); });
      const response = await page.goto(pathToFileURL(run.path).href, { waitUntil: 'load' });
      assert.ok(response === null || response.ok(), `${run.name}: the page loads`);
      assert.match(await page.title(), /^backprop run: /);
      const ids = await page.locator('figure.plot').evaluateAll((figs) => figs.map((f) => f.id));
      assert.deepEqual(ids, run.figures, `${run.name}: the figures`);
      for (const id of run.figures) {
        const svg = page.locator(`figure#${id} > svg`);
        assert.equal(await svg.count(), 1, `${run.name}: one <svg> in figure ${id}`);
        const box = await svg.boundingBox();
        assert.ok(box && box.width > 50 && box.height > 50, `${run.name}: ${id} is drawn with a size (${JSON.stringify(box)})`);
        // The browser's own XML parser accepts the plot as a standalone SVG document.
        const xmlError = await svg.evaluate((el) => {
          const doc = new DOMParser().parseFromString(new XMLSerializer().serializeToString(el), 'image/svg+xml');
          return doc.querySelector('parsererror')?.textContent ?? null;
        });
        assert.equal(xmlError, null, `${run.name}: ${id} parses as SVG`);
      }
      // The curves' lines are drawn with a size too.
      const line = await page.locator('figure#curves polyline.series').first().boundingBox();
      assert.ok(line && line.width > 0, `${run.name}: the training curve is drawn`);
      assert.deepEqual(problems, [], run.name);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
