/**
 * A Keras-style summary of any model: one row per layer (its name and type, output shape with the
 * batch axis as -1, parameter count) and the totals. Found by running a dummy batch through the
 * model under noGrad with a forward hook on every layer, so it needs nothing but the modules.
 */
import { ValueError } from '../errors.js';
import { Tensor, zeros } from '../tensor/tensor.js';
import { checkSize } from '../tensor/limits.js';
import { noGrad } from '../autograd/graph.js';
import type { AnyModule } from './module.js';
import type { RemovableHandle } from './hooks.js';

/**
 * The shape of one sample of each input, without the batch axis: `[1, 28, 28]` for one tensor,
 * `[[2], [3]]` for two, `[[5], [[8], [8]]]` for `(x, [h, c])`.
 */
export type InputSpec = readonly number[] | readonly InputSpec[];

/** A layer's output shape (batch axis -1), or a tuple of them for a layer returning several tensors. */
export type OutputShape = readonly number[] | readonly OutputShape[];

/** One layer of a summary. */
export interface SummaryRow {
  /** Dotted name in the model ('' for the model itself when it is a single layer). */
  name: string;
  /** Class name, e.g. 'Linear'. */
  type: string;
  /** Output shape of its first call, or null when the dummy batch did not reach it. */
  outputShape: OutputShape | null;
  /** Values in its own parameters and buffers. */
  params: number;
  /** Of those, the ones trained by gradient (parameters with requiresGrad). */
  trainable: number;
}

/** What summarize() finds. */
export interface ModelSummary {
  /** The model's class name. */
  model: string;
  /** Input shapes with the batch axis as -1. */
  input: OutputShape;
  rows: SummaryRow[];
  /** Every value in parameters and buffers, each shared tensor once. */
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** Each layer's first output, in the order the layers were entered (a container before its children). */
type Run = Map<AnyModule, unknown>;

/** Rows and totals for `model` on inputs of `inputShape` (default: the model's own inputShape). */
export function summarize(model: AnyModule, inputShape?: InputSpec): ModelSummary {
  const spec = inputShape ?? model.inputShape;
  const type = model.constructor.name;
  if (spec === undefined) throw new ValueError(`summary: ${type} does not know its input shape; pass one, e.g. summary([784]) or summary([1, 28, 28])`);
  checkSpec(spec, type);
  // A row per layer: every leaf, and every module holding parameters or buffers of its own.
  const layers = model.namedModules().filter(([, m]) => m.children().length === 0 || m.namedParameters(false).length + m.namedBuffers(false).length > 0);
  // Two runs, with batches of 1 and 2: an axis whose size changes between them is the batch axis.
  const one = traced(model, layers, spec, 1);
  const two = traced(model, layers, spec, 2);
  const trainedByGradient = new Set(model.parameters().filter((p) => p.requiresGrad));
  const seen = new Set<Tensor>(); // a tensor shared by two layers is counted at the first
  const own = (m: AnyModule) => [...m.namedParameters(false), ...m.namedBuffers(false)].map(([, t]) => t).filter((t) => !seen.has(t) && seen.add(t));
  const order = [...layers].sort(([, a], [, b]) => position(one, a) - position(one, b));
  const rows = order.map(([name, m]): SummaryRow => {
    const tensors = own(m);
    return {
      name,
      type: m.constructor.name,
      outputShape: one.has(m) ? batchAxis(shapeOf(one.get(m)), shapeOf(two.get(m))) : null,
      params: sum(tensors),
      trainable: sum(tensors.filter((t) => trainedByGradient.has(t))),
    };
  });
  for (const [, m] of model.namedModules()) own(m); // containers' own tensors count in the totals
  const total = sum([...seen]);
  const trainable = sum([...seen].filter((t) => trainedByGradient.has(t)));
  return { model: type, input: batchAxis(specShape(spec, 1), specShape(spec, 2)), rows, total, trainable, nonTrainable: total - trainable };
}

function sum(tensors: Tensor[]): number {
  return tensors.reduce((n, t) => n + t.size, 0);
}

/** The summary as a table, Keras-style. */
export function formatSummary(s: ModelSummary): string {
  const header = ['Layer (type)', 'Output shape', 'Param #'];
  const cells = s.rows.map((r) => [r.name ? `${r.name} (${r.type})` : r.type, r.outputShape ? fmtOutput(r.outputShape) : 'not called', thousands(r.params)]);
  const width = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `${c[0].padEnd(width[0])}   ${c[1].padEnd(width[1])}   ${c[2].padStart(width[2])}`.trimEnd();
  const rule = (ch: string) => ch.repeat(width[0] + width[1] + width[2] + 6);
  return [
    `Model: ${s.model} (input ${fmtOutput(s.input)})`,
    rule('_'),
    line(header),
    rule('='),
    ...cells.map(line),
    rule('='),
    `Total params: ${thousands(s.total)}`,
    `Trainable params: ${thousands(s.trainable)}`,
    `Non-trainable params: ${thousands(s.nonTrainable)}`,
    rule('_'),
  ].join('\n');
}

/** Prints the summary table of `model` (by default to stdout) and returns its text. */
export function printSummary(model: AnyModule, inputShape?: InputSpec, print: (text: string) => void = (t) => console.log(t)): string {
  const text = formatSummary(summarize(model, inputShape));
  print(text);
  return text;
}

/** Each layer's output when the model runs on a zero batch of `batch`, in eval mode, without a graph. */
function traced(model: AnyModule, layers: [string, AnyModule][], spec: InputSpec, batch: number): Run {
  const outputs: Run = new Map();
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  const handles: RemovableHandle[] = layers.flatMap(([, m]) => [
    m.registerForwardPreHook((mod) => {
      if (!outputs.has(mod)) outputs.set(mod, undefined);
    }),
    m.registerForwardHook((mod, _inputs, out) => {
      if (outputs.get(mod) === undefined) outputs.set(mod, out);
    }),
  ]);
  try {
    model.eval();
    const inputs = isShape(spec) ? [makeInput(spec, batch)] : spec.map((s) => makeInput(s, batch));
    noGrad(() => (model as unknown as { call(...args: unknown[]): unknown }).call(...inputs));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, mode] of modes) m.training = mode;
  }
  return outputs;
}

function isShape(spec: InputSpec): spec is readonly number[] {
  return spec.every((d) => typeof d === 'number');
}

function checkSpec(spec: unknown, type: string): void {
  const ok = (s: unknown): boolean => Array.isArray(s) && (s.every((d) => Number.isInteger(d) && (d as number) >= 1) || (s.length > 0 && s.every(ok)));
  if (!ok(spec)) throw new ValueError(`summary of ${type}: input shape must be a list of whole numbers ≥ 1 such as [1, 28, 28], or a list of such shapes for several inputs, got ${JSON.stringify(spec)}`);
}

function makeInput(spec: InputSpec, batch: number): unknown {
  if (!isShape(spec)) return spec.map((s) => makeInput(s, batch));
  const shape = [batch, ...spec];
  checkSize(shape, 'summary');
  return zeros(shape);
}

function specShape(spec: InputSpec, batch: number): OutputShape {
  return isShape(spec) ? [batch, ...spec] : spec.map((s) => specShape(s, batch));
}

/** The shape tree of a layer's output: a tensor's shape, or a tuple of them; [] for anything else. */
function shapeOf(out: unknown): OutputShape {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out)) return out.map(shapeOf);
  return [];
}

/** `a` with -1 on every axis where `b` (the same run at another batch size) differs. */
function batchAxis(a: OutputShape, b: OutputShape): OutputShape {
  if (a.length !== b.length) return a;
  if (isShape(a)) return isShape(b) ? a.map((d, i) => (d === b[i] ? d : -1)) : a;
  return isShape(b) ? a : a.map((x, i) => batchAxis(x as OutputShape, b[i] as OutputShape));
}

function fmtOutput(s: OutputShape): string {
  return isShape(s) ? `[${s.join(', ')}]` : `(${s.map((x) => fmtOutput(x as OutputShape)).join(', ')})`;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

function position(run: Run, m: AnyModule): number {
  const i = [...run.keys()].indexOf(m);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
