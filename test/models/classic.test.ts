// The lectures' classic models: McCulloch–Pitts, the perceptron rule (AND/OR yes, XOR no), logistic regression, MLPs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';

const X = bp.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const pm1 = (v: number[]) => bp.tensor(v);

test('McCulloch–Pitts unit computes AND with w = (1, 1), b = −1.5', () => {
  const unit = new bp.McCullochPitts([1, 1], -1.5);
  assert.deepEqual(unit.forward(X).toArray(), [-1, -1, -1, 1]);
  const or = new bp.McCullochPitts([1, 1], -0.5);
  assert.deepEqual(or.forward(X).toArray(), [-1, 1, 1, 1]);
});

test('perceptron rule converges on AND and on OR, and then classifies every point', () => {
  for (const [name, labels] of [['AND', [-1, -1, -1, 1]], ['OR', [-1, 1, 1, 1]]] as const) {
    const p = new bp.Perceptron(2);
    const r = p.fit(X, pm1([...labels]), { maxEpochs: 100 });
    assert.ok(r.converged, `${name} converged`);
    assert.equal(r.mistakes.at(-1), 0);
    assert.deepEqual(p.forward(X).toArray(), labels);
  }
});

test('perceptron rule cannot learn XOR: it reports failure to converge within its budget', () => {
  const p = new bp.Perceptron(2);
  const r = p.fit(X, pm1([-1, 1, 1, -1]), { maxEpochs: 200 });
  assert.equal(r.converged, false);
  assert.equal(r.epochs, 200);
  assert.ok(r.mistakes.every((m) => m > 0), 'every epoch makes a mistake');
});

test('the perceptron rule is w ← w + y x on a mistake, bias folded in', () => {
  const p = new bp.Perceptron(2);
  assert.equal(p.update([1, 2], -1), true); // w·[1,2,1] = 0 ⇒ predicts +1, wrong
  assert.deepEqual(Array.from(p.weight.data), [-1, -2, -1]);
  assert.equal(p.update([1, 2], -1), false);
  assert.throws(() => p.update([1, 2], 0), /labels must be \+1 or −1/);
});

test('a 2-2-1 sigmoid MLP learns XOR from a fixed seed', () => {
  bp.manualSeed(0);
  const model = bp.mlp([2, 2, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
  const y = bp.tensor([[0], [1], [1], [0]]);
  const h = bp.fit(model, { x: X, y }, { loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 2, momentum: 0.9 }), epochs: 2000, batchSize: 'full', progress: 'none' });
  const out = Array.from(bp.predict(model, X).data);
  [0, 1, 1, 0].forEach((t, i) => assert.equal(out[i] > 0.5 ? 1 : 0, t, `output ${i} = ${out[i]}`));
  assert.ok(h.epochs.at(-1)!.loss < 0.01);
});

test('logistic regression learns OR and outputs probabilities', () => {
  bp.manualSeed(1);
  const m = new bp.LogisticRegression(2);
  const y = bp.tensor([[0], [1], [1], [1]]);
  bp.fit(m, { x: X, y }, { loss: 'binaryCrossEntropy', optimizer: new SGD(m.parameters(), { lr: 1 }), epochs: 500, batchSize: 'full', progress: 'none' });
  const p = Array.from(bp.predict(m, X).data);
  assert.ok(p[0] < 0.2 && p.slice(1).every((v) => v > 0.8), `probabilities ${p}`);
});

test('a regression MLP fits sin(x) on [−π, π] to MSE < 0.01', () => {
  bp.manualSeed(2);
  const x = bp.reshape(bp.arange(-Math.PI, Math.PI, (2 * Math.PI) / 200), [-1, 1]);
  const y = bp.sin(x);
  const model = bp.mlp([1, 32, 32, 1], { activation: 'tanh' });
  const h = bp.fit(model, { x, y }, { loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), epochs: 300, batchSize: 32, progress: 'none' });
  const mse = bp.evaluate(model, { x, y }, { loss: 'mse' }).loss;
  assert.ok(mse < 0.01, `MSE ${mse} (last training loss ${h.epochs.at(-1)!.loss})`);
});

test('mlp() validates sizes', () => {
  assert.throws(() => bp.mlp([3]), /at least an input and an output/);
  assert.throws(() => bp.mlp([3, 0, 1]), /layer size 1 must be a whole number/);
  assert.throws(() => bp.mlp([3, 2], { activation: 'swish' as never }), /unknown activation 'swish'/);
});
