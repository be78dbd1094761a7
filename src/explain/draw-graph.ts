/**
 * drawGraph(): any loss's autograd graph as a picture, micrograd-style — each tensor a box with its
 * op, shape, value summary and (once backward ran) gradient summary — as SVG or Graphviz DOT.
 */
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { backward } from '../autograd/graph.js';
import type { AnyModule } from '../nn/module.js';
import { walkGraph } from './graph-walk.js';
import { graphToDot } from './graph-dot.js';
import { graphToSvg } from './graph-svg.js';

/** Options of drawGraph(). */
export interface DrawGraphOptions {
  /** 'svg' (default) or 'dot'. */
  format?: 'svg' | 'dot';
  /**
   * Run backward from the loss first, keeping every intermediate gradient so each box shows one
   * (the graph is retained; the parameters' .grad accumulate as after any backward). Default false.
   */
  backward?: boolean;
  /** Names the parameters' boxes after the model's parameter names ('0.weight', …). */
  model?: AnyModule;
  /** More leaf names, e.g. { x: input, d: target }. */
  names?: Record<string, Tensor>;
  /** The SVG's title. */
  title?: string;
}

/** Every tensor reachable from root through recorded ops. */
function reachable(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>([root]);
  const todo = [root];
  while (todo.length > 0) {
    const t = todo.pop() as Tensor;
    for (const i of t.node?.inputs ?? []) if (!seen.has(i)) { seen.add(i); todo.push(i); }
  }
  return [...seen];
}

/** The autograd graph behind `loss` drawn as an SVG document or Graphviz DOT text. */
export function drawGraph(loss: Tensor, options: DrawGraphOptions = {}): string {
  const format = options.format ?? 'svg';
  if (format !== 'svg' && format !== 'dot') throw new ConfigError(`drawGraph: unknown format '${String(format)}' (known: svg, dot)`);
  const names = new Map<Tensor, string>();
  for (const [name, p] of options.model?.namedParameters() ?? []) names.set(p, name);
  for (const [name, t] of Object.entries(options.names ?? {})) names.set(t, name);
  if (options.backward && !loss.freed) {
    for (const t of reachable(loss)) if (t.node) t.retainGrad();
    backward(loss, undefined, { retainGraph: true });
  }
  const boxes = walkGraph(loss, names);
  return format === 'dot' ? graphToDot(boxes) : graphToSvg(boxes, options.title);
}
