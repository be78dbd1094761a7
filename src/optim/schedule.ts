/**
 * Learning-rate schedules. Each sets η of every parameter group of an optimiser from that
 * group's starting rate η₀ and the epoch t, by a closed form. As in PyTorch, creating a
 * schedule sets t = 0 (η = η₀), and `step()` is called once per epoch, after that epoch's
 * optimiser steps:
 *
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(opt); sched.step(); }
 * ```
 *
 * The closed forms (rather than PyTorch's chainable multiplicative updates) make η depend on t
 * alone, so resuming from `stateDict()` continues the same sequence; the schedule overwrites η
 * each step, so two schedules on one optimiser do not compose.
 */
import { ConfigError, ValueError } from '../errors.js';
import type { BaseHyper, Optimizer } from './optimizer.js';

/** A schedule's saved state, ready for `JSON.stringify`. */
export interface SchedulerStateDict {
  /** Which schedule wrote it ('StepLR', …); loading into another kind fails. */
  scheduler: string;
  /** The epoch t reached (number of `step()` calls). */
  lastEpoch: number;
  /** η₀ of each parameter group. */
  baseLrs: number[];
  /** η of each group at `lastEpoch`. */
  lastLr: number[];
  /** The schedule's own settings (stepSize, gamma, tMax, …). */
  options: Record<string, number>;
}

function describe(v: unknown): string {
  return typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** Base class of the schedules: holds η₀ per group and the epoch t, and writes η(t) into the optimiser. */
export abstract class LRScheduler<H extends Record<string, number>> {
  /** The optimiser whose groups' η this schedule sets. */
  readonly optimizer: Optimizer<BaseHyper>;
  /** The schedule's name, as written to state dicts and error messages. */
  readonly name: string;
  /** The schedule's settings (e.g. stepSize and gamma). */
  readonly options: Readonly<H>;
  private baseLrsValue: number[];
  private lastEpochValue = 0;
  private lastLrValue: number[];

  /** Checks the settings, records each group's current η as η₀ and sets t = 0. */
  protected constructor(name: string, optimizer: Optimizer<BaseHyper>, builtIn: H, options: Partial<H>) {
    this.name = name;
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new ConfigError(`${name}: expected an optimiser, got ${describe(optimizer)}`);
    }
    if (options === null || typeof options !== 'object') throw new ConfigError(`${name}: options must be an object, got ${describe(options)}`);
    const merged: Record<string, number> = {};
    for (const key of Object.keys(options)) {
      if (!(key in builtIn)) throw new ConfigError(`${name}: unknown option '${key}'; known options: ${Object.keys(builtIn).join(', ')}`);
    }
    for (const [key, def] of Object.entries(builtIn)) {
      const v = (options as Record<string, unknown>)[key] ?? def;
      if (typeof v !== 'number') throw new ConfigError(`${name}: ${key} must be a number, got ${describe(v)}`);
      merged[key] = v;
    }
    this.validate(merged as H, name);
    this.options = merged as H;
    this.optimizer = optimizer;
    this.baseLrsValue = optimizer.paramGroups.map((g) => g.lr);
    this.lastLrValue = this.baseLrsValue.slice();
    this.apply();
  }

  /** Checks the settings, throwing a ConfigError that names the bad field and value. */
  protected abstract validate(h: H, where: string): void;

  /** η at epoch t for a group that started at η₀ = base. */
  protected abstract lrAt(base: number, t: number): number;

  private apply(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrsValue.length) {
      throw new ConfigError(`${this.name}: the optimiser now has ${groups.length} param groups but the schedule was made for ${this.baseLrsValue.length}`);
    }
    this.lastLrValue = this.baseLrsValue.map((b) => this.lrAt(b, this.lastEpochValue));
    groups.forEach((g, i) => (g.lr = this.lastLrValue[i]));
  }

  /** Advances one epoch (t ← t + 1) and sets every group's η to η(t). */
  step(): void {
    this.lastEpochValue += 1;
    this.apply();
  }

  /** The η this schedule last set, one per parameter group (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return this.lastLrValue.slice();
  }

  /** The epoch t reached: how many times `step()` has been called (or was, before saving). */
  get lastEpoch(): number {
    return this.lastEpochValue;
  }

  /** η₀ of each parameter group: the rates the optimiser had when the schedule was made. */
  get baseLrs(): number[] {
    return this.baseLrsValue.slice();
  }

  /** The schedule's state as JSON-ready data (epoch, η₀ and last η per group, settings). */
  stateDict(): SchedulerStateDict {
    return {
      scheduler: this.name,
      lastEpoch: this.lastEpochValue,
      baseLrs: this.baseLrsValue.slice(),
      lastLr: this.lastLrValue.slice(),
      options: { ...this.options },
    };
  }

  /**
   * Restores state saved by `stateDict()`. Like PyTorch it does not touch the optimiser's η:
   * restore the optimiser's own state dict too (it carries the current η).
   */
  loadStateDict(sd: SchedulerStateDict): void {
    const where = `${this.name}.loadStateDict()`;
    if (sd === null || typeof sd !== 'object') throw new ValueError(`${where}: expected a state dict object, got ${describe(sd)}`);
    if (sd.scheduler !== this.name) throw new ValueError(`${where}: the state dict was written by ${describe(sd.scheduler)}, not ${this.name}`);
    if (!Number.isInteger(sd.lastEpoch) || sd.lastEpoch < 0) throw new ValueError(`${where}: lastEpoch must be an integer ≥ 0, got ${describe(sd.lastEpoch)}`);
    const n = this.baseLrsValue.length;
    const lists = { baseLrs: sd.baseLrs, lastLr: sd.lastLr };
    for (const [key, v] of Object.entries(lists)) {
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
        throw new ValueError(`${where}: ${key} must be a list of ${n} finite numbers ≥ 0 (one per param group), got ${describe(v)}`);
      }
    }
    const opts: Record<string, number> = { ...this.options };
    const saved: unknown = sd.options ?? {};
    if (saved === null || typeof saved !== 'object') throw new ValueError(`${where}: options must be an object, got ${describe(saved)}`);
    for (const [key, v] of Object.entries(saved)) {
      if (!(key in opts)) throw new ValueError(`${where}: unknown option '${key}'`);
      if (typeof v !== 'number') throw new ValueError(`${where}: options.${key} must be a number, got ${describe(v)}`);
      opts[key] = v;
    }
    this.validate(opts as H, where);
    Object.assign(this.options, opts);
    this.lastEpochValue = sd.lastEpoch;
    this.baseLrsValue = sd.baseLrs.slice();
    this.lastLrValue = sd.lastLr.slice();
  }
}

function checkPositiveInt(where: string, field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${where}: invalid ${field} = ${String(v)}: must be an integer ≥ 1`);
}

function checkNonNegative(where: string, field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new ConfigError(`${where}: invalid ${field} = ${String(v)}: must be a finite number ≥ 0`);
}

function checkPositive(where: string, field: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(`${where}: invalid ${field} = ${String(v)}: must be a finite number > 0`);
}

/** StepLR's settings. */
export type StepLRSettings = {
  /** Epochs between decays. */
  stepSize: number;
  /** Factor γ applied to η every stepSize epochs. */
  gamma: number;
};

/** Options of `new StepLR(opt, options)`: stepSize is required, gamma defaults to 0.1. */
export type StepLROptions = Partial<StepLRSettings> & { stepSize: number };

/** Step decay: η_t = η₀ · γ^⌊t / stepSize⌋ (PyTorch's `StepLR`). */
export class StepLR extends LRScheduler<StepLRSettings> {
  /** Attaches the schedule to `optimizer` and sets t = 0. */
  constructor(optimizer: Optimizer<BaseHyper>, options: StepLROptions) {
    if (options === null || typeof options !== 'object' || options.stepSize === undefined) {
      throw new ConfigError('StepLR: stepSize is required (e.g. new StepLR(opt, { stepSize: 30 }))');
    }
    super('StepLR', optimizer, { stepSize: 1, gamma: 0.1 }, options);
  }

  protected override validate(h: StepLRSettings, where: string): void {
    checkPositiveInt(where, 'stepSize', h.stepSize);
    checkNonNegative(where, 'gamma', h.gamma);
  }

  protected override lrAt(base: number, t: number): number {
    return base * this.options.gamma ** Math.floor(t / this.options.stepSize);
  }
}

/** ExponentialLR's settings. */
export type ExponentialLRSettings = {
  /** Factor γ applied to η every epoch. */
  gamma: number;
};

/** Exponential decay: η_t = η₀ · γ^t (PyTorch's `ExponentialLR`). */
export class ExponentialLR extends LRScheduler<ExponentialLRSettings> {
  /** Attaches the schedule to `optimizer` and sets t = 0; gamma is required. */
  constructor(optimizer: Optimizer<BaseHyper>, options: ExponentialLRSettings) {
    if (options === null || typeof options !== 'object' || options.gamma === undefined) {
      throw new ConfigError('ExponentialLR: gamma is required (e.g. new ExponentialLR(opt, { gamma: 0.95 }))');
    }
    super('ExponentialLR', optimizer, { gamma: 1 }, options);
  }

  protected override validate(h: ExponentialLRSettings, where: string): void {
    checkNonNegative(where, 'gamma', h.gamma);
  }

  protected override lrAt(base: number, t: number): number {
    return base * this.options.gamma ** t;
  }
}

/** InverseTimeLR's settings. */
export type InverseTimeLRSettings = {
  /** Decay rate k in η_t = η₀ / (1 + k·t). */
  decay: number;
};

/** The lectures' 1/t decay: η_t = η₀ / (1 + decay·t). */
export class InverseTimeLR extends LRScheduler<InverseTimeLRSettings> {
  /** Attaches the schedule to `optimizer` and sets t = 0; decay is required. */
  constructor(optimizer: Optimizer<BaseHyper>, options: InverseTimeLRSettings) {
    if (options === null || typeof options !== 'object' || options.decay === undefined) {
      throw new ConfigError('InverseTimeLR: decay is required (e.g. new InverseTimeLR(opt, { decay: 0.5 }))');
    }
    super('InverseTimeLR', optimizer, { decay: 0 }, options);
  }

  protected override validate(h: InverseTimeLRSettings, where: string): void {
    checkNonNegative(where, 'decay', h.decay);
  }

  protected override lrAt(base: number, t: number): number {
    return base / (1 + this.options.decay * t);
  }
}

/** CosineAnnealingLR's settings. */
export type CosineAnnealingLRSettings = {
  /** Epochs T of one half cosine, from η₀ down to ηmin. */
  tMax: number;
  /** The floor ηmin reached at t = T. */
  etaMin: number;
};

/** Options of `new CosineAnnealingLR(opt, options)`: tMax is required, etaMin defaults to 0. */
export type CosineAnnealingLROptions = Partial<CosineAnnealingLRSettings> & { tMax: number };

/**
 * Cosine annealing: η_t = ηmin + (η₀ − ηmin)·(1 + cos(π·t/T))/2, the closed form of PyTorch's
 * `CosineAnnealingLR` (past T it rises again, as PyTorch's does).
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLRSettings> {
  /** Attaches the schedule to `optimizer` and sets t = 0. */
  constructor(optimizer: Optimizer<BaseHyper>, options: CosineAnnealingLROptions) {
    if (options === null || typeof options !== 'object' || options.tMax === undefined) {
      throw new ConfigError('CosineAnnealingLR: tMax is required (e.g. new CosineAnnealingLR(opt, { tMax: 100 }))');
    }
    super('CosineAnnealingLR', optimizer, { tMax: 1, etaMin: 0 }, options);
  }

  protected override validate(h: CosineAnnealingLRSettings, where: string): void {
    checkPositive(where, 'tMax', h.tMax);
    checkNonNegative(where, 'etaMin', h.etaMin);
  }

  protected override lrAt(base: number, t: number): number {
    const { tMax, etaMin } = this.options;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
  }
}
