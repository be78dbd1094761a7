/**
 * Which backend runs: `setBackend(name)` in code, the BACKPROP_BACKEND environment variable, the
 * CLI's `--backend <name>`, or the default — the fastest backend that works here ('wasm' where
 * WebAssembly SIMD validates, else 'cpu'). Importing this module (src/index.ts and the CLI
 * do) makes 'wasm' known and applies BACKPROP_BACKEND.
 */
import { BackpropError } from '../errors.js';
import { isBackendAvailable, knownBackends, registerLazyBackend, selectBackend, whyUnavailable, type BackendSource } from './backend.js';
import { loadWasmBackend, WASM_UNAVAILABLE } from './wasm-declaration.js';

/** The environment variable that chooses the backend. */
export const BACKEND_ENV = 'BACKPROP_BACKEND';

/**
 * Whether the default is the fastest backend that works ('wasm' where WebAssembly SIMD runs)
 * rather than 'cpu'. The one switch the coordinator flips when the wasm backend is ready.
 */
export const PREFER_FASTEST = true;

/** Backends from fastest to slowest: the default takes the first that works. */
const BY_SPEED = ['wasm', 'cpu'];

registerLazyBackend('wasm', loadWasmBackend, WASM_UNAVAILABLE);

/** The default backend: the fastest that works when PREFER_FASTEST, else 'cpu'. */
export function defaultBackend(preferFastest: boolean = PREFER_FASTEST): string {
  if (!preferFastest) return 'cpu';
  return BY_SPEED.find((n) => isBackendAvailable(n)) ?? 'cpu';
}

/** A choice of backend and where it came from. */
export interface BackendChoice {
  name: string;
  source: BackendSource;
}

/**
 * The backend to use: an explicit name (a CLI flag) wins, then the environment variable, then the
 * default. Throws for an unknown name, listing the known ones, or one that cannot run here.
 */
export function chooseBackend(explicit?: string, env: Readonly<Record<string, string | undefined>> = processEnv(), preferFastest = PREFER_FASTEST): BackendChoice {
  const fromEnv = env[BACKEND_ENV]?.trim();
  const choice: BackendChoice = explicit !== undefined ? { name: explicit, source: 'flag' }
    : fromEnv ? { name: fromEnv, source: 'env' }
      : { name: defaultBackend(preferFastest), source: 'default' };
  const where = choice.source === 'flag' ? '--backend' : choice.source === 'env' ? BACKEND_ENV : 'default backend';
  if (!knownBackends().includes(choice.name)) {
    throw new BackpropError(`${where}: unknown backend '${choice.name}'; known backends: ${knownBackends().join(', ')}`);
  }
  const why = whyUnavailable(choice.name);
  if (why !== null) {
    throw new BackpropError(`${where}: backend '${choice.name}' is not available here (${why}); available: ${knownBackends().filter(isBackendAvailable).join(', ')}`);
  }
  return choice;
}

/** Chooses (as chooseBackend) and switches to the backend; returns the choice. */
export function applyBackendChoice(explicit?: string, env?: Readonly<Record<string, string | undefined>>): BackendChoice {
  const choice = chooseBackend(explicit, env);
  selectBackend(choice.name, choice.source);
  return choice;
}

/** The process environment, or nothing outside Node. */
function processEnv(): Readonly<Record<string, string | undefined>> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}

// At import: BACKPROP_BACKEND or the default. A bad value must not make `import 'backprop'` throw,
// so it warns and keeps cpu; the CLI checks the same variable again and exits with a usage error.
try {
  applyBackendChoice();
} catch (e) {
  const p = (globalThis as { process?: { emitWarning?: (m: string) => void } }).process;
  p?.emitWarning?.(`backprop: ${(e as Error).message}; using the cpu backend`);
}
