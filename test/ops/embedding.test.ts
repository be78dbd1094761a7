// The embedding op: PyTorch parity (test/fixtures/embedding.json from scripts/make_embedding_fixtures.py),
// a gradient check on the weight, exact zeros in the rows no index used, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as bp from '../../src/index.js';
import { assertClose as assertParity } from '../parity/compare.js';
import { fromNested } from './conv-fixture.js';
import { throwsWith } from '../helpers.js';

interface EmbeddingCase {
  name: string;
  weight: bp.NestedArray;
  indices: bp.NestedArray;
  paddingIdx: number | null;
  out: bp.NestedArray;
  w: bp.NestedArray;
  gradWeight: bp.NestedArray;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/embedding.json', import.meta.url), 'utf8')) as { cases: EmbeddingCase[] };

test('embedding.json holds the PyTorch cases', () => {
  assert.ok(fixture.cases.length >= 5);
  assert.ok(fixture.cases.some((c) => c.paddingIdx !== null));
});

for (const c of fixture.cases) {
  test(`PyTorch parity: embedding, ${c.name}`, () => {
    const weight = fromNested(c.weight, true);
    const indices = fromNested(c.indices);
    const out = bp.embedding(indices, weight, { paddingIdx: c.paddingIdx });
    assertParity(`${c.name}: output`, out, c.out);
    bp.sum(bp.mul(out, fromNested(c.w))).backward();
    assertParity(`${c.name}: ∂loss/∂weight`, weight.grad, c.gradWeight);
    assert.equal(indices.grad, null, 'indices get no gradient');
  });
}

test('embedding is the one-hot product: row i of W for index i, shape [...indices, E]', () => {
  const w = bp.tensor([[1, 2], [3, 4], [5, 6]]);
  const y = bp.embedding(bp.tensor([[2, 0, 2]]), w);
  assert.deepEqual(y.shape, [1, 3, 2]);
  assert.deepEqual(y.toArray(), [[[5, 6], [1, 2], [5, 6]]]);
  assert.equal(y.node, null, 'nothing recorded when W does not require a gradient');
});

test('embedding gradcheck on the weight (repeated indices accumulate)', () => {
  bp.manualSeed(11);
  const w = bp.randn([5, 3], { requiresGrad: true });
  const idx = bp.tensor([[0, 4, 4], [2, 0, 4]]);
  const err = bp.gradcheck((weight) => bp.tanh(bp.embedding(idx, weight)), [w]);
  assert.ok(err < 1e-8, `gradcheck error ${err}`);
  const errPad = bp.gradcheck((weight) => bp.embedding(idx, weight, { paddingIdx: 3 }), [w]);
  assert.ok(errPad < 1e-8, `gradcheck error with an unused padding row ${errPad}`);
});

test('rows no index used keep exactly zero gradient; a repeated index gets the sum', () => {
  bp.manualSeed(12);
  const w = bp.randn([6, 4], { requiresGrad: true });
  const y = bp.embedding(bp.tensor([1, 3, 1, 1]), w);
  // Upstream δ = 1 everywhere: row 1 was looked up three times, row 3 once.
  bp.sum(y).backward();
  const g = w.grad!.toArray() as number[][];
  assert.deepEqual(g, [[0, 0, 0, 0], [3, 3, 3, 3], [0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]]);
});

test('the padding row is looked up as usual but gets no gradient', () => {
  const w = bp.tensor([[1, 1], [2, 2], [3, 3]], { requiresGrad: true });
  const y = bp.embedding(bp.tensor([0, 2, 2]), w, { paddingIdx: 2 });
  assert.deepEqual(y.toArray(), [[1, 1], [3, 3], [3, 3]]);
  bp.sum(y).backward();
  assert.deepEqual(w.grad!.toArray(), [[1, 1], [0, 0], [0, 0]]);
});

test('embedding records its op name and attributes on the graph node', () => {
  const w = bp.zeros([4, 2], { requiresGrad: true });
  const y = bp.embedding(bp.tensor([1]), w, { paddingIdx: -1 });
  assert.equal(y.node!.op, 'embedding');
  assert.deepEqual(y.node!.attrs, { numEmbeddings: 4, embeddingDim: 2, paddingIdx: 3 });
});

test('bad indices, weights and padding rows are typed errors naming the index and V', () => {
  const w = bp.zeros([4, 2]);
  throwsWith(() => bp.embedding(bp.tensor([0, 4]), w), bp.ValueError, /index 4 at position 1 is out of range.*0 … 3.*V = 4/);
  throwsWith(() => bp.embedding(bp.tensor([-1]), w), bp.ValueError, /index -1 .*out of range.*V = 4/);
  throwsWith(() => bp.embedding(bp.tensor([[1, 2.5]]), w), bp.ValueError, /index 2\.5 at position 1 is not a whole number.*V = 4/);
  throwsWith(() => bp.embedding(bp.tensor([NaN]), w), bp.ValueError, /index NaN/);
  throwsWith(() => bp.embedding(bp.tensor([0]), bp.zeros([4])), bp.ShapeError, /weight must be a matrix \[V, E\], got shape \[4\]/);
  throwsWith(() => bp.embedding(bp.tensor([0]), w, { paddingIdx: 4 }), bp.ValueError, /paddingIdx .*−4 … 3.*got 4/);
  throwsWith(() => bp.embedding(bp.tensor([0]), w, { paddingIdx: 0.5 }), bp.ValueError, /paddingIdx/);
});
