// Tensor data goes through the DataLoader: {x, y} and the equivalent DataLoader give the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { Adam } from '../../src/optim/index.js';

function blobs(n: number): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(100);
  const x = bp.randn([n, 2], { std: 0.5 });
  const y = bp.tensor(Array.from({ length: n }, (_, i) => i % 2));
  for (let i = 0; i < n; i++) x.data[2 * i] += i % 2 ? 1 : -1;
  return { x, y };
}

for (const [batchSize, dropLast] of [[7, false], [7, true], [1, false]] as const) {
  test(`{x, y} with batchSize ${batchSize}${dropLast ? ', dropLast' : ''} trains exactly as a shuffled DataLoader over a TensorDataset`, () => {
    const data = blobs(30);
    const run = (source: bp.XY | bp.BatchSource) => {
      bp.manualSeed(8);
      const m = bp.mlp([2, 5, 2], { dropout: 0.2 });
      const h = bp.fit(m, source, { loss: 'crossEntropy', optimizer: new Adam(m.parameters(), { lr: 0.05 }), epochs: 3, batchSize, dropLast, metrics: ['accuracy'], progress: 'none' });
      return { h, w: m.parameters().map((p) => Array.from(p.data)) };
    };
    const a = run(data);
    const b = run(new bp.DataLoader(new bp.TensorDataset(data.x, data.y), { batchSize, shuffle: true, dropLast }));
    assert.equal(a.h.steps, 3 * (dropLast ? Math.floor(30 / batchSize) : Math.ceil(30 / batchSize)));
    assert.deepEqual(a.h, b.h);
    assert.deepEqual(a.w, b.w);
  });
}

test("batchSize 'full' is one batch holding every row (the tensors themselves when not shuffled)", () => {
  const data = blobs(12);
  const seen: bp.Tensor[] = [];
  class Spy extends bp.Module {
    lin = new bp.Linear(2, 2);
    override forward(x: bp.Tensor): bp.Tensor {
      if (this.training) seen.push(x);
      return this.lin.call(x);
    }
  }
  const m = new Spy();
  bp.fit(m, data, { loss: 'crossEntropy', optimizer: new Adam(m.parameters()), epochs: 2, batchSize: 'full', shuffle: false, progress: 'none' });
  assert.equal(seen.length, 2);
  assert.ok(seen.every((x) => x === data.x), 'no copy of the data per step');
});
