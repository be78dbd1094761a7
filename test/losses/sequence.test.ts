// sequenceCrossEntropy: PyTorch's cross_entropy(ignore_index=0) over padded sequences, its gradient, its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, tensor, randn, manualSeed, gradcheck, crossEntropy, sequenceCrossEntropy, ShapeError, ValueError, ConfigError, reshape, mul, sum } from '../../src/index.js';
import { assertClose } from '../helpers.js';

interface Case { reduction: 'mean' | 'sum' | 'none'; logits: number[]; shape: [number, number, number]; target: number[]; out: number[]; w: number[] | null; grad: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/seq-loss.json', import.meta.url), 'utf8')) as { cases: Case[] };

test('sequenceCrossEntropy matches PyTorch cross_entropy(ignore_index=0) on padded [N, T, V] logits: value and gradient, every reduction', () => {
  for (const c of fixture.cases) {
    const [n, t] = c.shape;
    const logits = new Tensor(Float32Array.from(c.logits), c.shape, true);
    const out = sequenceCrossEntropy(logits, new Tensor(Float32Array.from(c.target), [n, t]), { reduction: c.reduction });
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

test('sequenceCrossEntropy: without padding it is crossEntropy of the flattened steps; gradcheck through the logits', () => {
  manualSeed(2);
  const logits = randn([2, 3, 4]);
  const target = tensor([[1, 2, 3], [3, 1, 2]]);
  assertClose([sequenceCrossEntropy(logits, target, { ignoreIndex: null }).item()], [crossEntropy(reshape(logits, [6, 4]), reshape(target, [6])).item()], 1e-6);
  const x = randn([2, 3, 4]).requiresGrad_();
  const padded = tensor([[1, 2, 0], [3, 0, 0]]);
  assert.ok(gradcheck((a) => sequenceCrossEntropy(a, padded), [x]) < 1e-6);
});

test('sequenceCrossEntropy refuses shapes, tokens out of range and bad options with typed errors', () => {
  const logits = randn([2, 3, 4]);
  assert.throws(() => sequenceCrossEntropy(randn([6, 4]), tensor([1, 2, 3, 1, 2, 3])), (e: Error) => e instanceof ShapeError && /\[N, T, V\], got \[6, 4\]/.test(e.message));
  assert.throws(() => sequenceCrossEntropy(logits, tensor([[1, 2], [1, 2]])), (e: Error) => e instanceof ShapeError && /\[N, T\] = \[2, 3\]/.test(e.message));
  assert.throws(() => sequenceCrossEntropy(logits, tensor([[1, 2, 4], [1, 1, 1]])), (e: Error) => e instanceof ValueError && /row 0, step 2\) is 4/.test(e.message));
  assert.throws(() => sequenceCrossEntropy(logits, tensor([[1, 2, 3], [1, 1, 1]]), { reduction: 'avg' as 'mean' }), ConfigError);
});
