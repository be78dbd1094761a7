// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Node 20's `--test` does not expand globs itself, so the files are listed here. Output is the
// spec reporter; a TAP copy is read back to print one plain closing line: "N passed, N failed".
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('test');
if (filter.length > 0) files = files.filter((f) => filter.some((s) => f.includes(s)));
const tmp = mkdtempSync(join(tmpdir(), 'backprop-tests-'));
const tap = join(tmp, 'report.tap');
const res = spawnSync(
  process.execPath,
  [
    '--conditions=source', '--import', 'tsx', '--expose-gc', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
let summary = '';
try {
  const text = readFileSync(tap, 'utf8');
  const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  summary = `${count('pass')} passed, ${count('fail') + count('cancelled')} failed` + (count('skipped') ? `, ${count('skipped')} skipped` : '');
} catch {
  summary = '';
}
rmSync(tmp, { recursive: true, force: true });
if (summary) console.log(summary);
process.exit(res.status ?? 1);
