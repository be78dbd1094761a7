// Pooling against PyTorch (test/fixtures/conv.json): outputs and input gradients.
import { adaptiveAvgPool2d, avgPool1d, avgPool2d, globalAvgPool, maxPool1d, maxPool2d, type AvgPoolOptions, type IntOrTuple } from '../../src/index.js';
import { replay } from './conv-fixture.js';

const pools = { maxPool1d, maxPool2d, avgPool1d, avgPool2d };

replay(['maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d', 'adaptiveAvgPool2d', 'globalAvgPool'], (c, [x]) => {
  if (c.op === 'adaptiveAvgPool2d') return adaptiveAvgPool2d(x, c.params.outputSize as IntOrTuple);
  if (c.op === 'globalAvgPool') return globalAvgPool(x);
  const { kernelSize, ...opts } = c.params;
  return pools[c.op as keyof typeof pools](x, kernelSize as IntOrTuple, opts as AvgPoolOptions);
});
