/** Renders an explanation document as Markdown (GitHub tables). */
import type { DocTable, ExplainDocument } from './document.js';

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function markdownTable(t: DocTable): string[] {
  const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [`*${cell(t.caption)}*`, '', row(t.header), `|${t.header.map((_, i) => (i === 0 ? ' :--- |' : ' ---: |')).join('')}`, ...t.rows.map(row), ''];
}

/** The whole document as Markdown. */
export function formatExplainMarkdown(doc: ExplainDocument): string {
  const out: string[] = [`# ${doc.title}`];
  for (const s of doc.sections) {
    out.push('', `## ${s.title}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'text') out.push(cell(b.text), '');
      else out.push(...markdownTable(b));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
