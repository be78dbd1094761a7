// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Node 20's `--test` does not expand globs itself, so the files are listed here. Output is the
// spec reporter; a TAP copy is read back to print one plain closing line: "N passed, N failed".
//
//   node scripts/run-tests.mjs [substring…] [--backend <name>] [--conformance] [--node-flag=<flag>…]
// --backend runs the tests under that kernel backend (it sets BACKPROP_BACKEND for them; a test
// checks the backend really is in use). --conformance keeps only the conformance subset: gradient
// checks, PyTorch-parity fixtures, kernels, ops, losses, optimisers and training tests.
// --node-flag passes a flag to node for every test process (e.g. --experimental-wasm-relaxed-simd).
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

/** Substrings of the test files every backend must pass (npm run test:backends runs them under each). */
const CONFORMANCE = [
  'test/kernels/', 'test/ops/', 'test/parity/', 'test/autograd/', 'test/losses/', 'test/optim/', 'test/train/',
  'test/nn/', 'test/models/', 'test/regressions/core', 'gradcheck', 'torch', 'parity', '-train',
];

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Splits argv into file substrings and options (--backend <name> or --backend=<name>, --conformance). */
function parseArgs(argv) {
  const filter = [];
  let backend;
  let conformance = false;
  const nodeFlags = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') {
      backend = argv[++i];
      if (!backend || backend.startsWith('-')) {
        console.error('run-tests: --backend needs a name (cpu, wasm)');
        process.exit(2);
      }
    } else if (a.startsWith('--backend=')) backend = a.slice('--backend='.length);
    else if (a === '--conformance') conformance = true;
    else if (a.startsWith('--node-flag=')) nodeFlags.push(a.slice('--node-flag='.length));
    else filter.push(a);
  }
  return { filter, backend, conformance, nodeFlags };
}

const { filter, backend, conformance, nodeFlags } = parseArgs(process.argv.slice(2));
let files = find('test');
if (conformance) files = files.filter((f) => CONFORMANCE.some((s) => f.split('\\').join('/').includes(s)));
if (filter.length > 0) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  // node --test with no files would discover every *.test.* and *.mjs under test/ by itself (browser pages included).
  console.error(`no test file matches ${filter.map((s) => JSON.stringify(s)).join(' or ')}${conformance ? ' in the conformance subset' : ''}`);
  process.exit(1);
}
const env = { ...process.env };
if (backend !== undefined) env.BACKPROP_BACKEND = backend;
if (env.BACKPROP_BACKEND) console.log(`backend: ${env.BACKPROP_BACKEND} (BACKPROP_BACKEND)`);
const tmp = mkdtempSync(join(tmpdir(), 'backprop-tests-'));
const tap = join(tmp, 'report.tap');
const res = spawnSync(
  process.execPath,
  [
    // select.ts applies BACKPROP_BACKEND in every test process, even one that imports no src/index.ts.
    '--conditions=source', '--import', 'tsx', '--import', pathToFileURL(resolve('src/kernels/select.ts')).href,
    '--expose-gc', ...nodeFlags, '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit', env },
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
const under = [backend && `backend ${backend}`, ...nodeFlags].filter(Boolean).join(', ');
if (summary) console.log(under ? `${summary} (${under})` : summary);
process.exit(res.status ?? 1);
