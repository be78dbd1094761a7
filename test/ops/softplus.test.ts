// softplus(x, {beta, threshold}) as PyTorch's torch.nn.functional.softplus: values, gradients, options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const { tensor, softplus, ValueError } = bp;

// Reference: torch 1.13, float64:
//   x = torch.tensor([-3, -0.5, 0, 0.3, 0.5, 0.6, 2], dtype=torch.float64, requires_grad=True)
//   y = F.softplus(x, beta=2, threshold=1); y.backward(torch.ones_like(y))
const X = [-3, -0.5, 0, 0.3, 0.5, 0.6, 2];
const Y = [0.0012378425688652247, 0.15663084375911143, 0.34657359027997264, 0.5187439752429428, 0.6566308437591114, 0.6, 2.0];
const DX = [0.0024726231566347748, 0.2689414213699951, 0.5, 0.6456563062257954, 0.7310585786300049, 1.0, 1.0];

test('beta 2, threshold 1 matches PyTorch: (1/β)log(1+e^{βx}) up to βx = 1, x above; derivative σ(βx), then 1', () => {
  const x = tensor(X, { requiresGrad: true });
  const y = softplus(x, { beta: 2, threshold: 1 });
  assertClose(y, Y, 1e-7, 1e-6);
  assert.deepEqual(y.node!.attrs, { beta: 2, threshold: 1 });
  y.sum().backward();
  assertClose(x.grad!, DX, 1e-7, 1e-6);
  // Hand-derived at 0: log(2)/β and σ(0) = 1/2; βx = 1 exactly (x = 0.5) is not above the threshold.
  assert.ok(Math.abs(y.data[2] - Math.LN2 / 2) < 1e-7);
  assert.ok(Math.abs(y.data[4] - Math.log1p(Math.E) / 2) < 1e-7);
});

test('defaults are beta 1, threshold 20, as PyTorch (torch 1.13 float32 values)', () => {
  const x = tensor([-0.5, 19.9, 20.1, 50], { requiresGrad: true });
  const y = softplus(x);
  assertClose(y, [0.4740769863128662, 19.899999618530273, 20.100000381469727, 50.0], 1e-7, 1e-6);
  assert.deepEqual(y.node!.attrs, { beta: 1, threshold: 20 });
  y.sum().backward();
  assertClose(x.grad!, [0.3775406777858734, 1.0, 1.0, 1.0], 1e-7, 1e-6);
  assertClose(tensor([-0.5, 1]).softplus({ beta: 2, threshold: 1 }), [Y[1], 1]);
});

test('a negative beta (a smooth min) follows the same formula as PyTorch', () => {
  // torch: F.softplus(tensor([-1., 1.]), beta=-1.5, threshold=1) and its gradient.
  const x = tensor([-1, 1], { requiresGrad: true });
  const y = softplus(x, { beta: -1.5, threshold: 1 });
  assertClose(y, [-1.0, -0.13427551865516826], 1e-7, 1e-6);
  y.sum().backward();
  assertClose(x.grad!, [1.0, 0.18242552380635632], 1e-7, 1e-6);
});

test('softplus with beta passes gradcheck away from the threshold', () => {
  const err = bp.gradcheck((a) => softplus(a, { beta: 3, threshold: 5 }), [tensor([-2, -0.4, 0.1, 0.9, 1.5, 4], { requiresGrad: true })]);
  assert.ok(err < 1e-6, `worst relative error ${err}`);
});

test('bad options are ValueErrors naming the option', () => {
  const x = tensor([1]);
  throwsWith(() => softplus(x, { beta: 0 }), ValueError, /softplus: beta must not be 0/);
  throwsWith(() => softplus(x, { beta: NaN }), ValueError, /softplus: beta must be a finite number, got NaN/);
  throwsWith(() => softplus(x, { threshold: 'high' as unknown as number }), ValueError, /softplus: threshold must be a number, got high/);
  throwsWith(() => softplus(x, 2 as unknown as bp.SoftplusOptions), ValueError, /softplus: options must be an object, got 2/);
});

test('the Softplus layer takes beta and threshold (nn.Softplus) and keeps them through its config', () => {
  const layer = new bp.Softplus(2, 1);
  assertClose(layer.call(tensor(X)), Y, 1e-7, 1e-6);
  const again = bp.moduleFromConfig(layer.config());
  assert.deepEqual(again.toConfig(), { type: 'Softplus', beta: 2, threshold: 1 });
  assertClose(again.call(tensor(X)), Y, 1e-7, 1e-6);
});
