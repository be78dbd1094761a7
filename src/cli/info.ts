/**
 * `backprop info` on a tensor file rather than a saved model: a training checkpoint (epoch,
 * step, optimiser, the model's tensors and parameter count) or any `.safetensors` file (each
 * tensor's name, dtype and shape, with the file's metadata). And `backprop info --backend`: the
 * kernel backend in use, its native kernels, its cpu fallbacks and its threads.
 */
import { existsSync } from 'node:fs';
import { readFileChecked } from '../io/read.js';
import { decodeSafetensors, type SafetensorsContents } from '../io/safetensors.js';
import { decodeCheckpoint, type LoadedCheckpoint } from '../io/checkpoint.js';
import { describeBackend, getBackendSource, isBackendAvailable, kernelNames, knownBackends, type BackendSource } from '../kernels/backend.js';
import { BACKEND_ENV, PREFER_FASTEST } from '../kernels/select.js';
import { wasmFeatures } from '../kernels/wasm-declaration.js';
import { wasmThreads } from '../kernels/wasm/index.js';

const CHECKPOINT_FORMAT = 'backprop.checkpoint';

/** The lines `backprop info` prints for a checkpoint or bare .safetensors file; null for a saved model's weights (its .json is beside it). */
export function tensorFileInfo(path: string): string[] | null {
  if (!/\.safetensors$/i.test(path)) return null;
  const bytes = readFileChecked(path);
  const st = decodeSafetensors(bytes, path);
  if (st.metadata.format === CHECKPOINT_FORMAT) return checkpointLines(path, st, decodeCheckpoint(bytes, path));
  if (existsSync(path.replace(/\.safetensors$/i, '.json'))) return null;
  return safetensorsLines(path, st);
}

function shapeOf(st: SafetensorsContents, name: string): string {
  return `[${st.tensors[name].shape.join(', ')}]`;
}

/** One line per tensor: name, dtype, shape. */
function tensorLines(st: SafetensorsContents, names: string[], strip = ''): string[] {
  const width = Math.max(24, ...names.map((n) => n.length - strip.length + 2));
  return names.map((n) => `  ${n.slice(strip.length).padEnd(width)} ${st.dtypes[n].padEnd(4)} ${shapeOf(st, n)}`);
}

function count(st: SafetensorsContents, names: string[]): number {
  return names.reduce((n, k) => n + st.tensors[k].size, 0);
}

function safetensorsLines(path: string, st: SafetensorsContents): string[] {
  const names = Object.keys(st.tensors);
  const lines = [`safetensors file ${path}: ${names.length} tensor(s), ${count(st, names)} values`, ...tensorLines(st, names)];
  if (Object.keys(st.metadata).length > 0) lines.push(`metadata: ${JSON.stringify(st.metadata)}`);
  return lines;
}

/** "SGD (lr 0.1, momentum 0.9, …)" from an optimiser state dict, or a note when it has none. */
function optimizerLine(opt: unknown): string {
  if (typeof opt !== 'object' || opt === null || Array.isArray(opt)) return 'optimizer: none saved';
  const o = opt as { optimizer?: unknown; paramGroups?: unknown };
  const name = typeof o.optimizer === 'string' ? o.optimizer : 'unknown';
  const groups = Array.isArray(o.paramGroups) ? o.paramGroups : [];
  const hyper = groups.map((g) => (typeof g === 'object' && g !== null ? Object.entries(g) : [['group', g] as const])
    .filter(([k]) => k !== 'params')
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', '));
  return `optimizer: ${name}${hyper.length ? ` (${hyper.join('; ')})` : ''}`;
}

/** The last epoch's logged metrics, if the history has any. */
function lastEpochLine(history: unknown): string[] {
  const epochs = (history as { epochs?: unknown } | null)?.epochs;
  if (!Array.isArray(epochs) || epochs.length === 0) return [];
  return [`last epoch: ${JSON.stringify(epochs[epochs.length - 1])}`];
}

function checkpointLines(path: string, st: SafetensorsContents, ckpt: LoadedCheckpoint): string[] {
  const names = Object.keys(st.tensors);
  const model = names.filter((n) => n.startsWith('model.'));
  const rest = names.filter((n) => !n.startsWith('model.'));
  return [
    `checkpoint ${path}`,
    `epoch: ${ckpt.epoch}, step: ${ckpt.step ?? '?'}`,
    optimizerLine(ckpt.optimizer),
    ...lastEpochLine(ckpt.history),
    `parameters: ${count(st, model)} in ${model.length} tensor(s)`,
    ...tensorLines(st, model, 'model.'),
    ...(rest.length ? [`other tensors (optimiser state, …): ${rest.length}, ${count(st, rest)} values`, ...tensorLines(st, rest)] : []),
  ];
}

/** How each way of choosing a backend reads in `backprop info --backend`. */
const SOURCE_WORDS: Record<BackendSource, string> = {
  default: `the default${PREFER_FASTEST ? ': the fastest that works here' : ''}; set ${BACKEND_ENV} or --backend to change it`,
  env: `chosen by ${BACKEND_ENV}`,
  flag: 'chosen by --backend',
  setBackend: 'chosen by setBackend()',
};

/** Why the wasm backend runs on one thread when it does (empty otherwise or for other backends). */
function threadsNote(backend: string): string {
  const reason = backend === 'wasm' ? wasmThreads().reason : undefined;
  return reason ? ` (${reason})` : '';
}

/** The lines of `backprop info --backend`: the backend in use, its threads, native kernels and cpu fallbacks, and the others. */
export function backendInfoLines(): string[] {
  const d = describeBackend();
  const features = wasmFeatures();
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `backend: ${d.name} (${SOURCE_WORDS[getBackendSource()]})`,
    `threads: ${d.threads}${threadsNote(d.name)}`,
    `native kernels (${d.native.length} of ${kernelNames.length}): ${d.native.length === kernelNames.length ? 'all' : d.native.join(', ') || 'none'}`,
    `cpu fallback (${d.fallback.length}): ${d.fallback.join(', ') || 'none'}`,
    `backends: ${knownBackends().map((n) => (isBackendAvailable(n) ? n : `${n} (not available here)`)).join(', ')}`,
    `WebAssembly: SIMD ${yes(features.simd)}, relaxed SIMD ${yes(features.relaxedSimd)}`,
  ];
}
