// conv1d/conv2d against PyTorch (test/fixtures/conv.json): outputs and the gradients of input, weight and bias.
import { conv1d, conv2d, type ConvOptions } from '../../src/index.js';
import { replay } from './conv-fixture.js';

replay(['conv1d', 'conv2d'], (c, [x, w, b]) => {
  const opts = c.params as ConvOptions;
  return c.op === 'conv1d' ? conv1d(x, w, b ?? null, opts) : conv2d(x, w, b ?? null, opts);
});
