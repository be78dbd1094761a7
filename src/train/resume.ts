/**
 * What fit keeps in a checkpoint besides weights, optimiser, epoch and RNG, and the way back:
 * reading a checkpoint, checking every field fit will use (history, optimiser and schedule
 * state, early-stopping memory, a partial epoch), and only then loading it into the run. A
 * checkpoint whose fields have the wrong shape or type is refused with a FileFormatError naming
 * the field, never a TypeError from deep inside the loop.
 */
import { BackpropError, FileFormatError } from '../errors.js';
import { loadCheckpoint, type LoadedCheckpoint } from '../io/checkpoint.js';
import { Tensor } from '../tensor/tensor.js';
import { setRngState } from '../tensor/random.js';
import type { AnyModule } from '../nn/module.js';
import type { EarlyStopping, EarlyStoppingState } from './callbacks/early-stopping.js';
import type { MeterState } from './meter.js';
import type { EpochLogs, OptimizerLike, SchedulerLike } from './types.js';

/** Where an epoch stopped early (a step budget or a callback), so a resumed run finishes it. */
export interface PartialEpoch extends MeterState {
  /** Batches of the epoch already trained on. */
  batch: number;
  /** Generator state when the epoch began: replaying it reproduces the epoch's batch order. */
  rngAtEpochStart: number[];
  /** Seconds the epoch had run. */
  seconds: number;
}

/** What fit keeps in a checkpoint's `extra`. */
export interface FitExtra {
  scheduler?: unknown;
  earlyStopping?: EarlyStoppingState;
  partial?: PartialEpoch;
}

/** What a resumed run continues from. */
export interface Resumed {
  /** Complete epochs done. */
  epoch: number;
  /** The epochs' logs and the steps taken. */
  history: { epochs: EpochLogs[]; steps: number };
  /** The generator state to continue with. */
  rng?: number[];
  /** The epoch to finish, when the checkpoint was written inside one. */
  partial?: PartialEpoch;
}

/** The run a checkpoint is loaded into. */
export interface ResumeTarget {
  model: AnyModule;
  optimizer: OptimizerLike;
  scheduler?: SchedulerLike;
  earlyStopping?: EarlyStopping;
  params: readonly Tensor[];
  /** Batches per epoch of the data given to this run. */
  numBatches: number;
}

type Fail = (field: string, must: string, v: unknown) => never;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Tensor) return `a tensor of ${v.size} values`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

const isCount = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isNum = (v: unknown): v is number => typeof v === 'number';

/** A list of numbers of length n: a plain array, a typed array or a tensor. */
function isNumbers(v: unknown, n: number): boolean {
  if (v instanceof Tensor) return v.size === n;
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<number>).length === n;
  return Array.isArray(v) && v.length === n && v.every(isNum);
}

function checkHistory(h: unknown, fail: Fail): Resumed['history'] {
  if (h === undefined) return { epochs: [], steps: 0 };
  if (!isRecord(h)) fail('history', 'must be an object {epochs, steps}', h);
  if (!isCount(h.steps)) fail('history.steps', 'must be a whole number ≥ 0', h.steps);
  if (!Array.isArray(h.epochs)) fail('history.epochs', 'must be a list of per-epoch logs', h.epochs);
  h.epochs.forEach((e: unknown, i) => {
    if (!isRecord(e)) fail(`history.epochs[${i}]`, 'must be an object of numbers', e);
    for (const [k, v] of Object.entries(e)) if (!isNum(v)) fail(`history.epochs[${i}].${k}`, 'must be a number', v);
    if (e.epoch !== undefined && !isCount(e.epoch)) fail(`history.epochs[${i}].epoch`, 'must be a whole number ≥ 0', e.epoch);
  });
  return { epochs: h.epochs as EpochLogs[], steps: h.steps };
}

function checkEarlyStopping(s: unknown, params: readonly Tensor[], fail: Fail): EarlyStoppingState {
  const f = 'extra.earlyStopping';
  if (!isRecord(s)) fail(f, 'must be an object', s);
  if (!isNum(s.bestValue)) fail(`${f}.bestValue`, 'must be a number', s.bestValue);
  if (!isCount(s.bestEpoch, -1)) fail(`${f}.bestEpoch`, 'must be a whole number ≥ −1', s.bestEpoch);
  if (!isCount(s.sinceBest)) fail(`${f}.sinceBest`, 'must be a whole number ≥ 0', s.sinceBest);
  if (!Array.isArray(s.best) || s.best.length !== params.length) fail(`${f}.best`, `must be a list of ${params.length} tensors (one per parameter)`, s.best);
  s.best.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor) || t.size !== params[i].size) fail(`${f}.best[${i}]`, `must be a tensor of ${params[i].size} values`, t);
  });
  return s as unknown as EarlyStoppingState;
}

function checkPartial(p: unknown, target: ResumeTarget, fail: Fail): PartialEpoch {
  const f = 'extra.partial';
  if (!isRecord(p)) fail(f, 'must be an object', p);
  if (!isCount(p.batch, 1)) fail(`${f}.batch`, 'must be a whole number ≥ 1', p.batch);
  if (p.batch > target.numBatches) fail(`${f}.batch`, `must be at most the ${target.numBatches} batches an epoch of this data has (other data or batch size?)`, p.batch);
  const rng = p.rngAtEpochStart;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((x) => isCount(x) && x <= 0xffffffff) || rng.every((x) => x === 0)) {
    fail(`${f}.rngAtEpochStart`, 'must be a generator state (four 32-bit unsigned integers, not all 0)', rng);
  }
  for (const k of ['lossSum', 'absSum', 'seconds'] as const) if (!isNum(p[k]) || !Number.isFinite(p[k])) fail(`${f}.${k}`, 'must be a finite number', p[k]);
  for (const k of ['seen', 'correct'] as const) if (!isCount(p[k])) fail(`${f}.${k}`, 'must be a whole number ≥ 0', p[k]);
  if (p.gradSum !== undefined) {
    const ok = Array.isArray(p.gradSum) && p.gradSum.length === target.params.length && p.gradSum.every((g, i) => isNumbers(g, target.params[i].size));
    if (!ok) fail(`${f}.gradSum`, 'must hold one list of numbers per parameter, of its size', p.gradSum);
  }
  return p as unknown as PartialEpoch;
}

/** The built-in optimisers' state layout, checked before their loadStateDict reads it. */
function checkOptimizerState(s: unknown, fail: Fail): void {
  if (!isRecord(s) || !('paramGroups' in s)) return; // another optimiser's format: its loadStateDict checks it
  if (!Array.isArray(s.paramGroups) || !s.paramGroups.every(isRecord)) fail('optimizer.paramGroups', 'must be a list of objects', s.paramGroups);
  if (!isRecord(s.state)) fail('optimizer.state', 'must be an object keyed by parameter index', s.state);
  for (const [k, entry] of Object.entries(s.state)) {
    if (!isRecord(entry)) fail(`optimizer.state.${k}`, 'must be an object of numbers and buffers', entry);
    for (const [name, v] of Object.entries(entry)) {
      const ok = isNum(v) || v instanceof Tensor || ArrayBuffer.isView(v) || (Array.isArray(v) && v.every(isNum));
      if (!ok) fail(`optimizer.state.${k}.${name}`, 'must be a number or a list of numbers', v);
    }
  }
}

/** Runs a load into a part of the run; an error that is not ours becomes a FileFormatError naming the part. */
function loadPart(path: string, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new FileFormatError(`${path}: the checkpoint's ${what} cannot be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Checks every field of a checkpoint fit will use against the run, then loads it into the run. */
export function resumeFrom(path: string, target: ResumeTarget): Resumed {
  const ck: LoadedCheckpoint = loadCheckpoint(path);
  const fail: Fail = (field, must, v) => {
    throw new FileFormatError(`${path}: checkpoint field ${field} ${must}, got ${kind(v)}`);
  };
  const history = checkHistory(ck.history, fail);
  const extra = ck.extra === undefined ? {} : ck.extra;
  if (!isRecord(extra)) fail('extra', 'must be an object', extra);
  const es = extra.earlyStopping === undefined ? undefined : checkEarlyStopping(extra.earlyStopping, target.params, fail);
  const partial = extra.partial === undefined ? undefined : checkPartial(extra.partial, target, fail);
  if (ck.optimizer !== undefined) checkOptimizerState(ck.optimizer, fail);

  loadPart(path, 'model weights', () => target.model.loadStateDict(ck.model));
  if (ck.optimizer !== undefined) loadPart(path, 'optimizer state', () => target.optimizer.loadStateDict(ck.optimizer as never));
  if (target.scheduler && extra.scheduler !== undefined) loadPart(path, 'schedule state', () => target.scheduler!.loadStateDict(extra.scheduler as never));
  if (target.earlyStopping && es) target.earlyStopping.loadStateDict(es, target.params);
  if (ck.rng) setRngState(ck.rng);
  // A partial epoch is finished by the resumed run, so its provisional entry is dropped.
  return { epoch: ck.epoch, history: { epochs: history.epochs.filter((e) => !e.partial), steps: history.steps }, rng: ck.rng, partial };
}
