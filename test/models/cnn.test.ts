// The lectures' CNNs by name: LeNet-5's and AlexNet's summary() rows, parameter counts and saving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const rowsOf = (m: bp.Module) => bp.summarize(m).rows.map((r) => [r.type, r.outputShape, r.params]);

test('lenet5(): summary rows and parameters CONV-POOL-CONV-POOL-FC-FC-FC', () => {
  // conv1 6·(1·5·5)+6 = 156; conv2 16·(6·5·5)+16 = 2,416; fc1 (16·5·5)·120+120 = 48,120;
  // fc2 120·84+84 = 10,164; fc3 84·10+10 = 850; total 61,706.
  const net = bp.lenet5();
  assert.deepEqual(net.inputShape, [1, 28, 28]);
  assert.deepEqual(rowsOf(net), [
    ['Conv2d', [-1, 6, 28, 28], 156], ['ReLU', [-1, 6, 28, 28], 0], ['MaxPool2d', [-1, 6, 14, 14], 0],
    ['Conv2d', [-1, 16, 10, 10], 2416], ['ReLU', [-1, 16, 10, 10], 0], ['MaxPool2d', [-1, 16, 5, 5], 0],
    ['Flatten', [-1, 400], 0],
    ['Linear', [-1, 120], 48120], ['ReLU', [-1, 120], 0],
    ['Linear', [-1, 84], 10164], ['ReLU', [-1, 84], 0],
    ['Linear', [-1, 10], 850],
  ]);
  assert.equal(net.numParameters(), 61706);
  assert.equal(bp.summarize(net).total, 61706);
});

test('lenet5() options: classes, activation, 3-channel 32×32 input; bad options are ConfigErrors', () => {
  const net = bp.lenet5({ numClasses: 4, inputShape: [3, 32, 32], activation: 'tanh' });
  const rows = rowsOf(net);
  assert.deepEqual(rows[1], ['Tanh', [-1, 6, 32, 32], 0]);
  assert.deepEqual(rows[6], ['Flatten', [-1, 16 * 6 * 6], 0]); // 32 → 16 → 12 → 6
  assert.deepEqual(rows.at(-1), ['Linear', [-1, 4], 84 * 4 + 4]);
  throwsWith(() => bp.lenet5({ inputShape: [784] }), bp.ConfigError, /lenet5: inputShape must be \[channels, height, width\] with height and width ≥ 12, got \[784\]/);
  throwsWith(() => bp.lenet5({ inputShape: [1, 11, 28] }), bp.ConfigError, /height and width ≥ 12/);
  throwsWith(() => bp.lenet5({ numClasses: 0 }), bp.ConfigError, /lenet5: numClasses must be a whole number ≥ 1, got 0/);
  throwsWith(() => bp.lenet5({ activation: 'swish' as never }), bp.ConfigError, /unknown activation 'swish'/);
  throwsWith(() => bp.alexnet({ dropout: 1 }), bp.ConfigError, /alexnet: dropout must be in \[0, 1\), got 1/);
});

test('lenet5() saves and loads: same architecture, input shape and outputs', () => {
  bp.manualSeed(11);
  const net = bp.lenet5();
  const x = bp.rand([3, 1, 28, 28]);
  const dir = mkdtempSync(join(tmpdir(), 'backprop-lenet-'));
  try {
    bp.saveModule(net, join(dir, 'lenet'));
    const { model } = bp.loadModule(join(dir, 'lenet'));
    assert.deepEqual(model.config(), net.config());
    assert.deepEqual(model.inputShape, [1, 28, 28]);
    assertClose(model.call(x), net.eval().call(x).toArray(), 0, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('alexnet(): summary rows match the lecture table for a 227×227×3 input, and 62,378,344 parameters', () => {
  // Built once: ~62 M parameters (250 MB of float32).
  const net = bp.alexnet();
  assert.deepEqual(net.inputShape, [3, 227, 227]);
  const s = bp.summarize(net);
  // Every row, activations and dropout included.
  assert.deepEqual(s.rows.map((r) => [r.type, r.outputShape, r.params]), [
    ['Conv2d', [-1, 96, 55, 55], 34944], ['ReLU', [-1, 96, 55, 55], 0], ['MaxPool2d', [-1, 96, 27, 27], 0],
    ['Conv2d', [-1, 256, 27, 27], 614656], ['ReLU', [-1, 256, 27, 27], 0], ['MaxPool2d', [-1, 256, 13, 13], 0],
    ['Conv2d', [-1, 384, 13, 13], 885120], ['ReLU', [-1, 384, 13, 13], 0],
    ['Conv2d', [-1, 384, 13, 13], 1327488], ['ReLU', [-1, 384, 13, 13], 0],
    ['Conv2d', [-1, 256, 13, 13], 884992], ['ReLU', [-1, 256, 13, 13], 0], ['MaxPool2d', [-1, 256, 6, 6], 0],
    ['Flatten', [-1, 9216], 0],
    ['Dropout', [-1, 9216], 0], ['Linear', [-1, 4096], 37752832], ['ReLU', [-1, 4096], 0],
    ['Dropout', [-1, 4096], 0], ['Linear', [-1, 4096], 16781312], ['ReLU', [-1, 4096], 0],
    ['Linear', [-1, 1000], 4097000],
  ]);
  // The lecture's table (H×W×C), read from the conv, pool and FC rows.
  const table = s.rows.filter((r) => ['Conv2d', 'MaxPool2d', 'Linear'].includes(r.type)).map((r) => {
    const d = r.outputShape as number[];
    return d.length === 4 ? `${d[2]}×${d[3]}×${d[1]}` : String(d[1]);
  });
  assert.deepEqual(table, ['55×55×96', '27×27×96', '27×27×256', '13×13×256', '13×13×384', '13×13×384', '13×13×256', '6×6×256', '4096', '4096', '1000']);
  // conv1 96·(3·11·11)+96 = 34,944; conv2 256·(96·5·5)+256 = 614,656; conv3 384·(256·3·3)+384 = 885,120;
  // conv4 384·(384·3·3)+384 = 1,327,488; conv5 256·(384·3·3)+256 = 884,992; fc6 9,216·4,096+4,096 =
  // 37,752,832; fc7 4,096·4,096+4,096 = 16,781,312; fc8 4,096·1,000+1,000 = 4,097,000; sum 62,378,344.
  assert.equal(s.total, 62378344);
  assert.equal(net.numParameters(), 62378344);
  // …and it saves and loads (same config, every weight identical).
  const dir = mkdtempSync(join(tmpdir(), 'backprop-alexnet-'));
  try {
    bp.saveModule(net, join(dir, 'alexnet'));
    const { model } = bp.loadModule(join(dir, 'alexnet'));
    assert.deepEqual(model.config(), net.config());
    const mine = net.stateDict();
    for (const [name, t] of Object.entries(model.stateDict())) assert.deepEqual(t.data, mine[name].data, name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
