/**
 * Validation of fit's options before anything runs: one table of the known option names, each
 * with its check. Unknown names get a "did you mean" hint; a bad value a ConfigError naming the
 * field and the value.
 */
import { ConfigError } from '../errors.js';
import { LOSS_NAMES, isLossName, lossByName, type LossFn } from '../losses/index.js';
import type { AnyModule } from '../nn/module.js';
import { METRIC_NAMES } from './metrics.js';
import { didYouMean } from './suggest.js';
import type { FitOptions } from './types.js';

type Check = (v: unknown, field: string) => void;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v === null || typeof v !== 'object') return String(v);
  return 'an object';
}

function fail(field: string, must: string, v: unknown): never {
  throw new ConfigError(`fit: ${field} must be ${must}, got ${describe(v)}`);
}

/** A number check: finite, optionally whole, with a lower bound (inclusive, or exclusive with `above`). */
function num(opts: { min?: number; above?: number; int?: boolean }): Check {
  const must = [opts.int ? 'a whole number' : 'a finite number', opts.min !== undefined ? `≥ ${opts.min}` : '', opts.above !== undefined ? `> ${opts.above}` : ''].filter(Boolean).join(' ');
  return (v, field) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.int && !Number.isInteger(v))) fail(field, must, v);
    if ((opts.min !== undefined && v < opts.min) || (opts.above !== undefined && v <= opts.above)) fail(field, must, v);
  };
}

const bool: Check = (v, field) => {
  if (typeof v !== 'boolean') fail(field, 'true or false', v);
};

function oneOf(values: readonly string[]): Check {
  return (v, field) => {
    if (typeof v !== 'string' || !values.includes(v)) {
      throw new ConfigError(`fit: ${field} must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${describe(v)}${typeof v === 'string' ? didYouMean(v, values) : ''}`);
    }
  };
}

function hasMethods(names: readonly string[], example: string): Check {
  return (v, field) => {
    if (v === null || typeof v !== 'object' || names.some((n) => typeof (v as Record<string, unknown>)[n] !== 'function')) {
      fail(field, `an object with ${names.map((n) => `${n}()`).join(', ')} (${example})`, v);
    }
  };
}

/** An object whose fields are checked by `table`; unknown fields are refused. */
function record(table: Record<string, Check>): Check {
  return (v, field) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(field, 'an object', v);
    checkFields(v as Record<string, unknown>, table, field);
  };
}

function checkFields(obj: Record<string, unknown>, table: Record<string, Check>, where: string): void {
  const known = Object.keys(table);
  for (const key of Object.keys(obj)) {
    if (!Object.prototype.hasOwnProperty.call(table, key)) {
      throw new ConfigError(`fit: unknown option '${where ? `${where}.` : ''}${key}'${didYouMean(key, known)}; known: ${known.join(', ')}`);
    }
  }
  for (const key of known) if (obj[key] !== undefined) table[key](obj[key], where ? `${where}.${key}` : key);
}

const optimizerCheck: Check = (v, field) => {
  hasMethods(['step', 'zeroGrad', 'stateDict', 'loadStateDict'], 'e.g. new SGD(model.parameters(), { lr: 0.1 })')(v, field);
  const lr = (v as { lr: unknown }).lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) fail(`${field}.lr`, 'a finite number ≥ 0', lr);
};

/** Every option fit knows, with its check: the one table of fit's option names. */
const FIT_OPTIONS: Record<keyof FitOptions, Check> = {
  loss: (v, field) => {
    if (typeof v === 'function') return;
    if (typeof v !== 'string') fail(field, 'a loss name or a function (output, target) → loss', v);
    if (!isLossName(v)) throw new ConfigError(`fit: unknown loss '${v}'${didYouMean(v, LOSS_NAMES)}; known: ${LOSS_NAMES.join(', ')}`);
  },
  optimizer: optimizerCheck,
  epochs: num({ min: 1, int: true }),
  batchSize: (v, field) => {
    if (v !== 'full' && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) fail(field, "a whole number ≥ 1 or 'full'", v);
  },
  shuffle: bool,
  dropLast: bool,
  maxSteps: num({ min: 0, int: true }),
  stop: record({ lossDelta: num({ min: 0 }), gradNorm: num({ min: 0 }) }),
  earlyStopping: record({
    monitor: (v, field) => {
      if (typeof v !== 'string' || v === '') fail(field, "a metric name such as 'valLoss'", v);
    },
    patience: num({ min: 1, int: true }),
    minDelta: num({ min: 0 }),
    mode: oneOf(['min', 'max']),
    restoreBest: bool,
  }),
  validationData: (v, field) => {
    if (v === null || typeof v !== 'object') fail(field, 'an object {x, y} of tensors', v);
  },
  metrics: (v, field) => {
    if (!Array.isArray(v)) fail(field, `a list of metric names (${METRIC_NAMES.join(', ')})`, v);
    v.forEach((m: unknown, i) => {
      if (typeof m !== 'string' || !(METRIC_NAMES as readonly string[]).includes(m)) {
        throw new ConfigError(`fit: ${field}[${i}] is an unknown metric ${describe(m)}${typeof m === 'string' ? didYouMean(m, METRIC_NAMES) : ''}; known: ${METRIC_NAMES.join(', ')}`);
      }
    });
  },
  threshold: num({}),
  l2: num({ min: 0 }),
  clipGradNorm: num({ above: 0 }),
  scheduler: hasMethods(['step', 'stateDict', 'loadStateDict'], 'e.g. new StepLR(optimizer, { stepSize: 10 })'),
  callbacks: (v, field) => {
    if (!Array.isArray(v)) fail(field, 'a list of callback objects', v);
    v.forEach((c: unknown, i) => {
      if (c === null || typeof c !== 'object') fail(`${field}[${i}]`, 'an object with hooks such as onEpochEnd', c);
    });
  },
  progress: oneOf(['auto', 'bar', 'lines', 'none']),
  checkpoint: record({
    path: (v, field) => {
      if (typeof v !== 'string' || v === '') fail(field, 'a file path', v);
    },
    every: num({ min: 1, int: true }),
  }),
  resumeFrom: (v, field) => {
    if (typeof v !== 'string' || v === '') fail(field, 'the path of a checkpoint file', v);
  },
  trainStep: (v, field) => {
    if (typeof v !== 'function') fail(field, 'a function (batch, ctx) → loss', v);
  },
  nanGuard: (v, field) => {
    if (v !== false) record({ every: num({ min: 1, int: true }), checkGradients: bool })(v, field);
  },
  diagnostics: (v, field) => {
    if (typeof v !== 'boolean') record({ gradNorms: bool, deadRelu: bool, saturation: bool, nanOp: bool, every: num({ min: 1, int: true }) })(v, field);
  },
};

/** Checks fit's options: known names only, each of the right kind and range; the optimiser is required. */
export function validateFitOptions<M extends AnyModule>(options: FitOptions<M>): void {
  if (options === null || typeof options !== 'object' || options.optimizer === undefined) {
    throw new ConfigError('fit: options.optimizer is required (e.g. new SGD(model.parameters(), { lr: 0.1 }))');
  }
  checkFields(options as unknown as Record<string, unknown>, FIT_OPTIONS, '');
}

/** The accuracy threshold a loss implies: 0 for logits (…WithLogits), 0.5 for probabilities. */
export function defaultThreshold(loss: string): number {
  return loss === 'binaryCrossEntropyWithLogits' ? 0 : 0.5;
}

/** The loss function of options.loss and its name ('mse' when absent). */
export function resolveLoss(loss: FitOptions['loss']): { fn: LossFn; name: string } {
  if (loss === undefined) return { fn: lossByName('mse'), name: 'mse' };
  if (typeof loss === 'function') return { fn: loss, name: loss.name || 'custom' };
  return { fn: lossByName(loss), name: loss };
}
