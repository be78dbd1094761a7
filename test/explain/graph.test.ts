// drawGraph: the DOT of a known 2-layer net, the SVG's well-formedness and labels, gradients after backward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphError, Linear, Sequential, Tanh, drawGraph, manualSeed, pow, randn, sub, sum } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { walkGraph } from '../../src/explain/graph-walk.js';
import { escapeXml } from '../../src/explain/graph-svg.js';
import { assertWellFormedSvg as assertWellFormedXml } from '../plot/xml.js';

/** Linear(3→4), tanh, Linear(4→1) on 5 samples, loss Σ(y − d)². */
function twoLayerLoss(): { loss: Tensor; model: Sequential; x: Tensor; d: Tensor } {
  manualSeed(7);
  const model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 1));
  const x = randn([5, 3]);
  const d = randn([5, 1]);
  const loss = sum(pow(sub(model.call(x), d), 2));
  return { loss, model, x, d };
}

/** Nodes (id → first label line + shape) and edges (as 'label[shape] -> label[shape]') of DOT text. */
function parseDot(dot: string): { nodes: Map<string, string>; edges: string[] } {
  const nodes = new Map<string, string>();
  for (const m of dot.matchAll(/^\s+(n\d+) \[label="([^"]*)"/gm)) {
    const [first, shape] = m[2].split('\\n');
    nodes.set(m[1], `${first.split(' ')[0]}${shape}`);
  }
  const edges = [...dot.matchAll(/^\s+(n\d+) -> (n\d+);/gm)].map((m) => `${nodes.get(m[1])} -> ${nodes.get(m[2])}`);
  return { nodes, edges };
}

test('drawGraph DOT: a 2-layer net names every op and leaf once, with exactly the edges of the computation', () => {
  const { loss, model, x, d } = twoLayerLoss();
  const dot = drawGraph(loss, { format: 'dot', model, names: { x, d } });
  assert.match(dot, /^digraph autograd \{\n {2}rankdir=LR;/);
  const { nodes, edges } = parseDot(dot);
  assert.deepEqual([...nodes.values()].sort(), [
    '0.bias[4]', '0.weight[4, 3]', '2.bias[1]', '2.weight[1, 4]', 'd[5, 1]',
    'linear[5, 1]', 'linear[5, 4]', 'pow[5, 1]', 'sub[5, 1]', 'sum[]', 'tanh[5, 4]', 'x[5, 3]',
  ]);
  assert.deepEqual(edges.sort(), [
    '0.bias[4] -> linear[5, 4]', '0.weight[4, 3] -> linear[5, 4]', '2.bias[1] -> linear[5, 1]', '2.weight[1, 4] -> linear[5, 1]',
    'd[5, 1] -> sub[5, 1]', 'linear[5, 1] -> sub[5, 1]', 'linear[5, 4] -> tanh[5, 4]', 'pow[5, 1] -> sum[]',
    'sub[5, 1] -> pow[5, 1]', 'tanh[5, 4] -> linear[5, 1]', 'x[5, 3] -> linear[5, 4]',
  ].sort());
  assert.match(dot, /pow \(exponent=2\)/, 'op attributes are shown');
  assert.doesNotMatch(dot, /\\ngrad /, 'no gradients before backward');
});

test('drawGraph SVG: well-formed XML containing every node label; after { backward: true } each box has its gradient', () => {
  const { loss, model, x, d } = twoLayerLoss();
  const svg = drawGraph(loss, { backward: true, model, names: { x, d }, title: 'two <layers> & a loss' });
  assertWellFormedXml(svg);
  assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<title>two &lt;layers&gt; &amp; a loss<\/title>/);
  const names = new Map<Tensor, string>([[x, 'x'], [d, 'd'], ...model.namedParameters().map(([n, p]) => [p, n] as [Tensor, string])]);
  const boxes = walkGraph(loss, names);
  assert.equal(boxes.length, 12);
  for (const b of boxes) assert.ok(svg.includes(`>${escapeXml(b.label)}</text>`), `label ${b.label}`);
  assert.equal((svg.match(/marker-end=/g) ?? []).length, 11, 'one arrow per edge');
  // The loss's own gradient is 1; parameters carry autograd's gradient summary.
  assert.equal(boxes.find((b) => b.label.startsWith('sum'))?.grad, 'grad 1');
  const w2 = model.namedParameters().find(([n]) => n === '2.bias')?.[1];
  assert.equal(boxes.find((b) => b.label === '2.bias')?.grad, `grad ${Number(w2?.grad?.data[0].toPrecision(6))}`);
  assert.equal(boxes.find((b) => b.label === 'x')?.grad, null, 'the input needs no gradient');
  assert.ok(boxes.filter((b) => b.kind === 'op').every((b) => b.grad !== null), 'every op box has a gradient');
  assert.match(drawGraph(loss, { format: 'dot' }), /sum \(axes=null, keepdims=false\)\\n\[\]\\nvalue [-\d.e]+\\ngrad 1"/, 'the retained graph draws again, gradients in the DOT too');
});

test('drawGraph: a graph freed by backward() cannot be drawn, and the message says what to do', () => {
  const { loss } = twoLayerLoss();
  loss.backward();
  assert.throws(() => drawGraph(loss), (e: unknown) => e instanceof GraphError && /retainGraph|backward: true/.test(e.message));
  assert.throws(() => drawGraph(twoLayerLoss().loss, { format: 'png' as never }), /unknown format 'png'/);
});

test('the test’s XML check rejects what is not well-formed', () => {
  assert.throws(() => assertWellFormedXml('<svg><g></svg>'));
  assert.throws(() => assertWellFormedXml('<svg>a & b</svg>'));
  assert.throws(() => assertWellFormedXml('<svg x=1></svg>'));
  assertWellFormedXml('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" a="1"><g/><text>a &amp; b</text></svg>\n');
});
