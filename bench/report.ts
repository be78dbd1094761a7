/** bench/results.md and its sections: `npm run bench` rewrites the table, `npm run bench:memory` owns one section that the table run keeps. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The report file both bench scripts write. */
export const RESULTS_FILE = fileURLToPath(new URL('./results.md', import.meta.url));

/** Heading of the section written by bench/peak-memory.ts. */
export const MEMORY_HEADING = '## Peak memory of `backprop train` (the CLI default job)';

/** The current contents of results.md, or '' when there is none. */
export function readResults(): string {
  return existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
}

/** Start and end offsets of the section that begins with the line `heading`, up to the next `## ` heading or the end; null if absent. */
function findSection(text: string, heading: string): { start: number; end: number } | null {
  const lines = text.split('\n');
  let offset = 0;
  let start = -1;
  for (const line of lines) {
    if (start < 0 && line === heading) start = offset;
    else if (start >= 0 && line.startsWith('## ')) return { start, end: offset };
    offset += line.length + 1;
  }
  return start < 0 ? null : { start, end: text.length };
}

/** The section beginning with `heading` (heading line included, trailing blank lines trimmed), or '' when absent. */
export function getSection(text: string, heading: string): string {
  const at = findSection(text, heading);
  return at ? text.slice(at.start, at.end).trimEnd() : '';
}

/** `text` with the section beginning with `heading` replaced by `section` (which starts with that heading), or with it appended. */
export function putSection(text: string, heading: string, section: string): string {
  const at = findSection(text, heading);
  const body = `${section.trimEnd()}\n`;
  if (!at) return text.trim() === '' ? body : `${text.trimEnd()}\n\n${body}`;
  const before = text.slice(0, at.start);
  const after = text.slice(at.end);
  return `${before}${body}${after === '' ? '' : `\n${after}`}`;
}

/** Writes results.md. */
export function writeResults(text: string): void {
  writeFileSync(RESULTS_FILE, text);
}
