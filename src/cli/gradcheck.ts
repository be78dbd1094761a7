/**
 * `backprop gradcheck`: back-propagation checked against finite differences (float64), per
 * parameter tensor, on a saved model or a preset, for a small random batch. Prints each tensor's
 * worst relative error and pass/fail (or JSON); exit code 0 when every tensor passes, 1 otherwise.
 */
import { ConfigError } from '../errors.js';
import { Tensor, randn } from '../tensor/tensor.js';
import { manualSeed, randomInt } from '../tensor/random.js';
import type { AnyModule } from '../nn/module.js';
import { Embedding } from '../nn/embedding.js';
import { loadModule } from '../models/persist.js';
import { gradcheckModel, type ParameterCheck } from '../diagnostics/gradcheck-model.js';
import { GRADCHECK_PRESETS } from './gradcheck-presets.js';
import { modelInputShape } from './input-shape.js';

/** The flags of `backprop gradcheck`. */
export interface GradcheckFlags {
  model?: string;
  preset?: string;
  batch: number;
  tolerance: string;
  eps?: string;
  elements?: string;
  inputShape?: string;
  seed?: string;
  json?: boolean;
}

/** A positive finite number from a flag, or a ConfigError naming the flag. */
function positive(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`${flag} must be a positive number, got '${v}'`);
  return n;
}

/** The model to check and one sample's input shape, from --model or --preset. */
function resolveModel(flags: GradcheckFlags): { model: AnyModule; shape: number[]; what: string } {
  if (flags.model && flags.preset) throw new ConfigError('gradcheck: use either --model or --preset, not both');
  if (!flags.model) {
    const name = flags.preset ?? 'mlp';
    const preset = GRADCHECK_PRESETS[name];
    if (!preset) throw new ConfigError(`gradcheck: unknown preset '${name}' (known: ${Object.keys(GRADCHECK_PRESETS).join(', ')})`);
    return { model: preset.build(), shape: preset.inputShape, what: `preset ${name}: ${preset.description}` };
  }
  const { model } = loadModule(flags.model);
  const known = flags.inputShape ? flags.inputShape.split(/[,x×]/).map((d) => Math.round(positive('--input-shape', d))) : modelInputShape(model)?.shape;
  const embedded = model.namedModules().some(([, m]) => m instanceof Embedding);
  const shape = known ? [...known] : embedded ? [5] : undefined;
  if (!shape) throw new ConfigError(`gradcheck: the input shape of ${flags.model} is not recorded; give it with --input-shape (e.g. 1,28,28)`);
  return { model, shape, what: `model ${flags.model}` };
}

/** A random batch for the model: token ids below the first Embedding's size, else N(0, 1) values. */
function randomBatch(model: AnyModule, batch: number, shape: readonly number[]): Tensor {
  const emb = model.namedModules().find(([, m]) => m instanceof Embedding)?.[1] as Embedding | undefined;
  const x = randn([batch, ...shape]);
  if (emb) for (let i = 0; i < x.size; i++) x.data[i] = randomInt(emb.numEmbeddings);
  return x;
}

/** One line of the table: name, shape, elements checked, worst error, verdict. */
function formatRow(r: ParameterCheck, width: number): string {
  const err = Number.isNaN(r.worstError) ? 'NaN' : r.worstError.toExponential(2);
  const where = r.pass ? '' : ` (element ${r.index}: back-propagation ${r.analytic.toPrecision(6)}, finite difference ${r.numeric.toPrecision(6)})`;
  return `  ${r.name.padEnd(width)} [${r.shape.join(', ')}]`.padEnd(width + 20) + ` ${`${r.checked}/${r.size}`.padStart(11)}  ${err.padStart(9)}  ${r.pass ? 'pass' : 'FAIL'}${where}`;
}

/** Runs `backprop gradcheck`; returns the exit code (0 all pass, 1 any fails). */
export function gradcheckCommand(flags: GradcheckFlags, out: (line: string) => void): number {
  const tolerance = positive('--tolerance', flags.tolerance);
  const eps = flags.eps === undefined ? undefined : positive('--eps', flags.eps);
  const maxElements = flags.elements === undefined ? 64 : flags.elements === 'all' ? Infinity : Math.round(positive('--elements', flags.elements));
  manualSeed(flags.seed === undefined ? 0 : Math.round(Number(flags.seed)) || 0);
  const { model, shape, what } = resolveModel(flags);
  const x = randomBatch(model, flags.batch, shape);
  const results = gradcheckModel(model, [x], { tolerance, eps, maxElements });
  const pass = results.every((r) => r.pass);
  if (flags.json) {
    out(JSON.stringify({ model: what, batch: x.shape, tolerance, eps: eps ?? 1e-6, pass, results }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));
    return pass ? 0 : 1;
  }
  out(`gradcheck ${what}; random batch [${x.shape.join(', ')}]; float64, central differences (eps ${eps ?? 1e-6}), relative error |bp − fd| / max(1, |bp|, |fd|), tolerance ${tolerance}`);
  const width = Math.max(9, ...results.map((r) => r.name.length));
  out(`  ${'parameter'.padEnd(width)} shape`.padEnd(width + 20) + `     checked  worst err  result`);
  for (const r of results) out(formatRow(r, width));
  const failed = results.filter((r) => !r.pass).map((r) => r.name);
  out(pass ? `all ${results.length} parameter tensors pass` : `${failed.length} of ${results.length} parameter tensors FAIL: ${failed.join(', ')}`);
  return pass ? 0 : 1;
}
