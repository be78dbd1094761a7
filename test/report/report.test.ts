// The HTML report of `backprop train --report`: one self-contained file with the plots that apply to the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeReports, historyWithDiagnostics } from './runs.js';
import { assertWellFormedSvg } from '../plot/xml.js';
import { cli, tempFolder } from '../cli/harness.js';
import { renderReport } from '../../src/report/html.js';

const runs = makeReports();

/** Asserts the pattern occurs in a (long) page, naming only the pattern when it does not. */
function assertHas(html: string, pattern: RegExp): void {
  assert.ok(pattern.test(html), `no match for ${String(pattern)}`);
}

/** The inline SVGs of a report, keyed by their figure's id. */
function figures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure id="([\w-]+)" class="plot">\n(<svg[\s\S]*?<\/svg>)\n<figcaption>/g)) out.set(m[1], m[2]);
  return out;
}

test('each report shows exactly the plots that apply to its run, each a well-formed SVG', () => {
  for (const run of runs) {
    const html = readFileSync(run.path, 'utf8');
    const figs = figures(html);
    assert.deepEqual([...figs.keys()], run.figures, run.name);
    for (const [id, svg] of figs) {
      assertWellFormedSvg(svg);
      assert.match(svg, new RegExp(`data-plot="${id}"`), `${run.name}: ${id}`);
    }
  }
});

test('a report is self-contained: no scripts, no links, nothing fetched', () => {
  for (const run of runs) {
    const html = readFileSync(run.path, 'utf8');
    assertHas(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.ok(html.endsWith('</html>\n'), 'ends with </html>');
    assert.equal(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i.exec(html)?.[0], undefined, run.name);
    assertHas(html, /Content-Security-Policy" content="default-src 'none'/);
    // Written atomically: no temporary file is left beside it.
    assert.deepEqual(readdirSync(dirname(run.path)).filter((f) => f.endsWith('.tmp')), []);
  }
});

test('the report holds the config, the summary and the final metrics of the run', () => {
  const html = readFileSync(runs[0].path, 'utf8');
  assertHas(html, /<title>backprop run: circles<\/title>/);
  assertHas(html, /<th scope="row">data<\/th><td>circles, two concentric circles<\/td>/);
  assertHas(html, /<th scope="row">training<\/th><td>3 epoch\(s\), \d+ steps in/);
  assertHas(html, /<th scope="row">test accuracy<\/th><td>\d+\.\d\d %<\/td>/);
  assertHas(html, /&quot;name&quot;: &quot;circles&quot;/);
  assertHas(html, /<h2 id="diagnostics">Diagnostics<\/h2>/);
  assertHas(readFileSync(runs[1].path, 'utf8'), /No gradient-norm plot or diagnostics table: the run recorded no diagnostics\./);
  // The CNN's filters are its first convolution's: 6 filters of 1 × 5 × 5.
  const cnn = figures(readFileSync(runs[1].path, 'utf8'));
  assert.equal([...cnn.get('filters')!.matchAll(/<g class="tile"/g)].length, 6);
  assertHas(cnn.get('filters')!, /First convolution&#39;s filters \(6 × 1 × 5 × 5\)/);
});

test('with diagnostics: the gradient-norm plot and a table per layer', () => {
  const html = readFileSync(runs[3].path, 'utf8');
  const h = historyWithDiagnostics();
  assert.equal(h.diagnostics.length, 4);
  assertHas(html, /<th scope="row">first NaN\/Inf<\/th><td>op &#39;log&#39; \(forward\) in Sequential &gt; 2 \(Linear\)<\/td>/);
  const start = html.indexOf('<h2 id="diagnostics">Diagnostics</h2>');
  assert.ok(start > 0, 'a diagnostics section');
  const table = html.slice(start, html.indexOf('</table>', start));
  assert.deepEqual(table.split('\n').filter((l) => l.startsWith('<tr>')), [
    '<tr><th>layer or parameter</th><th>grad norm (step 10)</th><th>grad norm (step 40)</th><th>dead ReLU (last)</th><th>saturated (last)</th></tr>',
    '<tr><td>layers.0</td><td class="num">1.00e-4</td><td class="num">2.50e-5</td><td></td><td></td></tr>',
    '<tr><td>layers.1</td><td></td><td></td><td class="num">30.0 %</td><td class="num">0.0 %</td></tr>',
    '<tr><td>layers.2</td><td class="num">0.300</td><td class="num">0.300</td><td></td><td></td></tr>',
  ]);
});

test('renderReport escapes text everywhere', () => {
  const html = renderReport({ title: '<b>&', summary: [['a<', 'b>']], metrics: [], figures: [], tables: [], config: { s: '</pre><script>' }, notes: ['x & y'] });
  assert.doesNotMatch(html, /<b>|<script>|a<|b>/);
  assertHas(html, /&lt;\/pre&gt;&lt;script&gt;/);
  assertHas(html, /<li>x &amp; y<\/li>/);
});

test('--report without a file writes report.html in the run folder; the perceptron rule gets a note instead', () => {
  const dir = tempFolder('backprop-report-default-');
  const r = cli('train', '--preset', 'xor', '--epochs', '5', '--out', join(dir, 'xor'), '--progress', 'none', '--report');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`saved report: ${join(dir, 'xor', 'report.html')}`));
  assertHas(readFileSync(join(dir, 'xor', 'report.html'), 'utf8'), /id="decision-boundary"/);
  const p = cli('train', '--preset', 'and', '--out', join(dir, 'and'), '--progress', 'none', '--report');
  assert.equal(p.code, 0, p.err);
  assert.match(p.err, /--report is not written for the perceptron rule/);
});

test('backprop report <run folder> rebuilds the same report from the saved run', () => {
  for (const run of runs.slice(0, 2)) {
    const again = join(tempFolder('backprop-report-again-'), 'again.html');
    const r = cli('report', run.folder!, '--out', again);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `saved report: ${again}`);
    const strip = (html: string) => html.replace(/<p class="subtitle">Written [^<]*<\/p>/, '');
    assert.ok(strip(readFileSync(again, 'utf8')) === strip(readFileSync(run.path, 'utf8')), `${run.name}: the same report (but its date)`);
  }
  const missing = cli('report', join(tempFolder('backprop-report-none-'), 'nothing'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /report: no .*config\.json \(give the folder a train run wrote/);
});
