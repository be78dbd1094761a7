// Modules of any inputs and outputs: typed call(), forward hooks and pre-hooks (PyTorch's), namedParameters(recurse), moduleFromConfig<M>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import type { Tensor, ModuleConfig } from '../../src/index.js';
import { intOpt } from '../../src/nn/module.js';

const { Linear, Sequential, ReLU } = bp;

/** A residual block with a projection: relu(W x) + P skip. */
class Residual extends bp.Module<[x: Tensor, skip: Tensor]> {
  readonly fc = new Linear(2, 2, { bias: false });
  readonly proj = new Linear(3, 2, { bias: false });
  override forward(x: Tensor, skip: Tensor): Tensor {
    return bp.add(bp.relu(this.fc.call(x)), this.proj.call(skip));
  }
}

type State = [h: Tensor, c: Tensor];

/** An LSTM-shaped cell (not an LSTM): h' = tanh(W x + U h), c' = c + h', y = h'. */
class TinyCell extends bp.Module<[x: Tensor, state: State], [Tensor, State]> {
  readonly w: bp.Linear;
  readonly u: bp.Linear;
  constructor(readonly inFeatures: number, readonly hidden: number) {
    super();
    this.w = new Linear(inFeatures, hidden, { bias: false });
    this.u = new Linear(hidden, hidden, { bias: false });
  }
  override forward(x: Tensor, [h, c]: State): [Tensor, State] {
    const h2 = bp.tanh(bp.add(this.w.call(x), this.u.call(h)));
    return [h2, [h2, bp.add(c, h2)]];
  }
  override toConfig(): ModuleConfig {
    return { type: 'TinyCell', inFeatures: this.inFeatures, hidden: this.hidden };
  }
}
bp.registerModuleType('TinyCell', (c) => new TinyCell(intOpt(c, 'inFeatures'), intOpt(c, 'hidden')));

function residual(): Residual {
  const r = new Residual();
  r.fc.weight.data.set([1, -1, 2, 0]); // W = [[1, -1], [2, 0]]
  r.proj.weight.data.set([1, 0, 0, 0, 1, 1]); // P = [[1, 0, 0], [0, 1, 1]]
  return r;
}

test('a two-input module: call(x, skip) is typed and computes relu(W x) + P skip', () => {
  const r = residual();
  const x = bp.tensor([[3, 1], [0, 2]]);
  const skip = bp.tensor([[1, 2, 3], [4, 5, 6]]);
  // W x = [[2, 6], [-2, 0]] → relu [[2, 6], [0, 0]]; P skip = [[1, 5], [4, 11]].
  assert.deepEqual(r.call(x, skip).toArray(), [[3, 11], [4, 11]]);
  // @ts-expect-error: the block takes two tensors
  assert.throws(() => r.call(x));
  assert.deepEqual(r.namedParameters().map(([n]) => n), ['fc.weight', 'proj.weight']);
});

test('forward hooks see the inputs tuple and the output; a returned value replaces the output', () => {
  const r = residual();
  const x = bp.tensor([[3, 1]]);
  const skip = bp.tensor([[1, 2, 3]]);
  const seen: [Tensor, Tensor][] = [];
  const h1 = r.registerForwardHook((module, inputs, output) => {
    assert.equal(module, r);
    seen.push(inputs);
    assert.deepEqual(output.toArray(), [[3, 11]]);
    return bp.mul(output, 2);
  });
  // Hooks run in registration order: the second sees the first one's replacement.
  const h2 = r.registerForwardHook((_m, _inputs, output) => {
    assert.deepEqual(output.toArray(), [[6, 22]]);
  });
  assert.deepEqual(r.call(x, skip).toArray(), [[6, 22]]);
  assert.equal(seen.length, 1);
  assert.equal(seen[0][0], x);
  assert.equal(seen[0][1], skip);
  // forward() bypasses hooks, as in PyTorch.
  assert.deepEqual(r.forward(x, skip).toArray(), [[3, 11]]);
  assert.notEqual(h1.id, h2.id);
  h1.remove();
  h1.remove(); // a second remove does nothing
  h2.remove();
  assert.deepEqual(r.call(x, skip).toArray(), [[3, 11]]);
  assert.equal(seen.length, 1, 'a removed hook no longer runs');
});

test('forward pre-hooks can replace the inputs; a non-tuple is a typed error', () => {
  const r = residual();
  const x = bp.tensor([[3, 1]]);
  const skip = bp.tensor([[1, 2, 3]]);
  const handle = r.registerForwardPreHook((_m, [a, s]) => [bp.mul(a, 0), s]);
  // relu(W·0) = 0, so only P skip = [1, 5] remains.
  assert.deepEqual(r.call(x, skip).toArray(), [[1, 5]]);
  handle.remove();
  const bad = r.registerForwardPreHook((() => 42) as unknown as bp.ForwardPreHook<Residual, [Tensor, Tensor]>);
  assert.throws(() => r.call(x, skip), (e: unknown) => e instanceof bp.ValueError && /forward pre-hook of Residual: must return the inputs as an array/.test(e.message));
  bad.remove();
});

test('an LSTM-like (x, [h, c]) → [y, [h, c]] module: typed call, hooks see the nested tuples', () => {
  const cell = new TinyCell(1, 1);
  cell.w.weight.data.set([0.5]);
  cell.u.weight.data.set([2]);
  const x = bp.tensor([[2]]);
  const h0 = bp.tensor([[0.25]]);
  const c0 = bp.tensor([[1]]);
  let hookInputs: [Tensor, State] | undefined;
  let hookOutput: [Tensor, State] | undefined;
  cell.registerForwardHook((_m, inputs, output) => {
    hookInputs = inputs;
    hookOutput = output;
  });
  const [y, [h, c]] = cell.call(x, [h0, c0]);
  // h' = tanh(0.5·2 + 2·0.25) = tanh(1.5); c' = 1 + tanh(1.5).
  const t = Math.tanh(1.5);
  assert.ok(Math.abs(y.item() - t) < 1e-6);
  assert.ok(Math.abs(h.item() - t) < 1e-6);
  assert.ok(Math.abs(c.item() - (1 + t)) < 1e-6);
  assert.ok(hookInputs && hookOutput);
  assert.equal(hookInputs[0], x);
  assert.equal(hookInputs[1][0], h0);
  assert.equal(hookInputs[1][1], c0);
  assert.equal(hookOutput[1][1], c);
  // @ts-expect-error: the state is a pair [h, c], not one tensor
  assert.throws(() => cell.call(x, h0));
  // Its sub-layers' hooks run too, since it calls them through call().
  const calls: string[] = [];
  cell.w.registerForwardHook(() => { calls.push('w'); });
  cell.u.registerForwardPreHook(() => { calls.push('u'); });
  cell.call(x, [h, c]);
  assert.deepEqual(calls, ['w', 'u']);
});

test('moduleFromConfig<M> gives the module type back; namedParameters(false) is the module’s own', () => {
  const cell = bp.moduleFromConfig<TinyCell>({ type: 'TinyCell', inFeatures: 2, hidden: 3 });
  const [y, [h, c]] = cell.call(bp.zeros([4, 2]), [bp.zeros([4, 3]), bp.zeros([4, 3])]);
  assert.deepEqual([y.shape, h.shape, c.shape], [[4, 3], [4, 3], [4, 3]]);
  assert.deepEqual(cell.namedParameters().map(([n]) => n), ['w.weight', 'u.weight']);
  assert.deepEqual(cell.namedParameters(false), []);
  class WithOwn extends bp.Module {
    readonly scale = bp.ones([2], { requiresGrad: true });
    readonly fc = new Linear(2, 2);
    override forward(x: Tensor): Tensor { return bp.mul(this.fc.call(x), this.scale); }
  }
  const m = new WithOwn();
  assert.deepEqual(m.namedParameters(false).map(([n]) => n), ['scale']);
  assert.deepEqual(m.namedParameters().map(([n]) => n), ['scale', 'fc.weight', 'fc.bias']);
});

test('Sequential runs its children through call(), so hooks on a child fire', () => {
  bp.manualSeed(0);
  const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
  const shapes: number[][] = [];
  for (const [, m] of net.namedModules()) m.registerForwardHook((_m, _i, out) => { if (out instanceof bp.Tensor) shapes.push([...out.shape]); });
  net.call(bp.zeros([5, 2]));
  assert.deepEqual(shapes, [[5, 3], [5, 3], [5, 1], [5, 1]]);
});
