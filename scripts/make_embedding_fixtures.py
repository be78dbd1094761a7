# Generates test/fixtures/embedding.json: PyTorch reference runs of F.embedding / nn.Embedding.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_embedding_fixtures.py

Each case holds a weight [V, E], an index tensor (of any shape, with repeated indices, written as
numbers), the padding row (or null), the forward output, a fixed random upstream weight `w` of the
output's shape, and the gradient of the weight for the loss (out * w).sum(). One seeded generator
makes the file reproducible.
"""
import json
import os

import torch
import torch.nn.functional as F

SEED = 20260808
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'embedding.json')

gen = torch.Generator().manual_seed(SEED)


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def case(name, v, e, indices, padding_idx=None):
    weight = randn(v, e).requires_grad_(True)
    idx = torch.tensor(indices, dtype=torch.long)
    out = F.embedding(idx, weight, padding_idx=padding_idx)
    w = randn(*out.shape)
    (out * w).sum().backward()
    return {
        'name': name,
        'weight': weight.detach().tolist(),
        'indices': idx.tolist(),
        'paddingIdx': padding_idx,
        'out': out.detach().tolist(),
        'w': w.tolist(),
        'gradWeight': weight.grad.tolist(),
    }


def main():
    cases = [
        case('vector of indices, one repeated', 6, 3, [4, 1, 4, 0]),
        case('batch [N, T] of token ids, rows 2 and 5 unused', 7, 4, [[0, 3, 3, 6], [1, 4, 0, 0]]),
        case('padding row 0 gets no gradient', 5, 2, [[2, 0, 0], [1, 3, 0]], padding_idx=0),
        case('negative padding index counts from the end', 5, 3, [[4, 1], [4, 4]], padding_idx=-1),
        case('a single index (0-d)', 3, 5, 2),
    ]
    fixture = {'torch': torch.__version__, 'seed': SEED, 'cases': cases}
    with open(OUT_PATH, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT_PATH)}')


if __name__ == '__main__':
    main()
