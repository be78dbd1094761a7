/**
 * Worker threads over the wasm kernels' shared memory, and `parallelFor`, the one primitive kernels
 * use to spread work over them.
 *
 * `parallelFor(inst, name, args, parts)` calls the wasm export `name(...args, part, thread)` once
 * for every part in 0..parts-1, spread over the calling thread (thread 0) and the pool's workers
 * (threads 1..n-1), and returns when all parts are done. Parts are taken from a shared counter, so
 * a busy core takes fewer; a part must therefore not depend on which thread runs it, except for
 * per-thread scratch indexed by `thread` (< threadCount()). A C kernel becomes parallel by
 * exporting a `*_part` function that computes its slice from `part` (see gemm.c's gemm_region_part
 * and matmul.ts). Arguments are numbers (pointers, sizes, scalars: passed as float64, read by the
 * export as its parameter types). With one thread, an unshared memory, or workers that failed to
 * start, the parts simply run in order on the calling thread (`poolStatus` says why).
 *
 * Workers: threadCount()−1 of them, started lazily on the first parallel call, each instantiating
 * the same compiled module on the same memory with its own stack (instance.ts's workerStackTop).
 * Node: node:worker_threads (`process.getBuiltinModule`, Node ≥ 20.16), unref()'d so a process
 * exits on its own; startup waits (at most STARTUP_MS) until they report ready. Browsers: Web
 * Workers from a Blob URL, only when cross-origin isolated (shared memory); the page's main thread
 * may not block, so it spins on Atomics.load while waiting for the workers' parts, and workers
 * that have not started yet (they need the page's event loop) just take no parts.
 * The worker's source is an inline string, so the same code runs from src/ (tsx), dist/, cjs/ and a bundle.
 *
 * Control block (a separate SharedArrayBuffer, Int32 words, 64-byte lines so that no two threads'
 * counters share a cache line): line 0 the job (generation, export id, argument count, parts,
 * participating workers), line 1 the next-part counter, line 2 the ready count, lines 3–4 the
 * arguments (16 float64), then one line per worker (the generation it finished, an error flag, a
 * ready flag). Only the leading run of ready workers takes part in a job (a worker reads the
 * current generation before it says ready, so it cannot miss a job it was counted in).
 */
import { BackpropError, ConfigError } from '../../errors.js';
import { MAX_WORKERS, workerStackTop, type WasmInstance } from './instance.js';

const LINE = 16; // Int32 words per 64-byte line
const GEN = 0;
const FN = 1;
const NARGS = 2;
const PARTS = 3;
const ACTIVE = 4;
const NEXT = LINE;
const READY = 2 * LINE;
const ARGS_BYTE = 3 * 64;
const MAX_ARGS = 16;
const WORKER_LINE0 = 5;
const CONTROL_BYTES = (WORKER_LINE0 + MAX_WORKERS) * 64;
/** How long the first parallel call waits for the workers to start before running single-threaded. */
const STARTUP_MS = 5000;
/** Heap limits of a Node worker, in MB. */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 };
/** Atomics.load polls before the calling thread sleeps in Atomics.wait while the workers finish their parts. */
const SPIN = 2000;
/**
 * How long an idle worker polls for the next job before it sleeps in Atomics.wait, in ms. Waking a
 * sleeping worker took long enough on this 2-core machine that 2 threads lost to 1 on training
 * steps; polling for 1 ms after each job (the gap between two products of a step is far shorter)
 * measured: MLP 784-128-10 step 1.09 → 0.87 ms, RNN h128 T32 step 7.1 → 6.7 ms (0.05 ms: 1.34 / 8.6;
 * 3 ms: no better than 1). A worker polls with Atomics.load, on its own core, only after a job.
 */
const WORKER_SPIN_MS = 1;

/** The worker: instantiate, set the stack, report ready, then run parts of each new job. */
const WORKER_BODY = `
function main(d) {
  const ctl = new Int32Array(d.control);
  const args = new Float64Array(d.control, ${ARGS_BYTE}, ${MAX_ARGS});
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  inst.exports.__stack_pointer.value = d.stackTop;
  const fns = Object.keys(inst.exports).sort().map((k) => inst.exports[k]);
  const me = (${WORKER_LINE0} + d.index) * ${LINE};
  let seen = Atomics.load(ctl, ${GEN});
  Atomics.store(ctl, me + 2, 1);
  Atomics.add(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  for (;;) {
    let g = Atomics.load(ctl, ${GEN});
    for (let s = 1, t0 = performance.now(); g === seen; s++) {
      g = Atomics.load(ctl, ${GEN});
      if ((s & 1023) === 0 && performance.now() - t0 > ${WORKER_SPIN_MS}) break;
    }
    if (g === seen) { Atomics.wait(ctl, ${GEN}, seen, 1000); continue; }
    seen = g;
    if (d.index < Atomics.load(ctl, ${ACTIVE})) {
      const fn = fns[ctl[${FN}]];
      const a = Array.from(args.subarray(0, ctl[${NARGS}]));
      const parts = ctl[${PARTS}];
      try {
        for (let p = Atomics.add(ctl, ${NEXT}, 1); p < parts; p = Atomics.add(ctl, ${NEXT}, 1)) fn(...a, p, d.index + 1);
      } catch (e) {
        Atomics.store(ctl, me + 1, 1);
      }
    }
    Atomics.store(ctl, me, seen);
    Atomics.notify(ctl, me);
  }
}`;
const NODE_WORKER = `${WORKER_BODY}\nmain(process.getBuiltinModule('node:worker_threads').workerData);`;
const WEB_WORKER = `${WORKER_BODY}\nonmessage = (e) => main(e.data);`;

/** A started worker: enough to stop it. */
interface WorkerHandle {
  terminate(): unknown;
}

/** The pool of one instance: its workers and control block, or why it runs single-threaded. */
interface Pool {
  control: Int32Array<ArrayBufferLike>;
  args: Float64Array<ArrayBufferLike>;
  workers: WorkerHandle[];
  ids: Map<string, number>;
  fns: ((...a: number[]) => void)[];
  gen: number;
  failed?: string;
}

const pools = new WeakMap<WasmInstance, Pool>();
/** Node's worker_threads (undefined in browsers); Node's threads may block in Atomics.wait. */
const workerThreads = nodeModule<{ Worker: new (src: string, opts: object) => WorkerHandle & { unref(): void } }>('node:worker_threads');
let requested: number | undefined;

/** Sets how many threads the wasm kernels use (1 = no workers); undefined restores the default. */
export function setThreads(n: number | undefined): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS + 1)) {
    throw new ConfigError(`threads: expected an integer from 1 to ${MAX_WORKERS + 1}, got ${n}`);
  }
  requested = n;
}

/** The default thread count: BACKPROP_THREADS, else the machine's parallelism capped at 4 (a bad BACKPROP_THREADS warns once and is ignored). */
export function defaultThreads(): number {
  // Every matmul asks, and reading process.env and the CPU affinity costs microseconds: read both once per process.
  cachedDefault ??= readDefaultThreads(globalThis.process?.env?.BACKPROP_THREADS);
  return cachedDefault;
}
let cachedDefault: number | undefined;

/** defaultThreads for a value of BACKPROP_THREADS. */
function readDefaultThreads(env: string | undefined): number {
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS + 1) return n;
    if (warnedEnv !== env) {
      warnedEnv = env;
      const message = `backprop: BACKPROP_THREADS: expected an integer from 1 to ${MAX_WORKERS + 1}, got '${env}'; using the default`;
      (globalThis.process as { emitWarning?: (m: string) => void } | undefined)?.emitWarning?.(message);
    }
  }
  return Math.max(1, Math.min(4, hardwareThreads()));
}
let warnedEnv: string | undefined;

/** The threads the wasm kernels use: setThreads, else the default. */
export function threadCount(): number {
  return requested ?? defaultThreads();
}

/** The number of hardware threads the engine reports (os.availableParallelism / navigator.hardwareConcurrency). */
function hardwareThreads(): number {
  const os = nodeModule<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** A Node built-in module without a static import (absent in browsers and before Node 20.16). */
function nodeModule<T>(name: string): T | undefined {
  const proc = globalThis.process as { getBuiltinModule?: (id: string) => unknown } | undefined;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** Whether the pool of an instance runs threads, how many, and why not when it does not. */
export function poolStatus(inst: WasmInstance): { threads: number; reason?: string } {
  const want = threadCount();
  if (want === 1) return { threads: 1 };
  if (!inst.shared) return { threads: 1, reason: inst.unshared ?? 'memory not shared' };
  const unavailable = sharingUnavailable();
  if (unavailable) return { threads: 1, reason: unavailable };
  const pool = pools.get(inst);
  if (pool?.failed) return { threads: 1, reason: pool.failed };
  return { threads: want };
}

/** How many workers the pool of an instance has started (0 before the first parallel call or with one thread). */
export function poolWorkers(inst: WasmInstance): number {
  return pools.get(inst)?.workers.length ?? 0;
}

/** Calls the export `name(...args, part, thread)` for every part in 0..parts-1 over the threads; returns when all are done. */
export function parallelFor(inst: WasmInstance, name: string, args: number[], parts: number): void {
  const threads = Math.min(threadCount(), parts);
  const pool = threads > 1 && inst.shared ? poolOf(inst, threads - 1) : undefined;
  const id = pool?.ids.get(name);
  if (!pool || pool.failed || id === undefined) {
    const fn = inst.exports[name] as (...a: number[]) => void;
    for (let p = 0; p < parts; p++) fn(...args, p, 0);
    return;
  }
  if (args.length > MAX_ARGS) throw new BackpropError(`parallelFor: ${name} takes at most ${MAX_ARGS} arguments, got ${args.length}`);
  let active = 0;
  while (active < Math.min(threads - 1, pool.workers.length) && Atomics.load(pool.control, (WORKER_LINE0 + active) * LINE + 2) === 1) active++;
  runJob(pool, id, args, parts, active, name);
}

/** Posts a job, runs parts on this thread, and waits for the participating workers. */
function runJob(pool: Pool, id: number, args: number[], parts: number, active: number, name: string): void {
  const ctl = pool.control;
  ctl[FN] = id;
  ctl[NARGS] = args.length;
  ctl[PARTS] = parts;
  ctl[ACTIVE] = active;
  pool.args.set(args);
  Atomics.store(ctl, NEXT, 0);
  const gen = (pool.gen = (pool.gen + 1) | 0);
  Atomics.store(ctl, GEN, gen);
  Atomics.notify(ctl, GEN);
  const fn = pool.fns[id] as (...a: number[]) => void;
  for (let p = Atomics.add(ctl, NEXT, 1); p < parts; p = Atomics.add(ctl, NEXT, 1)) fn(...args, p, 0);
  const canBlock = workerThreads !== undefined;
  let failed = false;
  for (let i = 0; i < active; i++) {
    const at = (WORKER_LINE0 + i) * LINE;
    for (let s = 0; ; s++) {
      const done = Atomics.load(ctl, at);
      if (done === gen) break;
      if (canBlock && s > SPIN) Atomics.wait(ctl, at, done, 10);
    }
    if (Atomics.load(ctl, at + 1) !== 0) {
      failed = true;
      Atomics.store(ctl, at + 1, 0);
    }
  }
  if (failed) throw new BackpropError(`parallelFor: a worker thread failed in the wasm export ${name}`);
}

/** The pool of an instance with at least `workers` workers started (or its failure recorded). */
function poolOf(inst: WasmInstance, workers: number): Pool {
  let pool = pools.get(inst);
  if (!pool) {
    const unavailable = sharingUnavailable();
    // A browser page that is not cross-origin isolated may still create a shared WebAssembly
    // memory (Chromium does), but it cannot share it with workers: record why, run on one thread.
    const sab = unavailable ? new ArrayBuffer(CONTROL_BYTES) : new SharedArrayBuffer(CONTROL_BYTES);
    const names = Object.keys(inst.exports).sort();
    pool = {
      control: new Int32Array(sab),
      args: new Float64Array(sab, ARGS_BYTE, MAX_ARGS),
      workers: [],
      ids: new Map(names.map((n, i) => [n, i])),
      fns: names.map((n) => inst.exports[n] as (...a: number[]) => void),
      gen: 0,
      failed: unavailable,
    };
    pools.set(inst, pool);
  }
  if (!pool.failed && pool.workers.length < workers) startWorkers(inst, pool, workers);
  return pool;
}

/** Why this engine cannot share memory with workers (no SharedArrayBuffer, or a page not cross-origin isolated), or undefined. */
function sharingUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer (a browser page must be cross-origin isolated)';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return 'page not cross-origin isolated';
  return undefined;
}

/** Starts workers up to `workers` and (in Node) waits until they are ready; records a failure instead of throwing. */
function startWorkers(inst: WasmInstance, pool: Pool, workers: number): void {
  const first = pool.workers.length;
  try {
    for (let i = first; i < workers; i++) {
      const data = { control: pool.control.buffer, module: inst.module, memory: inst.memory, index: i, stackTop: workerStackTop(inst, i) };
      pool.workers.push(spawn(data));
    }
  } catch (e) {
    pool.failed = `workers did not start (${e instanceof Error ? e.message : String(e)})`;
    return;
  }
  if (!workerThreads) return;
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const ready = Atomics.load(pool.control, READY);
    if (ready >= workers) return;
    if (Date.now() > deadline) break;
    Atomics.wait(pool.control, READY, ready, 50);
  }
  for (const w of pool.workers) void w.terminate();
  pool.workers = [];
  pool.failed = `workers not ready within ${STARTUP_MS} ms`;
}

/** Starts one worker running the inline source: node:worker_threads in Node, a Web Worker elsewhere. */
function spawn(data: Record<string, unknown>): WorkerHandle {
  if (workerThreads) {
    // The worker allocates almost nothing in JavaScript: small heap limits keep its isolate's resident pages few.
    const w = new workerThreads.Worker(NODE_WORKER, { eval: true, workerData: data, resourceLimits: WORKER_HEAP });
    w.unref();
    return w;
  }
  const g = globalThis as unknown as {
    Worker?: new (url: string) => WorkerHandle & { postMessage(d: unknown): void };
  };
  if (!g.Worker) throw new BackpropError('no Worker in this engine');
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
  const w = new g.Worker(url);
  w.postMessage(data);
  return w;
}
