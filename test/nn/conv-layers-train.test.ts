// Gradient flows through Conv2d → ReLU → MaxPool2d → Flatten → Linear: fit learns horizontal vs
// vertical bars on 8×8 images, wherever the bar lies (the filters are shared across positions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';

/**
 * n images [n, 1, 8, 8], each one bar of 4 ones (class 0 horizontal, class 1 vertical) at a random
 * place, plus N(0, 0.1²) noise.
 */
function bars(n: number): { x: bp.Tensor; y: bp.Tensor } {
  const x = bp.randn([n, 1, 8, 8], { std: 0.1 });
  const y = bp.zeros([n]);
  for (let i = 0; i < n; i++) {
    const vertical = i % 2;
    y.data[i] = vertical;
    const along = bp.randomInt(5); // start of the bar: 0…4
    const across = bp.randomInt(8);
    for (let k = 0; k < 4; k++) {
      const [r, c] = vertical ? [along + k, across] : [across, along + k];
      x.data[i * 64 + r * 8 + c] += 1;
    }
  }
  return { x, y };
}

test('a tiny CNN trained by fit separates horizontal from vertical bars: 100 % on training and held-out images', () => {
  bp.manualSeed(7);
  const train = bars(128);
  const heldOut = bars(128);
  const net = new bp.Sequential(new bp.Conv2d(1, 8, 3, { padding: 1 }), new bp.ReLU(), new bp.MaxPool2d(2), new bp.Flatten(), new bp.Linear(8 * 4 * 4, 2));
  const conv = net.layers[0] as bp.Conv2d;
  const before = Float32Array.from(conv.weight.data);
  const h = bp.fit(net, train, { loss: 'crossEntropy', optimizer: new bp.Adam(net.parameters(), { lr: 0.01 }), epochs: 30, batchSize: 16, metrics: ['accuracy'], progress: 'none' });
  assert.equal(h.epochs.at(-1)!.accuracy, 1, `training accuracy per epoch: ${h.epochs.map((e) => e.accuracy).join(', ')}`);
  assert.ok(h.epochs.at(-1)!.loss < h.epochs[0].loss / 5, `loss ${h.epochs[0].loss} → ${h.epochs.at(-1)!.loss}`);
  assert.equal(bp.evaluate(net, heldOut, { loss: 'crossEntropy', metrics: ['accuracy'] }).accuracy, 1);
  // The filters moved: the gradient reached the first layer through pooling and ReLU.
  const moved = conv.weight.data.reduce((m, v, i) => Math.max(m, Math.abs(v - before[i])), 0);
  assert.ok(moved > 0.05, `largest change of a conv weight: ${moved}`);
});
