# Generates test/fixtures/seq-loss.json: PyTorch's cross-entropy over the steps of padded sequences, for test/losses/sequence-torch.test.ts.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_seq_loss_fixtures.py

Each case holds logits [N, T, V], target tokens [N, T] (0 = padding), the loss of
F.cross_entropy(logits.reshape(-1, V), target.reshape(-1), ignore_index=0, reduction=...) and
the gradient of the logits (of the loss for 'mean'/'sum', of (out * w).sum() for 'none', with
the out reshaped to [N, T]). Values are float32 written as the float64 numbers they equal.
"""
import json
import os

import torch
import torch.nn.functional as F

SEED = 20240801
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'seq-loss.json')
gen = torch.Generator().manual_seed(SEED)

cases = []
for reduction in ('mean', 'sum', 'none'):
    n, t, v = 3, 5, 6
    logits = torch.randn((n, t, v), generator=gen, dtype=torch.float32).requires_grad_()
    target = torch.randint(1, v, (n, t), generator=gen)
    target[0, 3:] = 0  # padded tails
    target[2, 1:] = 0
    out = F.cross_entropy(logits.reshape(-1, v), target.reshape(-1), ignore_index=0, reduction=reduction)
    w = None
    if reduction == 'none':
        out = out.reshape(n, t)
        w = torch.randn((n, t), generator=gen, dtype=torch.float32)
        (out * w).sum().backward()
    else:
        out.backward()
    cases.append({
        'reduction': reduction,
        'logits': logits.detach().flatten().tolist(), 'shape': [n, t, v],
        'target': target.flatten().tolist(),
        'out': out.detach().flatten().tolist(),
        'w': None if w is None else w.flatten().tolist(),
        'grad': logits.grad.flatten().tolist(),
    })

with open(OUT_PATH, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
print(f'wrote {len(cases)} cases to {OUT_PATH}')
