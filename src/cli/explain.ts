/**
 * `backprop explain` and `backprop graph`: a preset's or a saved model's forward and backward pass
 * written out in the lecture's notation, or its autograd graph drawn as SVG or DOT. Both write to
 * stdout, or atomically to --out.
 */
import { readFileSync, existsSync } from 'node:fs';
import { BackpropError, ConfigError } from '../errors.js';
import { Tensor, tensor, type NestedArray } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import type { Module } from '../nn/module.js';
import { loadModule } from '../models/persist.js';
import { Standardizer, type StandardizerState } from '../data/preprocess.js';
import { isLossName, lossByName } from '../losses/index.js';
import { explain, formatExplain, explainPreset, drawGraph, EXPLAIN_PRESETS, type ExplainFormat } from '../explain/index.js';
import { EXPLAIN_LOSSES } from '../explain/loss-formulas.js';
import { targetBatch } from '../explain/inputs.js';
import { planLayers } from '../explain/plan.js';
import { checkSavedMetadata } from './saved.js';
import { shapeInputs } from './input-shape.js';
import type { ExplainLoss } from '../explain/types.js';
import type { CliIO } from './main.js';

/** The flags explain and graph share. */
export interface ExplainFlags {
  preset?: string;
  model?: string;
  input?: string;
  target?: string;
  loss?: string;
  format?: string;
  out?: string;
  /** graph only: run backward first so each box shows its gradient (default true; --no-backward turns it off). */
  backward?: boolean;
}

/** A network with its input, target and loss, from a preset or a saved model. */
interface Source {
  model: Module;
  x: NestedArray | Tensor;
  target: NestedArray;
  loss: string;
  title: string;
}

/** A JSON value from a flag (or the .json file it names). */
function jsonFlag(flag: string, value: string): NestedArray {
  const text = /\.json$/i.test(value) && existsSync(value) ? readFileSync(value, 'utf8') : value;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${flag}: not valid JSON (${(e as Error).message}); give a number or nested lists such as "[[0.5, 1]]"`);
  }
  if (typeof v !== 'number' && !Array.isArray(v)) throw new ConfigError(`${flag}: expected a number or nested lists of numbers, got ${JSON.stringify(v)}`);
  return v as NestedArray;
}

function presetSource(flags: ExplainFlags): Source {
  const name = flags.preset ?? 'lecture';
  if (!(EXPLAIN_PRESETS as readonly string[]).includes(name)) throw new ConfigError(`--preset: unknown preset '${name}' (known: ${EXPLAIN_PRESETS.join(', ')})`);
  const p = explainPreset(name);
  const x = flags.input !== undefined ? jsonFlag('--input', flags.input) : p.x;
  const target = flags.target !== undefined ? jsonFlag('--target', flags.target) : p.target;
  // The input is shown in the tables; the title keeps only what the network is.
  const title = `explain --preset ${name}: ${p.description.replace(/, at x = .*$/, '')}`;
  return { model: p.model, x, target, loss: flags.loss ?? p.loss, title };
}

function modelSource(path: string, flags: ExplainFlags, check: (model: Module) => void): Source {
  if (flags.input === undefined || flags.target === undefined) throw new ConfigError('--model needs --input (the inputs, e.g. "[[0, 1]]") and --target (the desired outputs, or class indices)');
  const { model, metadata } = loadModule(path);
  check(model);
  const config = checkSavedMetadata(metadata, path);
  let x: Tensor = tensor(jsonFlag('--input', flags.input));
  if (x.ndim <= 1) x = x.ndim === 0 ? new Tensor(x.data, [1, 1]) : new Tensor(x.data, [1, x.size]);
  x = shapeInputs(model, x, 'explain');
  if (metadata.standardizer) x = noGrad(() => Standardizer.fromJSON(metadata.standardizer as unknown as StandardizerState).transform(x));
  const loss = flags.loss ?? (config.loss && isLossName(config.loss) ? config.loss : 'l2');
  return { model, x, target: jsonFlag('--target', flags.target), loss, title: `explain ${path}` };
}

/** The network to explain or draw; `check` vets a loaded model before its inputs are shaped. */
function source(flags: ExplainFlags, check: (model: Module) => void = () => undefined): Source {
  if (flags.preset !== undefined && flags.model !== undefined) throw new ConfigError('use either --preset or --model, not both');
  return flags.model !== undefined ? modelSource(flags.model, flags, check) : presetSource(flags);
}

/** Prints `text`, or writes it atomically to --out and says so on stderr. */
function emit(text: string, flags: ExplainFlags, io: CliIO): void {
  if (flags.out === undefined) {
    io.out(text.replace(/\n$/, ''));
    return;
  }
  try {
    writeFileAtomicSync(flags.out, text);
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new BackpropError(`--out ${flags.out}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  io.err(`wrote ${flags.out}`);
}

/** Widest layer the CLI writes out: each weight is a table cell, and a 784-input layer is no reading. */
const MAX_FEATURES = 64;

/** Refuses a model explain cannot take apart, or one too wide to print. */
function checkSmall(model: Module): void {
  for (const { name, linear } of planLayers(model).layers) {
    const widest = Math.max(linear.inFeatures, linear.outFeatures);
    if (widest > MAX_FEATURES) throw new ConfigError(`explain writes out small networks: layer '${name}' is Linear(${linear.inFeatures}→${linear.outFeatures}), more than ${MAX_FEATURES} neurons on a side (the library's explain() takes it; print parts of its record yourself)`);
  }
}

/** `backprop explain`: prints the written-out back-propagation; exit 1 if a formula disagrees with autograd. */
export function explainCommand(flags: ExplainFlags, io: CliIO): number {
  const format = (flags.format ?? 'table') as ExplainFormat;
  if (!['table', 'markdown', 'html'].includes(format)) throw new ConfigError(`--format: unknown format '${format}' (known: table, markdown, html)`);
  const s = source(flags, checkSmall);
  if (!(EXPLAIN_LOSSES as readonly string[]).includes(s.loss)) throw new ConfigError(`${flags.loss === undefined ? 'the model\'s training loss' : '--loss'}: explain knows the gradient formula of ${EXPLAIN_LOSSES.join(', ')}, not '${s.loss}'${flags.loss === undefined ? ' (choose one with --loss)' : ''}`);
  const record = explain(s.model, s.x, s.target, { loss: s.loss as ExplainLoss });
  emit(formatExplain(record, format, s.title), flags, io);
  const bad = record.checks.filter((c) => !c.ok);
  for (const c of bad) io.err(`backprop: check failed: ${c.what} (max difference ${c.maxAbsDiff})`);
  return bad.length > 0 ? 1 : 0;
}

/** `backprop graph`: the autograd graph of the preset's or model's loss, as SVG or DOT. */
export function graphCommand(flags: ExplainFlags, io: CliIO): number {
  const format = flags.format ?? 'svg';
  if (format !== 'svg' && format !== 'dot') throw new ConfigError(`--format: unknown format '${format}' (known: svg, dot)`);
  const s = source(flags);
  const lossFn = lossByName(s.loss);
  let x = s.x instanceof Tensor ? s.x : tensor(s.x);
  if (x.ndim <= 1) x = new Tensor(x.data, [1, Math.max(1, x.size)]);
  const out = s.model.call(x);
  const outFeatures = out.shape[out.ndim - 1] ?? 1;
  const d = targetBatch(s.target, s.loss === 'crossEntropy' || s.loss === 'nll' ? 'crossEntropy' : 'l2', x.shape[0], outFeatures).tensor;
  const loss = lossFn(out, d);
  emit(drawGraph(loss, { format, backward: flags.backward ?? true, model: s.model, names: { x, d }, title: s.title.replace(/^explain/, 'graph') }), flags, io);
  return 0;
}
