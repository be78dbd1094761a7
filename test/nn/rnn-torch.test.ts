// PyTorch parity of the recurrent layers and cells (test/fixtures/rnn.json, written by
// scripts/make_rnn_fixtures.py with torch): PyTorch's state_dict loads by its own names, and the
// outputs, final states and the gradients of sum(output·R) + sum(h_N·S) (+ sum(c_N·U)) with respect
// to the input, the initial state and every parameter agree within float32 tolerance, for both
// impls. Cases with lengths were run by PyTorch as packed sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as bp from '../../src/index.js';
import { assertClose } from '../parity/compare.js';

interface Case {
  name: string;
  type: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  options: bp.RNNOptions;
  stateDict: Record<string, bp.NestedArray>;
  x: bp.NestedArray;
  h0?: bp.NestedArray;
  c0?: bp.NestedArray;
  lengths?: number[];
  out: bp.NestedArray;
  hN?: bp.NestedArray;
  cN?: bp.NestedArray;
  R: bp.NestedArray;
  S?: bp.NestedArray;
  U?: bp.NestedArray;
  grads: { x: bp.NestedArray; h0?: bp.NestedArray; c0?: bp.NestedArray; params: Record<string, bp.NestedArray> };
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/rnn.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

/** Σ a·b over all elements. */
const dot = (a: bp.Tensor, b: bp.NestedArray): bp.Tensor => bp.sum(bp.mul(a, bp.tensor(b)));

/** Builds the layer or cell a case describes, with the case's PyTorch weights loaded by name. */
function build(c: Case): bp.AnyModule {
  const { inputSize: f, hiddenSize: h, options: o } = c;
  const m: bp.AnyModule = {
    RNN: () => new bp.RNN(f, h, o),
    LSTM: () => new bp.LSTM(f, h, o),
    GRU: () => new bp.GRU(f, h, o),
    RNNCell: () => new bp.RNNCell(f, h, o),
    LSTMCell: () => new bp.LSTMCell(f, h, o),
    GRUCell: () => new bp.GRUCell(f, h, o),
  }[c.type]();
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, bp.tensor(v)]))); // strict: names match PyTorch's
  return m;
}

/** Runs a case forward and backward; returns the results to compare. */
function run(c: Case, impl: bp.RecurrenceImpl) {
  const m = build(c);
  const x = bp.tensor(c.x, { requiresGrad: true });
  const h0 = c.h0 === undefined ? undefined : bp.tensor(c.h0, { requiresGrad: true });
  const c0 = c.c0 === undefined ? undefined : bp.tensor(c.c0, { requiresGrad: true });
  const seq = c.lengths ? { lengths: c.lengths } : undefined;
  let out: bp.Tensor;
  let hN: bp.Tensor | undefined;
  let cN: bp.Tensor | undefined;
  let loss: bp.Tensor;
  if (m instanceof bp.RNNCell || m instanceof bp.GRUCell) {
    out = m.call(x, h0);
    loss = dot(out, c.R);
  } else if (m instanceof bp.LSTMCell) {
    [out, cN] = m.call(x, [h0!, c0!]);
    loss = bp.add(dot(out, c.R), dot(cN, c.S!));
  } else if (m instanceof bp.LSTM) {
    m.impl = impl;
    [out, [hN, cN]] = m.call(x, h0 && c0 ? [h0, c0] : null, seq);
    loss = bp.add(bp.add(dot(out, c.R), dot(hN, c.S!)), dot(cN, c.U!));
  } else {
    const layer = m as bp.RNN | bp.GRU;
    layer.impl = impl;
    [out, hN] = layer.call(x, h0 ?? null, seq);
    loss = bp.add(dot(out, c.R), dot(hN, c.S!));
  }
  loss.backward();
  return { m, x, h0, c0, out, hN, cN };
}

test(`fixture written by torch ${fixture.torch} holds every layer and cell kind`, () => {
  const types = new Set(fixture.cases.map((c) => c.type));
  assert.deepEqual([...types].sort(), ['GRU', 'GRUCell', 'LSTM', 'LSTMCell', 'RNN', 'RNNCell']);
  assert.ok(fixture.cases.some((c) => c.options.bidirectional && (c.options.numLayers ?? 1) === 2));
  assert.ok(fixture.cases.some((c) => c.lengths));
});

for (const c of fixture.cases) {
  for (const impl of ['fused', 'unrolled'] as const) {
    if (c.type.endsWith('Cell') && impl === 'unrolled') continue; // a cell has no time loop
    test(`${c.type} matches PyTorch: ${c.name}${c.type.endsWith('Cell') ? '' : ` (${impl})`}`, () => {
      const r = run(c, impl);
      assertClose(`${c.name}: output`, r.out, c.out);
      if (c.hN !== undefined) assertClose(`${c.name}: hN`, r.hN ?? null, c.hN);
      if (c.cN !== undefined) assertClose(`${c.name}: cN`, r.cN ?? null, c.cN);
      assertClose(`${c.name}: ∂L/∂x`, r.x.grad, c.grads.x);
      if (c.grads.h0 !== undefined) assertClose(`${c.name}: ∂L/∂h0`, r.h0?.grad ?? null, c.grads.h0);
      if (c.grads.c0 !== undefined) assertClose(`${c.name}: ∂L/∂c0`, r.c0?.grad ?? null, c.grads.c0);
      const params = r.m.namedParameters();
      assert.deepEqual(params.map(([n]) => n).sort(), Object.keys(c.grads.params).sort());
      for (const [n, p] of params) assertClose(`${c.name}: ∂L/∂${n}`, p.grad, c.grads.params[n]);
    });
  }
}

test('stateDict() gives PyTorch names and values back, so weights load both ways', () => {
  for (const c of fixture.cases) {
    const sd = build(c).stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(c.stateDict), c.name); // PyTorch's order too
    for (const [k, v] of Object.entries(c.stateDict)) assertClose(`${c.name}: ${k}`, sd[k], v);
  }
});
