/**
 * The kernel registry (v2). Every numeric loop the ops call goes through `kernels`, so a faster
 * backend (WebAssembly SIMD, threads) can replace any kernel. A backend declares which kernels it
 * implements natively and, by name, which it leaves to the cpu kernels; registration refuses one
 * that leaves a kernel unaccounted for. `setBackend` switches every op at once, `overrideKernel`
 * one kernel. Which backend starts in use (BACKPROP_BACKEND, the default) is decided in select.ts.
 */
import * as elementwise from './cpu/elementwise.js';
import * as reduce from './cpu/reduce.js';
import * as layout from './cpu/layout.js';
import * as mm from './cpu/matmul.js';
import * as optim from './cpu/optim.js';
import * as conv from './cpu/conv.js';
import * as pool from './cpu/pool.js';
import * as batchnorm from './cpu/batchnorm.js';
import * as recurrence from './cpu/recurrence.js';
import { BackpropError } from '../errors.js';

/** Forward kernels: what a forward pass calls. */
const forwardKernels = {
  binary: elementwise.binary,
  broadcastTo: elementwise.broadcastTo,
  unary: elementwise.unary,
  softplus: elementwise.softplus,
  leakyRelu: elementwise.leakyRelu,
  elu: elementwise.elu,
  step: elementwise.step,
  powScalar: elementwise.powScalar,
  clamp: elementwise.clamp,
  affine: elementwise.affine,
  binaryCrossEntropy: elementwise.binaryCrossEntropy,
  sumAll: reduce.sumAll,
  sumAxis: reduce.sumAxis,
  extremeAxis: reduce.extremeAxis,
  softmax: reduce.softmax,
  matmul: mm.matmul,
  permute: layout.permute,
  sliceAxis: layout.sliceAxis,
  indexSelect: layout.indexSelect,
  gather: layout.gather,
  concat: layout.concat,
  conv2d: conv.conv2d,
  maxPool2d: pool.maxPool2d,
  avgPool2d: pool.avgPool2d,
  adaptiveAvgPool2d: pool.adaptiveAvgPool2d,
  batchNormStats: batchnorm.batchNormStats,
  batchNorm: batchnorm.batchNorm,
  recurrenceStep: recurrence.recurrenceStep,
};

/** Backward kernels: what the backward rules call. */
const backwardKernels = {
  sumToShape: elementwise.sumToShape,
  unaryGrad: elementwise.unaryGrad,
  softplusGrad: elementwise.softplusGrad,
  leakyReluGrad: elementwise.leakyReluGrad,
  eluGrad: elementwise.eluGrad,
  powScalarGrad: elementwise.powScalarGrad,
  clampGrad: elementwise.clampGrad,
  binaryCrossEntropyGrad: elementwise.binaryCrossEntropyGrad,
  binaryCrossEntropyTargetGrad: elementwise.binaryCrossEntropyTargetGrad,
  expandAxis: reduce.expandAxis,
  scatterAxis: reduce.scatterAxis,
  softmaxGrad: reduce.softmaxGrad,
  unsliceAxis: layout.unsliceAxis,
  indexAdd: layout.indexAdd,
  scatterAdd: layout.scatterAdd,
  conv2dInputGrad: conv.conv2dInputGrad,
  conv2dWeightGrad: conv.conv2dWeightGrad,
  conv2dBiasGrad: conv.conv2dBiasGrad,
  maxPool2dGrad: pool.maxPool2dGrad,
  avgPool2dGrad: pool.avgPool2dGrad,
  adaptiveAvgPool2dGrad: pool.adaptiveAvgPool2dGrad,
  batchNormGrad: batchnorm.batchNormGrad,
  recurrenceStepGrad: recurrence.recurrenceStepGrad,
};

/** Accumulation (gradients into gradients) and in-place optimiser updates. */
const updateKernels = {
  addInPlace: elementwise.addInPlace,
  addRowInPlace: elementwise.addRowInPlace,
  axpyInPlace: elementwise.axpyInPlace,
  batchNormUpdateRunning: batchnorm.batchNormUpdateRunning,
  sgdStep: optim.sgdStep,
  adamStep: optim.adamStep,
  rmspropStep: optim.rmspropStep,
};

/** The portable TypeScript kernels: the reference every other backend is checked against. */
export const cpuKernels = Object.freeze({ ...forwardKernels, ...backwardKernels, ...updateKernels });

/** The full set of kernels a backend provides. */
export type Kernels = { -readonly [K in keyof typeof cpuKernels]: (typeof cpuKernels)[K] };
/** The name of one kernel. */
export type KernelName = keyof Kernels;
/** What a kernel is for: a forward pass, a backward rule, or accumulation / an optimiser update. */
export type KernelRole = 'forward' | 'backward' | 'update';

/** Names of all kernels, forward and backward, that every backend must provide. */
export const kernelNames = Object.keys(cpuKernels) as KernelName[];

/** The role of every kernel, from the group it is listed in above. */
export const kernelRoles: Readonly<Record<KernelName, KernelRole>> = Object.freeze(Object.fromEntries([
  ...Object.keys(forwardKernels).map((k) => [k, 'forward']),
  ...Object.keys(backwardKernels).map((k) => [k, 'backward']),
  ...Object.keys(updateKernels).map((k) => [k, 'update']),
]) as Record<KernelName, KernelRole>);

/**
 * A named set of kernels. Every kernel name must be accounted for: implemented natively in
 * `kernels`, or listed in `fallback` (run by the cpu kernel). Registration refuses a backend that
 * leaves a kernel unaccounted for, so no backend lacks a forward or backward kernel silently.
 */
export interface Backend {
  /** The name `setBackend`, BACKPROP_BACKEND and `--backend` take. */
  name: string;
  /** The kernels this backend implements itself. */
  kernels: Partial<Kernels>;
  /** The kernels it leaves to the cpu kernels, named one by one (omit only when `kernels` is complete). */
  fallback?: readonly KernelName[];
  /** Worker threads its kernels use (a number, or a function read when asked); 1 when omitted. */
  threads?: number | (() => number);
  /** Memory it owns for new tensors (omitted: ordinary arrays). */
  storage?: BackendStorage;
}

/**
 * Storage a backend owns (the wasm backend's pool): arrays for new tensors in its own memory, and
 * a way for the autograd engine to hand back the gradient temporaries only it has seen.
 */
export interface BackendStorage {
  /** A zeroed float32 array of n elements in the backend's memory, or null (use an ordinary array). */
  alloc(n: number): Float32Array | null;
  /** A stamp: blocks handed out from now on are newer than it. */
  mark(): number;
  /** The block holding x (x may be a view inside it) when it was handed out after `mark`, else -1. */
  blockSince(x: Float32Array | Float64Array, mark: number): number;
  /** Returns a block nobody can still read (its owner proves it) to the backend. */
  release(block: number): void;
  /** Runs fn with its allocations counted as temporaries, which the caller releases. */
  transient<T>(fn: () => T): T;
}

/** What a backend implements, what it leaves to cpu, and how many threads it uses. */
export interface BackendDescription {
  name: string;
  /** Kernels it implements itself. */
  native: KernelName[];
  /** Kernels it declares as run by the cpu kernels. */
  fallback: KernelName[];
  threads: number;
}

/** How the backend in use was chosen. */
export type BackendSource = 'default' | 'env' | 'flag' | 'setBackend';

/** A known backend: registered, or to be loaded on first use (null from `load`: unavailable here). */
interface Entry {
  backend: Backend | null;
  load?: () => Backend | null;
  /** Why a backend whose load returned null cannot run here. */
  unavailable?: string;
}

const cpuBackend: Backend = { name: 'cpu', kernels: cpuKernels, fallback: [], threads: 1 };
const registry = new Map<string, Entry>([['cpu', { backend: cpuBackend }]]);
let current = 'cpu';
let source: BackendSource = 'default';
let currentStorage: BackendStorage | null = null;

/** The kernels in use. Ops call `kernels.x(…)`; the object is updated in place by setBackend. */
export const kernels: Kernels = { ...cpuKernels };

/** Throws unless `backend` accounts for every kernel exactly once (native or declared fallback). */
function checkDeclaration(backend: Backend): void {
  const where = `backend '${backend.name}'`;
  if (typeof backend.name !== 'string' || !/^[a-z][\w-]*$/i.test(backend.name)) {
    throw new BackpropError(`registerBackend: name must be a word such as 'wasm', got ${JSON.stringify(backend.name)}`);
  }
  const known = new Set<string>(kernelNames);
  const native = Object.keys(backend.kernels);
  const fallback = backend.fallback ?? [];
  const unknown = [...native, ...fallback].filter((k) => !known.has(k));
  if (unknown.length) throw new BackpropError(`${where}: no such kernel(s) ${unknown.join(', ')} (kernel names: ${kernelNames.join(', ')})`);
  const notFunctions = native.filter((k) => typeof backend.kernels[k as KernelName] !== 'function');
  if (notFunctions.length) throw new BackpropError(`${where}: kernel(s) ${notFunctions.join(', ')} must be functions`);
  const both = fallback.filter((k) => native.includes(k));
  if (both.length) throw new BackpropError(`${where}: ${both.join(', ')} declared both native and fallback; remove them from fallback`);
  const twice = fallback.filter((k, i) => fallback.indexOf(k) !== i);
  if (twice.length) throw new BackpropError(`${where}: fallback lists ${[...new Set(twice)].join(', ')} more than once`);
  const missing = kernelNames.filter((k) => !native.includes(k) && !fallback.includes(k));
  if (missing.length) {
    throw new BackpropError(`${where} lacks kernel(s) ${missing.join(', ')}: implement them, or list them in its fallback to run the cpu kernels`);
  }
}

/** Makes a backend available to `setBackend`; throws if it leaves any kernel unaccounted for. */
export function registerBackend(backend: Backend): void {
  checkDeclaration(backend);
  if (backend.name === 'cpu') throw new BackpropError("registerBackend: 'cpu' is the reference backend and cannot be replaced");
  registry.set(backend.name, { backend: own(backend) });
  if (current === backend.name) {
    Object.assign(kernels, cpuKernels, backend.kernels);
    currentStorage = backend.storage ?? null;
  }
}

/** A private copy of a declaration, so registerKernel can change it and the caller's object cannot. */
function own(backend: Backend): Backend {
  return { ...backend, kernels: { ...backend.kernels }, fallback: [...(backend.fallback ?? [])] };
}

/**
 * Registers one kernel by name as native to a backend: it leaves the backend's cpu fallbacks, and
 * runs at once if the backend is in use. For a backend that gains kernels one at a time.
 */
export function registerKernel<K extends KernelName>(backendName: string, name: K, fn: Kernels[K]): void {
  if (backendName === 'cpu') throw new BackpropError("registerKernel: the cpu kernels are the reference and cannot be replaced (use overrideKernel to swap one in the kernels in use)");
  if (!kernelNames.includes(name)) throw new BackpropError(`registerKernel: no kernel named '${String(name)}' (kernel names: ${kernelNames.join(', ')})`);
  if (typeof fn !== 'function') throw new BackpropError(`registerKernel: kernel ${name} of backend '${backendName}' must be a function`);
  const b = resolve(backendName);
  b.kernels[name] = fn;
  b.fallback = (b.fallback ?? []).filter((k) => k !== name);
  if (current === backendName) kernels[name] = fn;
}

/**
 * Makes a backend known by name and loads it on first use (for one that is costly to start,
 * such as WebAssembly). `load` returns null where the backend cannot run; `unavailable` says why.
 */
export function registerLazyBackend(name: string, load: () => Backend | null, unavailable: string): void {
  registry.set(name, { backend: null, load, unavailable });
}

/** The names setBackend would accept, with a note on each that cannot run here. */
function knownList(): string {
  return [...registry.keys()].map((n) => (isBackendAvailable(n) ? n : `${n} (not available here)`)).join(', ');
}

/** The declaration of a known backend, loaded if needed; a clear error for unknown or unavailable ones. */
function resolve(name: string): Backend {
  const entry = registry.get(name);
  if (!entry) throw new BackpropError(`unknown backend '${name}'; known backends: ${knownList()}`);
  if (!entry.backend && entry.load) {
    const load = entry.load;
    entry.load = undefined;
    let b: Backend | null = null;
    try {
      b = load();
    } catch (e) {
      entry.unavailable = `it failed to load (${(e as Error).message})`;
    }
    if (b) {
      try {
        if (b.name !== name) throw new BackpropError(`backend '${name}' loaded a backend named '${b.name}'`);
        checkDeclaration(b);
        entry.backend = own(b);
      } catch (e) {
        // A declaration that does not account for every kernel is a bug to report, not a missing feature.
        entry.unavailable = (e as Error).message;
        throw e;
      }
    }
  }
  if (!entry.backend) {
    const usable = [...registry.keys()].filter(isBackendAvailable);
    throw new BackpropError(`backend '${name}' is not available here: ${entry.unavailable ?? 'it failed to load'}; available: ${usable.join(', ')}`);
  }
  return entry.backend;
}

/** Whether the named backend is known and can run here (loads it if it is lazy). */
export function isBackendAvailable(name: string): boolean {
  const entry = registry.get(name);
  if (!entry) return false;
  if (entry.backend) return true;
  if (!entry.load) return false;
  try {
    resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Why the named backend cannot run here (loading it if needed), or null when it can. */
export function whyUnavailable(name: string): string | null {
  if (isBackendAvailable(name)) return null;
  const entry = registry.get(name);
  return entry ? (entry.unavailable ?? 'it failed to load') : `unknown backend '${name}'`;
}

/** Switches to a backend and records how it was chosen (setBackend, env var, CLI flag, default). */
export function selectBackend(name: string, how: BackendSource): void {
  const b = resolve(name);
  Object.assign(kernels, cpuKernels, b.kernels);
  current = name;
  source = how;
  currentStorage = b.storage ?? null;
}

/** Switches every op to the named backend's kernels (cpu kernels run its declared fallbacks). */
export function setBackend(name: string): void {
  selectBackend(name, 'setBackend');
}

/** The storage of the backend in use, or null when it allocates ordinary arrays. */
export function backendStorage(): BackendStorage | null {
  return currentStorage;
}

/** Name of the backend in use. */
export function getBackend(): string {
  return current;
}

/** How the backend in use was chosen: 'default', 'env' (BACKPROP_BACKEND), 'flag' (--backend) or 'setBackend'. */
export function getBackendSource(): BackendSource {
  return source;
}

/** Names of the backends that can run here (registered, and lazy ones that load). */
export function listBackends(): string[] {
  return [...registry.keys()].filter(isBackendAvailable);
}

/** Names of every known backend, including ones that cannot run here. */
export function knownBackends(): string[] {
  return [...registry.keys()];
}

/** What the named backend (default: the one in use) implements natively, what falls back to cpu, and its threads. */
export function describeBackend(name: string = current): BackendDescription {
  const b = resolve(name);
  const native = kernelNames.filter((k) => typeof b.kernels[k] === 'function');
  const fallback = kernelNames.filter((k) => !native.includes(k));
  const threads = typeof b.threads === 'function' ? b.threads() : (b.threads ?? 1);
  return { name, native, fallback, threads };
}

/** Kernels a backend does not implement itself: its declared fallbacks, run by the cpu kernels. */
export function missingKernels(name: string): KernelName[] {
  return describeBackend(name).fallback;
}

/** Replaces one kernel of the current set (for a backend under development, or tests); undone by the next setBackend. */
export function overrideKernel<K extends KernelName>(name: K, fn: Kernels[K]): void {
  kernels[name] = fn;
}
