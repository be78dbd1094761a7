// Builds dist/ from src/ with tsc, and marks the CLI entry executable. Plain Node, no dependencies,
// because `npm install /path/to/backprop` runs it (through `prepare`) in a checkout whose
// devDependencies are not installed: there it fetches the pinned TypeScript and @types packages
// into a temporary folder (from the npm cache when they are there) and compiles against those,
// so the consumer's project never gets them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = createRequire(join(root, 'package.json'))('./package.json');
const TOOLS = ['typescript', '@types/node', '@types/pngjs', '@types/cli-progress'];
const DEPS = Object.keys(pkg.dependencies ?? {});

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

/** Compiles with TypeScript and @types fetched into a temporary folder (versions as in devDependencies). */
function buildWithFetchedTools() {
  const tmp = mkdtempSync(join(tmpdir(), 'backprop-build-'));
  try {
    // The runtime dependencies too: npm runs `prepare` of a linked folder before installing them.
    const specs = [...TOOLS.map((name) => `${name}@${pkg.devDependencies[name]}`), ...DEPS.map((name) => `${name}@${pkg.dependencies[name]}`)];
    console.log(`backprop: devDependencies are not installed; fetching ${specs.join(', ')} to build dist/`);
    const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
    run(npm[0], [...npm[1], 'install', '--prefix', tmp, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error', ...specs], { env: { ...process.env, npm_config_global: 'false' } });
    // Packages are found through typeRoots (for "types": ["node"]) and paths (for `import … from 'pngjs'`):
    // a dependency's @types package when there is one, else the dependency itself (commander has its own types).
    const types = join(tmp, 'node_modules', '@types');
    const paths = Object.fromEntries(DEPS.map((d) => [d, [existsSync(join(types, d)) ? join(types, d) : join(tmp, 'node_modules', d)]]));
    const config = join(tmp, 'tsconfig.json');
    writeFileSync(config, JSON.stringify({ extends: join(root, 'tsconfig.build.json'), compilerOptions: { typeRoots: [types], paths } }));
    run(process.execPath, [join(tmp, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const tsc = localTsc();
if (tsc) run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
else buildWithFetchedTools();
if (!existsSync(join(root, 'dist', 'cli', 'bin.js'))) throw new Error('build: dist/cli/bin.js was not produced');
chmodSync(join(root, 'dist', 'cli', 'bin.js'), 0o755);
