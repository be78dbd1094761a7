// Reverse-mode autodiff semantics: accumulation, the distributed chain rule, noGrad, detach, graph freeing, memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as bp from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { tensor, scalar, mul, add, sum, exp, noGrad, GraphError, ShapeError } = bp;

test('gradients accumulate into .grad across backward calls, like PyTorch', () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  sum(mul(x, x)).backward();
  sum(mul(x, x)).backward();
  assertClose(x.grad!, [4, 8, 12]);
  x.zeroGrad();
  assert.equal(x.grad, null);
});

test('distributed chain rule: a value used on several paths sums their gradients', () => {
  // y = x·x + 3x + e^x  ⇒  dy/dx = 2x + 3 + e^x
  const x = scalar(0.7, { requiresGrad: true });
  const y = add(add(mul(x, x), mul(x, 3)), exp(x));
  y.backward();
  assert.ok(Math.abs(x.grad!.item() - (1.4 + 3 + Math.exp(0.7))) < 1e-5);
});

test('diamond graph: each node is visited once in reverse topological order', () => {
  const x = scalar(2, { requiresGrad: true });
  const a = mul(x, 3);
  const b = mul(a, a); // uses a twice
  const c = add(b, a);
  c.backward(); // c = 9x² + 3x ⇒ 18x + 3 = 39
  assert.equal(x.grad!.item(), 39);
});

test('a non-scalar output needs an explicit upstream gradient', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = mul(x, 2);
  assert.throws(() => y.backward(), (e: unknown) => e instanceof GraphError && /shape \[2\]/.test(e.message));
  y.backward(tensor([1, 10]));
  assertClose(x.grad!, [2, 20]);
});

test('an upstream gradient of the wrong shape is refused', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => mul(x, 2).backward(tensor([1, 2, 3])), ShapeError);
});

test('a second backward through a freed graph is a clear error; retainGraph allows it', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = mul(x, x);
  const y = sum(h);
  y.backward();
  assert.throws(() => y.backward(), (e: unknown) => e instanceof GraphError && /already freed/.test(e.message));
  assert.throws(() => sum(mul(h, 2)).backward(), (e: unknown) => e instanceof GraphError && /second time/.test(e.message));
  const z = sum(mul(x, x));
  z.backward(undefined, { retainGraph: true });
  z.backward();
  assertClose(x.grad!, [2 + 2 + 2, 4 + 4 + 4]); // three backward passes of d(x²)/dx = 2x
});

test('backward from a tensor that needs no gradient is a clear error', () => {
  assert.throws(() => sum(tensor([1, 2])).backward(), GraphError);
});

test('noGrad records no graph; detach cuts the graph', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = noGrad(() => mul(x, 2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  const d = mul(x, 2).detach();
  assert.equal(d.requiresGrad, false);
  const z = sum(mul(mul(x, 2).detach(), x)); // only the second factor carries gradient
  z.backward();
  assertClose(x.grad!, [2, 4]);
});

test('retainGrad keeps the gradient of an intermediate tensor (to look inside)', () => {
  const x = tensor([1, -2], { requiresGrad: true });
  const h = mul(x, 3).retainGrad();
  sum(mul(h, h)).backward();
  assertClose(h.grad!, [6, -12]);
  assertClose(x.grad!, [18, -36]);
});

test('leaf gradients have the leaf shape (broadcast inputs summed back)', () => {
  const w = tensor([[1], [2]], { requiresGrad: true }); // [2,1]
  const b = tensor([1, 2, 3], { requiresGrad: true }); // [3]
  sum(add(w, b)).backward(); // [2,3]
  assert.deepEqual(w.grad!.shape, [2, 1]);
  assertClose(w.grad!, [[3], [3]]);
  assertClose(b.grad!, [2, 2, 2]);
});

test('the graph is released after backward: 10,000 MLP steps keep a flat heap', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  bp.manualSeed(3);
  const x = bp.randn([32, 20]);
  const t = tensor(Array.from({ length: 32 }, (_, i) => [i % 2]));
  const w1 = bp.randn([32, 20], { std: 0.2, requiresGrad: true });
  const b1 = bp.zeros([32], { requiresGrad: true });
  const w2 = bp.randn([2, 32], { std: 0.2, requiresGrad: true });
  const b2 = bp.zeros([2], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const stepOnce = () => {
    const logits = bp.linear(bp.relu(bp.linear(x, w1, b1)), w2, b2);
    const loss = bp.neg(bp.mean(bp.gather(bp.logSoftmax(logits, 1), 1, t)));
    loss.backward();
    for (const p of params) {
      const g = p.grad!.data;
      for (let i = 0; i < g.length; i++) p.data[i] -= 0.05 * g[i];
      p.zeroGrad();
    }
    return loss.item();
  };
  for (let i = 0; i < 500; i++) stepOnce();
  gc();
  const before = process.memoryUsage().heapUsed;
  let last = 0;
  for (let i = 0; i < 10_000; i++) last = stepOnce();
  gc();
  const after = process.memoryUsage().heapUsed;
  const grewMB = (after - before) / 2 ** 20;
  console.log(`heap before ${(before / 2 ** 20).toFixed(1)} MB, after 10,000 steps ${(after / 2 ** 20).toFixed(1)} MB`);
  assert.ok(grewMB < 5, `heap grew by ${grewMB.toFixed(1)} MB over 10,000 steps`);
  assert.ok(last < 0.1, `the MLP learned its batch (loss ${last})`);
});
