/**
 * A training run's report as one self-contained HTML page: inline CSS and inline SVG only (no
 * scripts, no fonts, no images or styles fetched), so it opens the same anywhere, offline.
 */
import { escapeXml } from '../plot/svg.js';

/** A figure of the report: an inline SVG with a caption. */
export interface ReportFigure {
  /** A short id (becomes the figure's id attribute), e.g. 'curves'. */
  id: string;
  title: string;
  svg: string;
  caption?: string;
}

/** A table: a header row and rows of cells (text, escaped when written). */
export interface ReportTable {
  title: string;
  head: readonly string[];
  rows: readonly (readonly string[])[];
  caption?: string;
}

/** Everything the report page shows. */
export interface ReportContent {
  title: string;
  /** Lines under the title, e.g. when and how the run was made. */
  subtitle?: string;
  /** Key–value pairs of the run's summary (data, model, steps, time, why it stopped). */
  summary: readonly (readonly [string, string])[];
  /** Key–value pairs of the final metrics. */
  metrics: readonly (readonly [string, string])[];
  figures: readonly ReportFigure[];
  tables: readonly ReportTable[];
  /** The run's configuration, shown as JSON. */
  config: unknown;
  /** Remarks, e.g. plots that do not apply to this run and why. */
  notes: readonly string[];
}

const CSS = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; color: #222; background: #fafafa; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; background: white; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
td.num { text-align: right; }
figure { margin: 16px 0; padding: 8px; background: white; border: 1px solid #e4e4e4; display: inline-block; max-width: 100%; overflow-x: auto; }
figure svg { display: block; max-width: none; }
figcaption { color: #555; font-size: 0.9em; margin-top: 6px; max-width: 760px; }
pre { background: white; border: 1px solid #e4e4e4; padding: 8px; overflow-x: auto; font-size: 0.85em; }
.notes li { color: #555; }
`;

function keyValueTable(rows: readonly (readonly [string, string])[]): string {
  return `<table>\n${rows.map(([k, v]) => `<tr><th scope="row">${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('\n')}\n</table>`;
}

function table(t: ReportTable): string {
  const isNum = (s: string): boolean => /^[-+]?[\d.]+(e[-+]?\d+)?( %)?$/i.test(s);
  const head = `<tr>${t.head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  // The first column names the row (a layer called "1" is a name, not a number).
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 && isNum(c) ? ' class="num"' : ''}>${escapeXml(c)}</td>`).join('')}</tr>`);
  return [`<h3>${escapeXml(t.title)}</h3>`, `<table class="report-table">`, head, ...rows, '</table>', t.caption ? `<p class="subtitle">${escapeXml(t.caption)}</p>` : ''].join('\n');
}

function figure(f: ReportFigure): string {
  return [`<figure id="${escapeXml(f.id)}" class="plot">`, f.svg, `<figcaption><strong>${escapeXml(f.title)}.</strong>${f.caption ? ` ${escapeXml(f.caption)}` : ''}</figcaption>`, '</figure>'].join('\n');
}

/** The report as a complete HTML document (inline CSS and SVG, nothing loaded from elsewhere). */
export function renderReport(r: ReportContent): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No requests of any kind: inline styles and images only.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(r.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(r.title)}</h1>`,
    r.subtitle ? `<p class="subtitle">${escapeXml(r.subtitle)}</p>` : '',
    '<h2 id="summary">Summary</h2>',
    keyValueTable(r.summary),
    '<h2 id="metrics">Final metrics</h2>',
    r.metrics.length ? keyValueTable(r.metrics) : '<p>none recorded</p>',
    '<h2 id="plots">Plots</h2>',
    ...r.figures.map(figure),
  ];
  if (r.tables.length) parts.push('<h2 id="diagnostics">Diagnostics</h2>', ...r.tables.map(table));
  if (r.notes.length) parts.push('<h2 id="notes">Notes</h2>', `<ul class="notes">${r.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>`);
  parts.push('<h2 id="config">Configuration</h2>', `<pre>${escapeXml(JSON.stringify(r.config, null, 2))}</pre>`, '</body>', '</html>');
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}
