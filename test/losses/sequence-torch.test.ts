// sequenceCrossEntropy against PyTorch: cross_entropy(ignore_index=0) of padded sequences is the loss with the mask of non-PAD targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, sequenceCrossEntropy, mul, sum } from '../../src/index.js';
import { assertClose } from '../helpers.js';

interface Case { reduction: 'mean' | 'sum' | 'none'; logits: number[]; shape: [number, number, number]; target: number[]; out: number[]; w: number[] | null; grad: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/seq-loss.json', import.meta.url), 'utf8')) as { cases: Case[] };

test('sequenceCrossEntropy with the mask of non-PAD targets matches PyTorch cross_entropy(ignore_index=0): value and gradient, every reduction', () => {
  for (const c of fixture.cases) {
    const [n, t] = c.shape;
    const logits = new Tensor(Float32Array.from(c.logits), c.shape, true);
    const mask = new Tensor(Float32Array.from(c.target, (v) => (v === 0 ? 0 : 1)), [n, t]);
    const out = sequenceCrossEntropy(logits, new Tensor(Float32Array.from(c.target), [n, t]), { mask, reduction: c.reduction });
    assertClose(Array.from(out.data), c.out, 1e-5);
    (c.w ? sum(mul(out, new Tensor(Float32Array.from(c.w), [n, t]))) : out).backward();
    assertClose(Array.from(logits.grad!.data), c.grad, 1e-5);
    if (c.reduction === 'none') {
      // padded steps: loss 0 and no gradient at all
      for (let i = 0; i < n * t; i++) if (c.target[i] === 0) {
        assert.equal(out.data[i], 0);
        assert.ok(Array.from(logits.grad!.data.subarray(i * c.shape[2], (i + 1) * c.shape[2])).every((g) => g === 0), `step ${i}`);
      }
    }
  }
});
