/** The README's copy of the latest full benchmark table, between two marker comments that `npm run bench` rewrites. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../src/io/atomic.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
/** The markers around the generated table in README.md. */
export const BENCH_START = '<!-- bench:start (written by npm run bench) -->';
export const BENCH_END = '<!-- bench:end -->';

/** `text` with the part between the bench markers replaced by `report`; unchanged (null) when the markers are missing. */
export function withBenchTable(text: string, report: string): string | null {
  const start = text.indexOf(BENCH_START);
  const end = text.indexOf(BENCH_END);
  if (start < 0 || end < start) return null;
  return `${text.slice(0, start + BENCH_START.length)}\n${report.trim()}\n${text.slice(end)}`;
}

/** Writes the report between README.md's bench markers (atomically); warns when they are missing. */
export function putReadmeTable(report: string): void {
  const text = existsSync(README) ? readFileSync(README, 'utf8') : '';
  const next = withBenchTable(text, report);
  if (next === null) {
    process.stderr.write(`[bench] README.md has no ${BENCH_START} … ${BENCH_END} markers; table not copied there\n`);
    return;
  }
  writeFileAtomicSync(README, next);
}
