// ResNet from BasicBlocks: torchvision's names and parameter counts, the small preset's summary
// rows and forward, the block's arithmetic, saving and loading, and bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

test('resnet18 and resnet34 have torchvision\'s parameter counts and state-dict names', () => {
  const r18 = bp.resnet18();
  assert.equal(r18.numParameters(), 11689512);
  const keys = Object.keys(r18.stateDict());
  for (const k of ['conv1.weight', 'bn1.running_mean', 'layer1.0.conv1.weight', 'layer1.1.bn2.num_batches_tracked',
    'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.running_var', 'layer4.1.conv2.weight', 'fc.weight', 'fc.bias']) {
    assert.ok(keys.includes(k), `missing ${k}`);
  }
  // Only the first block of stages 2-4 projects; no conv has a bias.
  assert.deepEqual(keys.filter((k) => k.includes('downsample.0')), ['layer2.0.downsample.0.weight', 'layer3.0.downsample.0.weight', 'layer4.0.downsample.0.weight']);
  assert.ok(!keys.some((k) => /conv\d\.bias|downsample\.0\.bias/.test(k)));
  // 20 convs + 20 BNs (5 tensors each) + fc (2) = 20 + 100 + 2.
  assert.equal(keys.length, 122);
  assert.deepEqual(r18.stateDict()['conv1.weight'].shape, [64, 3, 7, 7]);
  assert.deepEqual(r18.inputShape, [3, 224, 224]);
  assert.equal(bp.resnet34().numParameters(), 21797672);
  // fc is 512·k + k: 10 classes remove 990·513 parameters.
  assert.equal(bp.resnet18({ numClasses: 10 }).numParameters(), 11689512 - 990 * 513);
});

test('resnetSmall(): summary rows for a 28×28 digit, 77,754 parameters, forward on [2, 1, 28, 28]', () => {
  bp.manualSeed(3);
  const net = bp.resnetSmall();
  assert.deepEqual(net.inputShape, [1, 28, 28]);
  const s = bp.summarize(net);
  // BN rows count γ, β (trainable) and running mean/var + the batch counter (buffers): 4C + 1.
  assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params]), [
    ['conv1', 'Conv2d', [-1, 16, 28, 28], 144], ['bn1', 'BatchNorm2d', [-1, 16, 28, 28], 65], ['relu', 'ReLU', [-1, 16, 28, 28], 0],
    ['layer1.0.conv1', 'Conv2d', [-1, 16, 28, 28], 2304], ['layer1.0.bn1', 'BatchNorm2d', [-1, 16, 28, 28], 65],
    ['layer1.0.relu', 'ReLU', [-1, 16, 28, 28], 0], ['layer1.0.conv2', 'Conv2d', [-1, 16, 28, 28], 2304], ['layer1.0.bn2', 'BatchNorm2d', [-1, 16, 28, 28], 65],
    ['layer2.0.conv1', 'Conv2d', [-1, 32, 14, 14], 4608], ['layer2.0.bn1', 'BatchNorm2d', [-1, 32, 14, 14], 129],
    ['layer2.0.relu', 'ReLU', [-1, 32, 14, 14], 0], ['layer2.0.conv2', 'Conv2d', [-1, 32, 14, 14], 9216], ['layer2.0.bn2', 'BatchNorm2d', [-1, 32, 14, 14], 129],
    ['layer2.0.downsample.0', 'Conv2d', [-1, 32, 14, 14], 512], ['layer2.0.downsample.1', 'BatchNorm2d', [-1, 32, 14, 14], 129],
    ['layer3.0.conv1', 'Conv2d', [-1, 64, 7, 7], 18432], ['layer3.0.bn1', 'BatchNorm2d', [-1, 64, 7, 7], 257],
    ['layer3.0.relu', 'ReLU', [-1, 64, 7, 7], 0], ['layer3.0.conv2', 'Conv2d', [-1, 64, 7, 7], 36864], ['layer3.0.bn2', 'BatchNorm2d', [-1, 64, 7, 7], 257],
    ['layer3.0.downsample.0', 'Conv2d', [-1, 64, 7, 7], 2048], ['layer3.0.downsample.1', 'BatchNorm2d', [-1, 64, 7, 7], 257],
    ['avgpool', 'AdaptiveAvgPool2d', [-1, 64, 1, 1], 0], ['fc', 'Linear', [-1, 10], 650],
  ]);
  // conv1 144 + bn1 32; layer1 2·2,304 + 64; layer2 4,608 + 9,216 + 512 + 192; layer3 18,432 + 36,864 + 2,048 + 384; fc 650.
  assert.equal(net.numParameters(), 77754);
  const y = net.call(bp.randn([2, 1, 28, 28]));
  assert.deepEqual(y.shape, [2, 10]);
  assert.ok(Array.from(y.data).every((v) => Number.isFinite(v)));
});

test('BasicBlock: relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut x); identity shortcut when shapes agree', () => {
  bp.manualSeed(5);
  const x = bp.randn([2, 4, 5, 5]);
  const same = new bp.BasicBlock(4, 4);
  assert.equal(same.downsample, null);
  same.conv2.weight.data.fill(0); // F(x) = bn2(0) = β = 0, so y = relu(x)
  assertClose(same.call(x), bp.relu(x).toArray(), 1e-6, 0);
  const down = new bp.BasicBlock(4, 6, 2).eval();
  assert.ok(down.downsample !== null);
  const [proj, projBn] = down.downsample.layers;
  const fx = down.bn2.call(down.conv2.call(bp.relu(down.bn1.call(down.conv1.call(x)))));
  const expected = bp.relu(bp.add(fx, projBn.call(proj.call(x))));
  const y = down.call(x);
  assert.deepEqual(y.shape, [2, 6, 3, 3]);
  assertClose(y, expected.toArray(), 1e-6, 0);
});

test('resnetSmall() saves and loads: same config, input shape and eval outputs', () => {
  bp.manualSeed(7);
  const net = bp.resnetSmall({ numClasses: 4 });
  net.call(bp.randn([4, 1, 28, 28])); // moves the running statistics away from 0 and 1
  net.eval();
  const x = bp.randn([2, 1, 28, 28]);
  const dir = mkdtempSync(join(tmpdir(), 'backprop-resnet-'));
  try {
    bp.saveModule(net, join(dir, 'resnet'));
    const { model } = bp.loadModule(join(dir, 'resnet'));
    assert.ok(model instanceof bp.ResNet);
    assert.deepEqual(model.config(), net.config());
    assert.deepEqual(net.config(), { type: 'ResNet', depths: [1, 1, 1], widths: [16, 32, 64], numClasses: 4, stem: 'small', inChannels: 1, inputShape: [1, 28, 28] });
    assertClose(model.eval().call(x), net.call(x).toArray(), 0, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resnet(): bad options are ConfigErrors naming the option', () => {
  throwsWith(() => bp.resnet({ depths: [], widths: [] }), bp.ConfigError, /resnet: depths must be a non-empty list of whole numbers, got \[\]/);
  throwsWith(() => bp.resnet({ depths: [1, 1], widths: [8] }), bp.ConfigError, /resnet: depths \(2 stages\) and widths \(1\) must have the same length/);
  throwsWith(() => bp.resnet({ depths: [1, 0], widths: [8, 8] }), bp.ConfigError, /resnet: depths\[1\] must be a whole number ≥ 1, got 0/);
  throwsWith(() => bp.resnet({ depths: [1], widths: [2.5] }), bp.ConfigError, /resnet: widths\[0\] must be a whole number ≥ 1, got 2.5/);
  throwsWith(() => bp.resnet({ depths: [1], widths: [8], stem: 'cifar' as never }), bp.ConfigError, /resnet: stem must be 'imagenet' or 'small', got "cifar"/);
  throwsWith(() => bp.resnetSmall({ numClasses: 0 }), bp.ConfigError, /resnet: numClasses must be a whole number ≥ 1, got 0/);
  throwsWith(() => bp.moduleFromConfig({ type: 'ResNet', depths: 'two', widths: [8], numClasses: 3, stem: 'small' }), bp.ConfigError, /ResNet: field 'depths' must be a list of whole numbers/);
});
