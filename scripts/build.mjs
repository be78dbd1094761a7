// Builds dist/ from src/ with tsc, and marks the CLI entry executable. Plain Node, no dependencies,
// because `npm install /path/to/backprop` runs it (through `prepare`) in a checkout whose
// devDependencies are not installed: there it fetches the pinned TypeScript and @types packages
// into a temporary folder (from the npm cache when they are there) and compiles against those,
// so the consumer's project never gets them.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = createRequire(join(root, 'package.json'))('./package.json');
/** The runtime dependencies src/ imports as modules (their types are needed to compile). */
const DEPS = Object.keys(pkg.dependencies ?? {}).filter((d) => imported(join(root, 'src'), d));

function imported(dir, name) {
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory()
    ? imported(join(dir, e.name), name)
    : e.name.endsWith('.ts') && readFileSync(join(dir, e.name), 'utf8').includes(`from '${name}'`)));
}

/** The compiler, Node's types, and the @types packages of those dependencies (versions from devDependencies). */
const TOOLS = ['typescript', '@types/node', ...DEPS.map((d) => `@types/${d}`).filter((t) => t in pkg.devDependencies)];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** tsc from the checkout's own node_modules (a developer's `npm install`), or null. */
function localTsc() {
  try {
    const req = createRequire(join(root, 'package.json'));
    req.resolve('@types/node/package.json');
    return req.resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/** How to run npm: the one running this script (npm_execpath), else `npm` on the PATH. */
function npmCommand() {
  return process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
}

/** The declaration file an ES-module import of the package in `dir` gets. */
function typesEntry(dir) {
  const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const dot = typeof p.exports === 'object' && p.exports !== null ? p.exports['.'] ?? {} : {};
  const file = dot.import?.types ?? dot.types ?? p.types ?? p.typings ?? 'index.d.ts';
  return join(dir, file);
}

/** Compiles with TypeScript and @types fetched into a temporary folder (versions as in devDependencies). */
function buildWithFetchedTools() {
  const tmp = mkdtempSync(join(tmpdir(), 'backprop-build-'));
  try {
    const specs = TOOLS.map((name) => `${name}@${pkg.devDependencies[name]}`);
    console.log(`backprop: devDependencies are not installed; fetching ${specs.join(', ')} to build dist/`);
    const npm = npmCommand();
    run(npm[0], [...npm[1], 'install', '--prefix', tmp, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error', ...specs], { env: { ...process.env, npm_config_global: 'false' } });
    // The fetched types are found through typeRoots (for "types": ["node"]) and paths (for
    // `import … from 'pngjs'`); dependencies with their own types (commander) resolve as usual.
    const types = join(tmp, 'node_modules', '@types');
    const paths = Object.fromEntries(DEPS.filter((d) => existsSync(join(types, d))).map((d) => [d, [typesEntry(join(types, d))]]));
    const config = join(tmp, 'tsconfig.json');
    writeFileSync(config, JSON.stringify({ extends: join(root, 'tsconfig.build.json'), compilerOptions: { typeRoots: [types], paths } }));
    run(process.execPath, [join(tmp, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** True when the runtime dependencies are installed beside the checkout. */
function hasDependencies() {
  const req = createRequire(join(root, 'package.json'));
  return Object.keys(pkg.dependencies ?? {}).every((d) => {
    try {
      req.resolve(`${d}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
}

const tsc = localTsc();
if (tsc) run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
else {
  // `npm install /path/to/checkout` links the folder without installing its dependencies there,
  // so dist/ could not find them at run time: install them (not the devDependencies) first.
  if (!hasDependencies()) {
    console.log('backprop: installing its runtime dependencies into the checkout');
    run(npmCommand()[0], [...npmCommand()[1], 'install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  }
  buildWithFetchedTools();
}
if (!existsSync(join(root, 'dist', 'cli', 'bin.js'))) throw new Error('build: dist/cli/bin.js was not produced');
chmodSync(join(root, 'dist', 'cli', 'bin.js'), 0o755);
