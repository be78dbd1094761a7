// The Embedding layer: PyTorch's name and layout (weight [V, E]) and N(0, 1) init, a PyTorch
// weight loaded through loadStateDict giving PyTorch's output, the padding row zero through
// training, save/load of its config, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose as assertParity } from '../parity/compare.js';
import { fromNested } from '../ops/conv-fixture.js';
import { throwsWith } from '../helpers.js';

interface EmbeddingCase { name: string; weight: bp.NestedArray; indices: bp.NestedArray; paddingIdx: number | null; out: bp.NestedArray }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/embedding.json', import.meta.url), 'utf8')) as { cases: EmbeddingCase[] };

test('Embedding has PyTorch\'s parameter: weight [numEmbeddings, embeddingDim]', () => {
  const e = new bp.Embedding(10, 4);
  assert.deepEqual(e.namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [10, 4]]]);
  assert.deepEqual(Object.keys(e.stateDict()), ['weight']);
  assert.equal(String(e), 'Embedding(10, 4)');
  assert.equal(String(new bp.Embedding(10, 4, { paddingIdx: -1 })), 'Embedding(10, 4, paddingIdx=9)');
});

test('Embedding init as PyTorch: N(0, 1), the padding row zero', () => {
  bp.manualSeed(21);
  const e = new bp.Embedding(200, 50, { paddingIdx: 7 });
  const w = e.weight.toArray() as number[][];
  assert.ok(w[7].every((v) => v === 0), 'padding row is zero');
  const rest = w.filter((_, i) => i !== 7).flat();
  const mean = rest.reduce((s, v) => s + v, 0) / rest.length;
  const variance = rest.reduce((s, v) => s + (v - mean) ** 2, 0) / rest.length;
  // 9,950 draws: the sample mean's standard error is 0.01, the variance's about 0.014.
  assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.06, `variance ${variance}`);
});

test('a PyTorch nn.Embedding weight loads through loadStateDict and gives PyTorch\'s output', () => {
  for (const c of fixture.cases) {
    const weight = fromNested(c.weight);
    const [v, dim] = weight.shape;
    const e = new bp.Embedding(v, dim, { paddingIdx: c.paddingIdx });
    e.loadStateDict({ weight });
    assertParity(c.name, e.call(fromNested(c.indices)), c.out);
  }
});

test('training moves only the rows used and never the padding row', () => {
  bp.manualSeed(22);
  const e = new bp.Embedding(6, 3, { paddingIdx: 0 });
  const before = e.weight.toArray() as number[][];
  const opt = new bp.SGD(e.parameters(), { lr: 0.5, momentum: 0.9 });
  const x = bp.tensor([[2, 3, 0, 0], [3, 2, 2, 0]]); // rows 1, 4, 5 unused; 0 is padding
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    bp.mean(bp.mul(e.call(x), e.call(x))).backward();
    opt.step();
  }
  const after = e.weight.toArray() as number[][];
  for (const r of [0, 1, 4, 5]) assert.deepEqual(after[r], before[r], `row ${r} unchanged`);
  assert.deepEqual(after[0], [0, 0, 0]);
  for (const r of [2, 3]) assert.ok(after[r].some((v, j) => v !== before[r][j]), `row ${r} learned`);
});

test('Embedding saves and loads with its options and weights', () => {
  bp.manualSeed(23);
  const net = new bp.Sequential(new bp.Embedding(9, 3, { paddingIdx: 8 }), new bp.Flatten(), new bp.Linear(6, 2));
  const dir = mkdtempSync(join(tmpdir(), 'backprop-embedding-'));
  try {
    bp.saveModule(net, join(dir, 'model'));
    const back = bp.loadModule(join(dir, 'model')).model;
    assert.deepEqual(back.config(), net.config());
    const x = bp.tensor([[1, 8], [7, 0]]);
    assert.deepEqual(back.call(x).toArray(), net.call(x).toArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(bp.moduleFromConfig({ type: 'Embedding', numEmbeddings: 3, embeddingDim: 2 }).toConfig(),
    { type: 'Embedding', numEmbeddings: 3, embeddingDim: 2, paddingIdx: null });
});

test('bad Embedding options and inputs are typed errors naming the field', () => {
  throwsWith(() => new bp.Embedding(0, 3), bp.ConfigError, /numEmbeddings must be a whole number ≥ 1, got 0/);
  throwsWith(() => new bp.Embedding(3, 1.5), bp.ConfigError, /embeddingDim must be a whole number ≥ 1, got 1\.5/);
  throwsWith(() => new bp.Embedding(3, 2, { paddingIdx: 3 }), bp.ConfigError, /paddingIdx .*−3 … 2.*got 3/);
  throwsWith(() => bp.moduleFromConfig({ type: 'Embedding', numEmbeddings: 3, embeddingDim: 2, paddingIdx: 'x' }), bp.ConfigError, /field 'paddingIdx'/);
  throwsWith(() => bp.moduleFromConfig({ type: 'Embedding', numEmbeddings: 3 }), bp.ConfigError, /field 'embeddingDim'/);
  throwsWith(() => new bp.Embedding(3, 2).call(bp.tensor([3])), bp.ValueError, /index 3 .*V = 3/);
});
