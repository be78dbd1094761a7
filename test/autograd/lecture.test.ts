// The worked back-propagation example of the lecture notes (seeds/003), by hand and by autodiff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, scalar, sigmoid, add, mul, sub, pow } from '../../src/index.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const dsig = (v: number) => sig(v) * (1 - sig(v));

for (const x of [0.5, 1, -2, 3]) {
  test(`lecture example: ∂E/∂w for the weight x→y2 at x = ${x}`, () => {
    // y1 = σ(0.5x+1), y2 = σ(w·x+0.5) with w = 1, u = 0.5y1 + 0.5y2 + 0.25, z = σ(u), E = ½(z−t)², t = 1
    const xt = scalar(x);
    const w = scalar(1, { requiresGrad: true });
    const y1 = sigmoid(add(mul(xt, 0.5), 1));
    const u2 = add(mul(w, xt), 0.5);
    const y2 = sigmoid(u2);
    const u = add(add(mul(y1, 0.5), mul(y2, 0.5)), 0.25);
    const z = sigmoid(u);
    const E = mul(pow(sub(z, 1), 2), 0.5);
    E.backward();

    // By hand, following the slides: (z − t) · σ'(u) · 0.5 · σ'(u2) · x
    const hy1 = sig(0.5 * x + 1);
    const hu2 = x + 0.5;
    const hu = 0.5 * hy1 + 0.5 * sig(hu2) + 0.25;
    const hz = sig(hu);
    const expected = (hz - 1) * dsig(hu) * 0.5 * dsig(hu2) * x;

    assert.ok(w.grad, 'w has a gradient');
    assert.ok(Math.abs(w.grad.item() - expected) < 1e-7, `autodiff ${w.grad.item()} vs hand ${expected}`);
    assert.ok(Math.abs(z.item() - hz) < 1e-6);
  });
}

test('lecture example: the gradient-descent update w ← w − η ∂E/∂w lowers E', () => {
  const x = scalar(1);
  const w = tensor(1, { requiresGrad: true });
  const loss = () => {
    const y1 = sigmoid(add(mul(x, 0.5), 1));
    const y2 = sigmoid(add(mul(w, x), 0.5));
    const z = sigmoid(add(add(mul(y1, 0.5), mul(y2, 0.5)), 0.25));
    return mul(pow(sub(z, 1), 2), 0.5);
  };
  const e0 = loss();
  e0.backward();
  assert.ok(w.grad, 'w has a gradient');
  assert.ok(w.grad.item() < 0, `∂E/∂w = ${w.grad.item()} is negative here (z < t = 1, and x > 0)`);
  w.data[0] -= 10 * w.grad.item();
  assert.ok(loss().item() < e0.item());
});
