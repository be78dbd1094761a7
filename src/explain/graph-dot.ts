/** The autograd graph as Graphviz DOT text: one box per tensor, an edge from each input to the op's output. */
import type { GraphBox } from './graph-walk.js';

/** A DOT string literal; newlines become DOT's \\n line breaks. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The lines of a box's label: op or name, shape, value summary, gradient summary. */
export function boxLines(b: GraphBox): string[] {
  return [b.label, `[${b.shape.join(', ')}]`, b.value, ...(b.grad ? [b.grad] : [])];
}

const FILL: Record<GraphBox['kind'], string> = { op: '#dbe9f6', parameter: '#dff0d8', input: '#eeeeee' };

/** The boxes as a DOT digraph, laid out left to right. */
export function graphToDot(boxes: readonly GraphBox[]): string {
  const out = ['digraph autograd {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=10];'];
  for (const b of boxes) out.push(`  ${b.id} [label=${quote(boxLines(b).join('\n'))}, fillcolor=${quote(FILL[b.kind])}];`);
  for (const b of boxes) for (const i of b.inputs) out.push(`  ${i} -> ${b.id};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
