// explain(): softmax regression's gradient, other activations and losses, refusals, and the renderings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError, Conv1d, ELU, LeakyReLU, Linear, LogisticRegression, RNN, ReLU, Sequential, Softmax, Softplus, Step, Tanh,
  manualSeed, mlp, randn, tensor, explain, formatExplain,
} from '../../src/index.js';
import { softmaxRegressionPreset, SOFTMAX_REGRESSION_DATA } from '../../src/explain/presets.js';

test('softmax regression: explain’s ∂Div/∂W is Xᵀ(P − Y)/m computed independently (transposed to W’s [out, in])', () => {
  const p = softmaxRegressionPreset();
  const r = explain(p.model, p.x, p.target, { loss: p.loss });
  const { x: X, classes, weight: W, bias: b } = SOFTMAX_REGRESSION_DATA;
  const m = X.length;
  const C = W.length;
  // P = softmax(X Wᵀ + b) row by row; Y one-hot.
  const P = X.map((row) => {
    const s = W.map((w, j) => w.reduce((acc, wi, i) => acc + wi * row[i], b[j]));
    const e = s.map(Math.exp);
    const total = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / total);
  });
  const PminusY = P.map((row, n) => row.map((v, j) => v - (classes[n] === j ? 1 : 0)));
  // (Xᵀ(P − Y)/m)[i][j]; explain keeps W as [out j][in i].
  for (let i = 0; i < X[0].length; i++) {
    for (let j = 0; j < C; j++) {
      const expected = X.reduce((acc, row, n) => acc + row[i] * PminusY[n][j], 0) / m;
      const got = r.layers[0].dDivDW[j][i];
      assert.ok(Math.abs(got - expected) < 1e-6, `∂Div/∂W[${j}][${i}] = ${got}, Xᵀ(P − Y)/m gives ${expected}`);
    }
  }
  for (let j = 0; j < C; j++) {
    const expected = PminusY.reduce((acc, row) => acc + row[j], 0) / m;
    assert.ok(Math.abs((r.layers[0].dDivDb as number[])[j] - expected) < 1e-6);
  }
  // The loss itself: mean of −log P[n][class n].
  const loss = -classes.reduce((acc, c, n) => acc + Math.log(P[n][c]), 0) / m;
  assert.ok(Math.abs(r.loss.value - loss) < 1e-6);
  assert.deepEqual(r.target[1], [0, 0, 1]);
  assert.ok(r.checks.every((c) => c.ok));
});

test('explain: a batch through tanh, relu, leaky ReLU, ELU and softplus layers with mse — every formula agrees with autograd', () => {
  manualSeed(3);
  const model = new Sequential(
    new Linear(3, 4), new Tanh(), new Linear(4, 4), new ReLU(), new Linear(4, 3), new LeakyReLU(0.1),
    new Linear(3, 3), new ELU(), new Linear(3, 2), new Softplus(), new Linear(2, 2),
  );
  const x = randn([5, 3]);
  const d = randn([5, 2]);
  const r = explain(model, x, d, { loss: 'mse' });
  assert.equal(r.layers.length, 6);
  assert.deepEqual(r.layers.map((l) => l.activation), ['tanh', 'relu', 'leakyRelu', 'elu', 'softplus', 'identity']);
  assert.equal(r.input.length, 5);
  for (const c of r.checks) assert.ok(c.ok, `${c.what}: off by ${c.maxAbsDiff}`);
  // 1 output check + 4 per layer (δ, W, b, the layer below)
  assert.equal(r.checks.length, 1 + 4 * 6);
  // f′ really is the activation's derivative: tanh′ = 1 − y²
  const l1 = r.layers[0];
  l1.fPrime.forEach((row, s) => row.forEach((v, j) => assert.ok(Math.abs(v - (1 - l1.y[s][j] ** 2)) < 1e-12)));
});

test('explain: binary cross-entropy on an mlp with a sigmoid output agrees with autograd; the model is left as it was', () => {
  manualSeed(1);
  const model = mlp([2, 3, 1], { activation: 'tanh', outputActivation: 'sigmoid' });
  model.train();
  const before = model.parameters().map((p) => Float32Array.from(p.data));
  const r = explain(model, [[0, 1], [1, 0], [1, 1]], [[1], [1], [0]], { loss: 'binaryCrossEntropy' });
  assert.ok(r.checks.every((c) => c.ok), JSON.stringify(r.checks));
  assert.equal(model.training, true, 'training mode restored');
  model.parameters().forEach((p, i) => {
    assert.equal(p.grad, null, 'no gradient left behind');
    assert.deepEqual(p.data, before[i]);
  });
  // A frozen first layer still shows its gradients, and stays frozen.
  const frozen = model.parameters().slice(0, 2);
  for (const p of frozen) p.requiresGrad = false;
  const again = explain(model, [[0, 1], [1, 0], [1, 1]], [[1], [1], [0]], { loss: 'binaryCrossEntropy' });
  assert.ok(again.checks.every((c) => c.ok));
  assert.deepEqual(again.layers[0].dDivDW, r.layers[0].dDivDW);
  assert.ok(frozen.every((p) => p.requiresGrad === false && p.grad === null));
});

test('explain refuses what it cannot take apart, naming the layer', () => {
  const cases: [Sequential | LogisticRegression, RegExp][] = [
    [new Sequential(new Conv1d(1, 2, 3), new Linear(2, 1)), /layer '0' \(Conv1d\)/],
    [new Sequential(new Linear(2, 3), new Softmax()), /layer '1' \(Softmax\).*crossEntropy/],
    [new Sequential(new Linear(2, 2), new Step()), /layer '1' \(Step\).*not differentiable/],
    [new Sequential(new Linear(2, 2), new Sequential(new Tanh(), new Tanh())), /layer '1\.1' \(Tanh\).*already has an activation/],
    [new LogisticRegression(2), /\(LogisticRegression\)/],
  ];
  for (const [model, message] of cases) assert.throws(() => explain(model, [[1, 2]], [[1]]), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  assert.throws(() => explain(new RNN(2, 3) as never, [[1, 2]], [[1]]), (e: unknown) => e instanceof ConfigError && /\(RNN\)/.test(e.message));
  assert.throws(() => explain(mlp([2, 2]), [[1, 2]], [[1, 2]], { loss: 'nll' as never }), ConfigError);
  assert.throws(() => explain(mlp([2, 2]), [[1, 2]], [[1, 2, 3]]), /target of shape \[1, 3\]/);
});

test('formatExplain: Markdown tables and an escaped, self-contained HTML page carry the same numbers', () => {
  const model = new Sequential(new Linear(1, 1));
  (model.layers[0] as Linear).weight.data[0] = 2;
  ((model.layers[0] as Linear).bias as { data: Float32Array }).data[0] = 0.5;
  const r = explain(model, tensor([[3]]), [[1]]);
  // z = 6.5, Div = ½(6.5 − 1)² = 15.125, ∂Div/∂W = (6.5 − 1)·3 = 16.5
  assert.equal(r.loss.value, 15.125);
  assert.equal(r.layers[0].dDivDW[0][0], 16.5);
  const md = formatExplain(r, 'markdown');
  assert.match(md, /^# Back-propagation, written out/);
  assert.match(md, /\| 1 \| 6\.5 \| 6\.5 \|/);
  assert.match(md, /\| 1 \| 16\.5 \| 5\.5 \|/);
  const html = formatExplain(r, 'html', 'a <b> & c');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>a &lt;b&gt; &amp; c<\/title>/);
  assert.match(html, /<td>16\.5<\/td>/);
  assert.doesNotMatch(html, /<script/);
  assert.throws(() => formatExplain(r, 'pdf' as never), ConfigError);
});
