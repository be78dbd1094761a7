/** Renders an explanation document as plain text for a terminal: aligned columns, numbers right-aligned. */
import type { DocTable, ExplainDocument } from './document.js';

const NUMERIC = /^-?[\d.]+(e[+-]?\d+)?$|^-?Infinity$|^NaN$/;

/** Characters as a terminal shows them (code points, not UTF-16 units). */
function width(s: string): number {
  return [...s].length;
}

function pad(cell: string, w: number): string {
  const gap = ' '.repeat(Math.max(0, w - width(cell)));
  return NUMERIC.test(cell) ? gap + cell : cell + gap;
}

/** One table as aligned lines under its caption. */
export function textTable(t: DocTable): string[] {
  const widths = t.header.map((h, c) => Math.max(width(h), ...t.rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, c) => pad(cell, widths[c])).join('  ')}`.trimEnd();
  return [`  ${t.caption}:`, line(t.header), `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`, ...t.rows.map(line)];
}

/** The whole document as terminal text. */
export function formatExplainTable(doc: ExplainDocument): string {
  const out: string[] = [doc.title, '═'.repeat(width(doc.title))];
  for (const s of doc.sections) {
    out.push('', s.title, '─'.repeat(width(s.title)));
    for (const b of s.blocks) {
      if (b.kind === 'text') out.push(b.text);
      else out.push(...textTable(b), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
