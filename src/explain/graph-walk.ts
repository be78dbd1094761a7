/**
 * The autograd graph behind a tensor, read for drawing: every tensor reachable through the recorded
 * ops (src/autograd/graph.ts), with its op (or what kind of leaf it is), shape, a value summary,
 * a gradient summary when it has one, the tensors it was computed from and its column (depth).
 */
import { GraphError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatNumber } from './document.js';

/** One box of the drawing. */
export interface GraphBox {
  /** 'n0', 'n1', … in order, inputs before outputs. */
  readonly id: string;
  /** The op that produced it, or for a leaf its name ('0.weight', 'x') or kind ('parameter', 'constant'). */
  readonly label: string;
  readonly kind: 'op' | 'parameter' | 'input';
  readonly shape: readonly number[];
  /** 'value 0.76' for one element, else 'mean …  min …  max …'. */
  readonly value: string;
  /** The same for .grad, or null when it has none (backward has not run, or did not keep it). */
  readonly grad: string | null;
  /** The ids of the tensors it was computed from, in the op's argument order. */
  readonly inputs: readonly string[];
  /** Column in a left-to-right layout: the loss is rightmost, leaves sit just left of their first use. */
  depth: number;
}

/** mean/min/max of an array, or the value of a one-element one. */
function summary(prefix: string, data: ArrayLike<number>): string {
  if (data.length === 1) return `${prefix} ${formatNumber(data[0])}`;
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  return `${prefix} mean ${formatNumber(sum / data.length)} min ${formatNumber(lo)} max ${formatNumber(hi)}`;
}

/** An op's attributes in short ('exponent=2, axes=[1]'), or '' when it has none. */
function attrText(attrs: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(attrs).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  const s = parts.join(', ');
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** The tensors reachable from root, inputs before outputs. */
function topo(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const child = inputs[top[1]++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

/** Places each leaf one column left of its first consumer, and each op one right of its latest input. */
function assignDepths(boxes: GraphBox[]): void {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  for (const b of boxes) if (b.inputs.length > 0) b.depth = 1 + Math.max(...b.inputs.map((i) => byId.get(i)?.depth ?? 0));
  for (const b of boxes) {
    if (b.inputs.length > 0) continue;
    const uses = boxes.filter((c) => c.inputs.includes(b.id)).map((c) => c.depth);
    if (uses.length > 0) b.depth = Math.min(...uses) - 1;
  }
  const min = Math.min(...boxes.map((b) => b.depth));
  for (const b of boxes) b.depth -= min;
}

/** The boxes of the graph behind root; `names` labels leaves (parameters, the input). */
export function walkGraph(root: Tensor, names: ReadonlyMap<Tensor, string> = new Map()): GraphBox[] {
  if (root.freed) throw new GraphError('drawGraph: backward() already freed the graph behind this tensor; draw it before backward, pass { backward: true } to drawGraph, or call backward({ retainGraph: true })');
  const order = topo(root);
  const ids = new Map(order.map((t, i) => [t, `n${i}`]));
  const boxes = order.map((t): GraphBox => {
    const node = t.node;
    const kind = node ? 'op' : t.requiresGrad ? 'parameter' : 'input';
    const attrs = node ? attrText(node.attrs) : '';
    const label = node ? (attrs ? `${node.op} (${attrs})` : node.op) : names.get(t) ?? (t.requiresGrad ? 'parameter' : t.size === 1 ? 'constant' : 'input');
    return {
      id: ids.get(t) as string,
      label,
      kind,
      shape: t.shape,
      value: summary('value', t.data),
      grad: t.grad ? summary('grad', t.grad.data) : null,
      inputs: (node?.inputs ?? []).map((i) => ids.get(i) as string),
      depth: 0,
    };
  });
  assignDepths(boxes);
  return boxes;
}
