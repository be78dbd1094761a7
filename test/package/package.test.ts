// Installing backprop from a fresh checkout into another project: scripts/check-package.sh clones
// HEAD, runs `npm install <clone>` in a consumer (from the npm cache when it can), and checks ESM
// import, CommonJS require, the .d.ts under a strict consumer tsconfig, and the `backprop` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SKIP = 77;

test('package.json: ESM and CommonJS entries, types first, no devDependency needed by prepare', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, Record<string, string>>; scripts: Record<string, string>; files: string[] };
  assert.deepEqual(Object.keys(pkg.exports['.']), ['source', 'browser', 'types', 'import', 'require']);
  assert.deepEqual(pkg.exports['./browser'], { source: './src/browser.ts', types: './dist/browser.d.ts', default: './dist/browser.js' });
  assert.equal(pkg.exports['.'].require, './cjs/index.cjs');
  assert.equal(pkg.scripts.prepare, 'npm run build');
  assert.equal(pkg.scripts.build, 'node scripts/build.mjs');
  assert.deepEqual(pkg.files, ['dist', 'cjs', 'data', 'README.md']);
});

test('npm install of a fresh clone works from another project: import, require, types, command', { timeout: 300_000 }, (t) => {
  const r = spawnSync('bash', ['scripts/check-package.sh'], { encoding: 'utf8', timeout: 290_000 });
  if (r.status === SKIP) {
    t.skip(`npm could not reach the registry or its cache: ${r.stdout.trim().split('\n').at(-1)}`);
    return;
  }
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /import ok: sum 10, mlp\(\[2, 3, 1\]\) has 13 parameters/);
  assert.match(r.stdout, /corpus ok: loadText read 74570 characters from the installed package/);
  assert.match(r.stdout, /require ok: mean 2, \d+ exports/);
  assert.match(r.stdout, /types ok/);
  assert.match(r.stdout, /backprop --version: \d+\.\d+\.\d+/);
  assert.match(r.stdout, /all checks passed/);
  assert.doesNotMatch(r.stderr, /ExperimentalWarning/);
});
