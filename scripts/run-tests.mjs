// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Node 20's `--test` does not expand globs itself, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
const res = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--expose-gc', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
