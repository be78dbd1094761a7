// LeNet-5's state dict loads into the same-shaped PyTorch module (strict=True) and gives the same
// outputs: runs scripts/check_torch_cnn.py when /usr/bin/python3 has torch, else skips saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)) || 'unknown reason'}); install python3-torch to run this check`;

test('lenet5 weights load into torch.nn with strict=True and give our outputs within 1e-4', { skip, timeout: 60_000 }, () => {
  const r = spawnSync(PYTHON, ['scripts/check_torch_cnn.py', 'lenet5'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `check_torch_cnn.py failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /lenet5: state dict loads with strict=True; max \|ours − torch\| = \S+ \(outputs up to \S+\) OK/);
});
