// The graph remembers what each node is: every op records its name and its non-tensor arguments (attrs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';

const { tensor, arange } = bp;

/** [op, attrs] of each node from `t` back along first inputs. */
function chain(t: bp.Tensor): [string, Record<string, bp.OpAttr>][] {
  const out: [string, Record<string, bp.OpAttr>][] = [];
  for (let n = t.node; n; n = n.inputs[0].node) out.push([n.op, { ...n.attrs }]);
  return out;
}

test('a small network graph records each op with its exact attrs', () => {
  const x = arange(12).reshape([4, 3]);
  x.requiresGrad = true;
  const y = bp.mul(
    bp.elu(bp.pow(bp.softmax(bp.clamp(bp.slice(bp.leakyRelu(bp.reshape(bp.transpose(x), [2, 6]), 0.2), 1, -1, 1), -1), -1), 2), 0.5),
    2,
  );
  assert.deepEqual(chain(y), [
    ['mul', {}],
    ['elu', { alpha: 0.5 }],
    ['pow', { exponent: 2 }],
    ['softmax', { axis: 1 }],
    ['clamp', { min: -1, max: null }],
    ['slice', { axis: 1, start: 1, end: 5 }],
    ['leakyRelu', { slope: 0.2 }],
    ['reshape', { shape: [2, 6] }],
    ['permute', { perm: [1, 0] }],
  ]);
  assert.deepEqual(y.shape, [2, 4]);
  // The fluent methods record the same graph.
  const z = x.transpose().reshape([2, 6]).leakyRelu(0.2).slice(1, -1, 1).clamp(-1).softmax(-1).pow(2).elu(0.5).mul(2);
  assert.deepEqual(chain(z), chain(y));
});

test('defaults are recorded as the values used; composed ops record their primitives', () => {
  const x = tensor([[1, -2, 3], [-4, 5, -6]], { requiresGrad: true });
  assert.deepEqual(bp.leakyRelu(x).node!.attrs, { slope: 0.01 });
  assert.deepEqual(bp.elu(x).node!.attrs, { alpha: 1 });
  assert.deepEqual(bp.clamp(x).node!.attrs, { min: null, max: null });
  assert.deepEqual(bp.clamp(x, undefined, 2.5).node!.attrs, { min: null, max: 2.5 });
  assert.deepEqual(bp.logSoftmax(x, 0).node!.attrs, { axis: 0 });
  assert.deepEqual(bp.step(x, { grad: 'zero' }).node!.attrs, { threshold: 0, low: 0, high: 1, grad: 'zero' });
  assert.deepEqual(bp.step(x, { threshold: 0.5, low: -1 }).node!.attrs, { threshold: 0.5, low: -1, high: 1, grad: 'error' });
  assert.deepEqual(bp.sign(x).node!.attrs, { grad: 'error' });
  assert.deepEqual(bp.relu(x).node!.attrs, {});
  assert.deepEqual(bp.add(x, 1).node!.attrs, {});
  assert.deepEqual(bp.flatten(x).node!.attrs, { shape: [6] });
  assert.deepEqual(bp.unsqueeze(x, -1).node!.attrs, { shape: [2, 3, 1] });
  assert.deepEqual(bp.permute(bp.unsqueeze(x, 0), [2, -2, 0]).node!.attrs, { perm: [2, 1, 0] });
  assert.deepEqual(bp.slice(x, -2).node!.attrs, { axis: 0, start: 0, end: 2 });
  assert.deepEqual(bp.indexSelect(x, 1, [2, -3, 2]).node!.attrs, { axis: 1, indices: [2, 0, 2] });
  assert.deepEqual(bp.gather(x, 1, tensor([[0, 0], [2, 1]])).node!.attrs, { axis: 1, index: [0, 0, 2, 1] });
  assert.deepEqual(bp.broadcastTo(bp.slice(x, 0, 1), [3, 2, 3]).node!.attrs, { shape: [3, 2, 3] });
  assert.deepEqual(bp.clone(x).node!.attrs, {});
  const c = bp.concat([x, x], -1);
  assert.deepEqual([c.node!.op, c.node!.attrs], ['concat', { axis: 1 }]);
  const s = bp.stack([x, x], 1);
  assert.deepEqual([s.node!.op, s.node!.attrs], ['concat', { axis: 1 }]);
  assert.deepEqual([s.node!.inputs[0].node!.op, s.node!.inputs[0].node!.attrs], ['reshape', { shape: [2, 1, 3] }]);
});

test('a node without requiresGrad inputs is not recorded, whatever its attrs', () => {
  assert.equal(bp.leakyRelu(tensor([1, -1]), 0.3).node, null);
});
