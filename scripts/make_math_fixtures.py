# Generates test/fixtures/math.json: PyTorch reference values and gradients of matmul (1-D operands, broadcast batch axes) and of reductions over lists of axes, for test/parity/math.test.ts.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_math_fixtures.py

Each case holds the backprop op name, its options (axes, keepdims), the differentiable inputs,
the forward output and the gradient of every input: of the output itself when it is a scalar
(w is null), else of (out * w).sum() with the stored w. Values are float32 written as the
float64 numbers they equal; one seeded torch generator makes the file reproducible. Inputs of
max/min are drawn without ties (torch splits a tie's gradient, backprop gives it to the first).
"""
import json
import os
import sys

import torch

SEED = 20241202
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'math.json')

gen = torch.Generator().manual_seed(SEED)
CASES = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def values(t):
    return t.detach().to(torch.float32).tolist()


def case(name, op, options, inputs, fn):
    """Runs fn(*leaf copies of inputs) and stores the output and the inputs' gradients."""
    if any(c['name'] == name for c in CASES):
        raise ValueError(f'duplicate case name {name}')
    xs = [t.detach().clone().requires_grad_(True) for t in inputs]
    out = fn(*xs)
    if out.dim() == 0:
        w = None
        out.backward()
    else:
        w = randn(*out.shape)
        (out * w).sum().backward()
    grads = [x.grad if x.grad is not None else torch.zeros_like(x) for x in xs]
    for t in (out, *grads):
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f'{name}: non-finite values cannot go in the fixture')
    CASES.append({'name': name, 'op': op, 'options': options, 'inputs': [values(x) for x in xs],
                  'w': None if w is None else values(w), 'out': values(out), 'grads': [values(g) for g in grads]})


# ---------------------------------------------------------------- matmul = torch.matmul
MATMUL_SHAPES = [
    ([5], [5]), ([4], [4, 3]), ([3, 4], [4]), ([4], [2, 4, 3]), ([2, 3, 4], [4]),
    ([3, 4], [4, 2]), ([2, 3, 4], [2, 4, 5]), ([1, 3, 4], [2, 4, 5]), ([3, 4], [2, 4, 5]),
    ([2, 3, 4], [1, 4, 5]), ([2, 3, 4], [4, 5]), ([2, 3, 3, 4], [3, 4, 2]), ([2, 1, 3, 4], [1, 3, 4, 2]),
    ([3, 2, 4], [2, 1, 4, 3]), ([1, 1, 2, 3], [3, 4]),
]
for sa, sb in MATMUL_SHAPES:
    name = 'matmul_' + 'x'.join(map(str, sa)) + '_' + 'x'.join(map(str, sb))
    case(name, 'matmul', {}, [randn(*sa), randn(*sb)], torch.matmul)


# ---------------------------------------------------------------- reductions over lists of axes
def distinct(*shape):
    """Normal-looking values without ties: a random permutation of evenly spaced numbers."""
    n = 1
    for d in shape:
        n *= d
    grid = torch.linspace(-2.0, 2.0, n)
    return grid[torch.randperm(n, generator=gen)].reshape(shape)


def amax(x, axes, keepdims):
    return torch.amax(x, dim=axes, keepdim=keepdims)


def amin(x, axes, keepdims):
    return torch.amin(x, dim=axes, keepdim=keepdims)


REDUCTIONS = {
    'sum': lambda x, axes, k: torch.sum(x, dim=axes, keepdim=k),
    'mean': lambda x, axes, k: torch.mean(x, dim=axes, keepdim=k),
    'max': amax,
    'min': amin,
    'logsumexp': lambda x, axes, k: torch.logsumexp(x, dim=axes, keepdim=k),
}
AXES = [[0, 2], [-1, 0], [1, 2], [1, 3], [0, 1, 2, 3], [3], [-3, -1]]
for op, fn in REDUCTIONS.items():
    for axes in AXES:
        for keepdims in (False, True):
            x = distinct(2, 3, 4, 2)
            name = f'{op}_axes_{"_".join(map(str, axes))}' + ('_keepdims' if keepdims else '')
            case(name, op, {'axes': axes, 'keepdims': keepdims}, [x],
                 lambda t, fn=fn, axes=axes, keepdims=keepdims: fn(t, axes, keepdims))


def main():
    doc = {
        'about': 'PyTorch reference values for test/parity/math.test.ts; regenerate with '
                 '`/usr/bin/python3 scripts/make_math_fixtures.py`. grads[i] = d out / d inputs[i] for a scalar out '
                 '(w null), else d (out * w).sum() / d inputs[i]. Values are float32, written as float64.',
        'torch': torch.__version__,
        'seed': SEED,
        'cases': CASES,
    }
    text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
    with open(OUT_PATH, 'w', encoding='utf-8') as fh:
        fh.write(text + '\n')
    print(f'wrote {len(CASES)} cases, {len(text) // 1024} KB to {os.path.relpath(OUT_PATH)}', file=sys.stderr)


if __name__ == '__main__':
    main()
