// resnetSmall's state dict loads into a torchvision-shaped PyTorch ResNet (strict=True) and back, with the
// same eval outputs: runs scripts/check_torch_resnet.py when /usr/bin/python3 has torch, else skips saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)) || 'unknown reason'}); install python3-torch to run this check`;

test('resnetSmall state dicts load both ways with a torch ResNet under torchvision\'s names (strict) and outputs agree within 1e-3', { skip, timeout: 90_000 }, () => {
  const r = spawnSync(PYTHON, ['scripts/check_torch_resnet.py', 'small'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `check_torch_resnet.py failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /small: state dict loads with strict=True; max \|ours − torch\| = \S+ \(outputs up to \S+\) OK/);
  // And the other way: torch's state dict (num_batches_tracked as int64) loads into ours, same outputs.
  assert.match(r.stdout, /small: torch's state dict loads into ours with strict; max \|ours − torch\| = \S+ OK/);
});
