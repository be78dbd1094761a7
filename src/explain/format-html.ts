/** Renders an explanation document as one self-contained HTML page (inline style, no scripts). */
import type { DocTable, ExplainDocument } from './document.js';

/** Text with &, <, >, " escaped for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}caption{text-align:left;font-style:italic;padding:.2em 0}
th,td{border:1px solid #ccc;padding:.25em .6em}td{text-align:right;font-family:ui-monospace,monospace}
th{background:#f3f3f3}td:first-child{text-align:left}.no{color:#b00;font-weight:bold}`;

function htmlTable(t: DocTable): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td${c === 'NO' ? ' class="no"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<table><caption>${escapeHtml(t.caption)}</caption>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The whole document as an HTML page. */
export function formatExplainHtml(doc: ExplainDocument): string {
  const body: string[] = [`<h1>${escapeHtml(doc.title)}</h1>`];
  for (const s of doc.sections) {
    body.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const b of s.blocks) body.push(b.kind === 'text' ? `<p>${escapeHtml(b.text)}</p>` : htmlTable(b));
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}
