# Generates test/fixtures/ops.json: PyTorch reference forward values and input gradients for test/parity/ops.test.ts.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_fixtures.py   (or `npm run fixtures`).

Every case holds the fixture op name, its tensor inputs (float32 values written as the float64
numbers they equal, so they round-trip exactly), its parameters, the forward output, a fixed
random upstream weight `w` of the output's shape, and the gradient of every input for the loss
(out * w).sum(). Everything comes from one seeded torch generator, so the file is reproducible.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

SEED = 20240607
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'ops.json')

gen = torch.Generator().manual_seed(SEED)
torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------- input generators

def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def uniform(shape, low, high):
    return low + (high - low) * torch.rand(tuple(shape), generator=gen, dtype=torch.float32)


def nonzero(*shape, margin=0.1):
    """Normal values pushed at least `margin` away from 0 (relu/abs/leaky/division are smooth there)."""
    x = randn(*shape)
    return torch.where(x >= 0, x + margin, x - margin)


def positive(*shape, low=0.25, high=3.0):
    return uniform(shape, low, high)


def away_from(*shape, points, margin=0.05):
    """Normal values at least `margin` away from each of `points` (clamp bounds)."""
    for _ in range(1000):
        x = randn(*shape)
        if all(bool(((x - p).abs() >= margin).all()) for p in points):
            return x
    raise RuntimeError('away_from: could not draw values away from the given points')


def distinct(*shape, gap=1e-2):
    """Normal values with no ties (any two differ by at least `gap`), for max/min."""
    for _ in range(1000):
        x = randn(*shape)
        s = x.flatten().sort().values
        if s.numel() < 2 or bool((s[1:] - s[:-1] >= gap).all()):
            return x
    raise RuntimeError('distinct: could not draw values without near-ties')


# ---------------------------------------------------------------- case recording

CASES = []


def values(t):
    """A tensor as nested lists of Python floats (a bare float for a 0-d tensor)."""
    return t.detach().to(torch.float32).tolist()


def case(name, op, inputs, fn, params=None):
    """Runs fn on fresh leaf copies of `inputs`, back-propagates (out * w).sum(), stores the case."""
    if any(c['name'] == name for c in CASES):
        raise ValueError(f'duplicate case name {name}')
    xs = [t.detach().clone().to(torch.float32).requires_grad_(True) for t in inputs]
    out = fn(*xs)
    assert out.dtype == torch.float32, name
    w = randn(*out.shape)
    (out * w).sum().backward()
    grads = [x.grad if x.grad is not None else torch.zeros_like(x) for x in xs]
    for t in [out, *grads]:
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f'{name}: non-finite values cannot go in the fixture')
    CASES.append({
        'name': name,
        'op': op,
        'params': params or {},
        'inputs': [values(x) for x in xs],
        'w': values(w),
        'out': values(out),
        'grads': [values(gr) for gr in grads],
    })


# ---------------------------------------------------------------- arithmetic with broadcasting

BINARY = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div}


def binary_cases(op):
    f = BINARY[op]
    rhs = nonzero if op == 'div' else randn  # keep divisors away from 0
    case(f'{op}_same_3x4', op, [randn(3, 4), rhs(3, 4)], f)
    case(f'{op}_bcast_3x4_4', op, [randn(3, 4), rhs(4)], f)
    case(f'{op}_bcast_2x1x4_3x1', op, [randn(2, 1, 4), rhs(3, 1)], f)
    case(f'{op}_bcast_3x1_2x1x4', op, [randn(3, 1), rhs(2, 1, 4)], f)
    case(f'{op}_scalar_tensor_left', op, [randn(), rhs(3, 4)], f)
    case(f'{op}_scalar_tensor_right', op, [randn(3, 4), rhs()], f)


for _op in BINARY:
    binary_cases(_op)

# A plain number on one side: params.scalar with params.side = 'left' (number op x) or 'right' (x op number).
case('add_number_right', 'add', [randn(3, 4)], lambda x: x + 2.5, {'scalar': 2.5, 'side': 'right'})
case('sub_number_left', 'sub', [randn(3, 4)], lambda x: 1.5 - x, {'scalar': 1.5, 'side': 'left'})
case('mul_number_right', 'mul', [randn(3, 4)], lambda x: x * -0.75, {'scalar': -0.75, 'side': 'right'})
case('div_number_left', 'div', [nonzero(3, 4)], lambda x: 2.0 / x, {'scalar': 2.0, 'side': 'left'})
case('div_number_right', 'div', [randn(3, 4)], lambda x: x / 4.0, {'scalar': 4.0, 'side': 'right'})

# ---------------------------------------------------------------- elementwise maths

case('neg', 'neg', [randn(3, 4)], torch.neg)
case('pow_2', 'pow', [randn(3, 4)], lambda x: torch.pow(x, 2), {'exponent': 2})
case('pow_3', 'pow', [randn(3, 4)], lambda x: torch.pow(x, 3), {'exponent': 3})
case('pow_0.5_positive', 'pow', [positive(3, 4)], lambda x: torch.pow(x, 0.5), {'exponent': 0.5})
case('pow_-1', 'pow', [nonzero(3, 4, margin=0.3)], lambda x: torch.pow(x, -1), {'exponent': -1})
case('exp', 'exp', [randn(3, 4)], torch.exp)
case('log_positive', 'log', [positive(3, 4)], torch.log)
case('sqrt_positive', 'sqrt', [positive(3, 4)], torch.sqrt)
case('abs', 'abs', [nonzero(3, 4)], torch.abs)
case('clamp_both', 'clamp', [away_from(3, 4, points=[-0.5, 0.7])],
     lambda x: torch.clamp(x, -0.5, 0.7), {'min': -0.5, 'max': 0.7})
case('clamp_min_only', 'clamp', [away_from(3, 4, points=[-0.25])],
     lambda x: torch.clamp(x, min=-0.25), {'min': -0.25})
case('clamp_max_only', 'clamp', [away_from(3, 4, points=[0.3])],
     lambda x: torch.clamp(x, max=0.3), {'max': 0.3})

# ---------------------------------------------------------------- matrix products

case('matmul_2d', 'matmul', [randn(3, 4), randn(4, 5)], torch.matmul)
case('matmul_3d_3d', 'matmul', [randn(2, 3, 4), randn(2, 4, 5)], torch.matmul)
case('matmul_3d_2d', 'matmul', [randn(2, 3, 4), randn(4, 5)], torch.matmul)
case('matmul_2d_3d', 'matmul', [randn(3, 4), randn(2, 4, 5)], torch.matmul)
case('linear', 'linear', [randn(4, 3), randn(5, 3), randn(5)], F.linear)
case('linear_no_bias', 'linear', [randn(4, 3), randn(5, 3)], F.linear)
case('linear_3d_input', 'linear', [randn(2, 3, 4), randn(2, 4), randn(2)], F.linear)

# ---------------------------------------------------------------- reductions

case('sum_all', 'sum', [randn(3, 4)], torch.sum)
case('sum_all_keepdims', 'sum', [randn(3, 4)], lambda x: torch.sum(x, dim=(0, 1), keepdim=True), {'keepdims': True})
case('sum_axis0', 'sum', [randn(3, 4)], lambda x: torch.sum(x, 0), {'axis': 0, 'keepdims': False})
case('sum_axis1_keepdims', 'sum', [randn(3, 4)], lambda x: torch.sum(x, 1, keepdim=True), {'axis': 1, 'keepdims': True})
case('sum_3d_axis1', 'sum', [randn(2, 3, 4)], lambda x: torch.sum(x, 1), {'axis': 1, 'keepdims': False})
case('sum_3d_axis-1_keepdims', 'sum', [randn(2, 3, 4)], lambda x: torch.sum(x, -1, keepdim=True), {'axis': -1, 'keepdims': True})

case('mean_all', 'mean', [randn(3, 4)], torch.mean)
case('mean_all_keepdims', 'mean', [randn(3, 4)], lambda x: torch.mean(x, dim=(0, 1), keepdim=True), {'keepdims': True})
case('mean_axis0', 'mean', [randn(3, 4)], lambda x: torch.mean(x, 0), {'axis': 0, 'keepdims': False})
case('mean_axis1_keepdims', 'mean', [randn(3, 4)], lambda x: torch.mean(x, 1, keepdim=True), {'axis': 1, 'keepdims': True})
case('mean_3d_axis1', 'mean', [randn(2, 3, 4)], lambda x: torch.mean(x, 1), {'axis': 1, 'keepdims': False})
case('mean_3d_axis-1_keepdims', 'mean', [randn(2, 3, 4)], lambda x: torch.mean(x, -1, keepdim=True), {'axis': -1, 'keepdims': True})

for _op, _f in (('max', torch.max), ('min', torch.min)):
    _am = torch.amax if _op == 'max' else torch.amin
    case(f'{_op}_all', _op, [distinct(3, 4)], _f)
    case(f'{_op}_all_keepdims', _op, [distinct(3, 4)], lambda x, am=_am: am(x, dim=(0, 1), keepdim=True), {'keepdims': True})
    case(f'{_op}_axis0', _op, [distinct(3, 4)], lambda x, f=_f: f(x, 0).values, {'axis': 0, 'keepdims': False})
    case(f'{_op}_axis1_keepdims', _op, [distinct(3, 4)], lambda x, f=_f: f(x, 1, keepdim=True).values, {'axis': 1, 'keepdims': True})
    case(f'{_op}_3d_axis1', _op, [distinct(2, 3, 4)], lambda x, f=_f: f(x, 1).values, {'axis': 1, 'keepdims': False})
    case(f'{_op}_3d_axis-1_keepdims', _op, [distinct(2, 3, 4)], lambda x, f=_f: f(x, -1, keepdim=True).values, {'axis': -1, 'keepdims': True})

case('logsumexp_all', 'logsumexp', [randn(3, 4)], lambda x: torch.logsumexp(x, dim=(0, 1)))
case('logsumexp_all_keepdims', 'logsumexp', [randn(3, 4)], lambda x: torch.logsumexp(x, dim=(0, 1), keepdim=True), {'keepdims': True})
case('logsumexp_axis1', 'logsumexp', [randn(3, 4)], lambda x: torch.logsumexp(x, 1), {'axis': 1, 'keepdims': False})
case('logsumexp_axis0_keepdims', 'logsumexp', [randn(3, 4)], lambda x: torch.logsumexp(x, 0, keepdim=True), {'axis': 0, 'keepdims': True})
case('logsumexp_3d_axis1', 'logsumexp', [randn(2, 3, 4)], lambda x: torch.logsumexp(x, 1), {'axis': 1, 'keepdims': False})
case('logsumexp_axis1_large', 'logsumexp',
     [torch.tensor([[1000.0, -1000.0, 999.0, 0.5], [-1000.0, -999.5, -1000.0, -1001.0], [2.0, -3.0, 0.25, 1.0]])],
     lambda x: torch.logsumexp(x, 1), {'axis': 1, 'keepdims': False})

# ---------------------------------------------------------------- activations

case('sigmoid', 'sigmoid', [randn(3, 4) * 2], torch.sigmoid)
case('sigmoid_large', 'sigmoid', [torch.tensor([[-1000.0, -50.0, -20.0, 0.5], [20.0, 50.0, 1000.0, -0.5]])], torch.sigmoid)
case('tanh', 'tanh', [randn(3, 4)], torch.tanh)
case('tanh_large', 'tanh', [torch.tensor([[-1000.0, -20.0, -5.0, 0.5], [5.0, 20.0, 1000.0, -0.5]])], torch.tanh)
case('relu', 'relu', [nonzero(3, 4)], torch.relu)
case('leaky_relu_default', 'leaky_relu', [nonzero(3, 4)], F.leaky_relu)
case('leaky_relu_0.01', 'leaky_relu', [nonzero(3, 4)], lambda x: F.leaky_relu(x, 0.01), {'slope': 0.01})
case('leaky_relu_0.1', 'leaky_relu', [nonzero(3, 4)], lambda x: F.leaky_relu(x, 0.1), {'slope': 0.1})
case('softplus', 'softplus', [randn(3, 4) * 2], F.softplus)
case('softplus_large', 'softplus', [torch.tensor([[-1000.0, -50.0, -20.0, 0.5], [19.0, 30.0, 50.0, 1000.0]])], F.softplus)
case('elu_1', 'elu', [nonzero(3, 4)], lambda x: F.elu(x, 1.0), {'alpha': 1})
case('elu_0.5', 'elu', [nonzero(3, 4)], lambda x: F.elu(x, 0.5), {'alpha': 0.5})
case('elu_default', 'elu', [nonzero(3, 4)], F.elu)

# ---------------------------------------------------------------- softmax

LARGE_LOGITS = torch.tensor([[1000.0, -1000.0, 999.0, 0.5], [-1000.0, -999.0, -1000.0, -1001.5], [1000.0, 1000.0, -1000.0, 998.0]])
for _op, _f in (('softmax', F.softmax), ('log_softmax', F.log_softmax)):
    case(f'{_op}_axis-1', _op, [randn(3, 4)], lambda x, f=_f: f(x, -1), {'axis': -1})
    case(f'{_op}_axis0', _op, [randn(3, 4)], lambda x, f=_f: f(x, 0), {'axis': 0})
    case(f'{_op}_3d_axis1', _op, [randn(2, 3, 4)], lambda x, f=_f: f(x, 1), {'axis': 1})
    case(f'{_op}_large_logits_axis-1', _op, [LARGE_LOGITS], lambda x, f=_f: f(x, -1), {'axis': -1})
    case(f'{_op}_large_logits_axis0', _op, [LARGE_LOGITS], lambda x, f=_f: f(x, 0), {'axis': 0})

# ---------------------------------------------------------------- shape ops


def torch_slice(x, start, end, axis):
    return x[(slice(None),) * axis + (slice(start, end),)]


case('reshape_3x4_to_2x6', 'reshape', [randn(3, 4)], lambda x: x.reshape(2, 6), {'shape': [2, 6]})
case('reshape_2x3x4_to_4x-1', 'reshape', [randn(2, 3, 4)], lambda x: x.reshape(4, -1), {'shape': [4, -1]})
case('transpose_2d', 'transpose', [randn(3, 4)], lambda x: x.transpose(0, 1), {'axis0': 0, 'axis1': 1})
case('transpose_3d_0_2', 'transpose', [randn(2, 3, 4)], lambda x: x.transpose(0, 2), {'axis0': 0, 'axis1': 2})
case('permute_3d_2_0_1', 'permute', [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1), {'perm': [2, 0, 1]})
case('slice_axis0', 'slice', [randn(4, 3)], lambda x: torch_slice(x, 1, 3, 0), {'start': 1, 'end': 3, 'axis': 0})
case('slice_axis1', 'slice', [randn(3, 5)], lambda x: torch_slice(x, 1, 4, 1), {'start': 1, 'end': 4, 'axis': 1})
case('slice_axis1_negative_start', 'slice', [randn(3, 5)], lambda x: torch_slice(x, -3, None, 1), {'start': -3, 'axis': 1})
case('slice_3d_axis1', 'slice', [randn(2, 4, 3)], lambda x: torch_slice(x, 0, 2, 1), {'start': 0, 'end': 2, 'axis': 1})
case('index_select_axis0_repeated', 'index_select', [randn(4, 3)],
     lambda x: torch.index_select(x, 0, torch.tensor([2, 0, 2, 3])), {'axis': 0, 'indices': [2, 0, 2, 3]})
case('index_select_axis1_repeated', 'index_select', [randn(3, 4)],
     lambda x: torch.index_select(x, 1, torch.tensor([3, 3, 1])), {'axis': 1, 'indices': [3, 3, 1]})
_GATHER1 = [[0, 3, 3], [2, 1, 0], [1, 1, 1]]
case('gather_axis1', 'gather', [randn(3, 4)], lambda x: torch.gather(x, 1, torch.tensor(_GATHER1)), {'axis': 1, 'index': _GATHER1})
_GATHER0 = [[2, 0, 1, 2], [2, 2, 0, 1]]
case('gather_axis0', 'gather', [randn(3, 4)], lambda x: torch.gather(x, 0, torch.tensor(_GATHER0)), {'axis': 0, 'index': _GATHER0})
case('cat_axis0', 'cat', [randn(2, 3), randn(1, 3), randn(3, 3)], lambda *xs: torch.cat(xs, 0), {'axis': 0})
case('cat_axis1', 'cat', [randn(3, 2), randn(3, 4)], lambda *xs: torch.cat(xs, 1), {'axis': 1})
case('cat_3d_axis-1', 'cat', [randn(2, 2, 1), randn(2, 2, 3)], lambda *xs: torch.cat(xs, -1), {'axis': -1})
case('stack_axis0', 'stack', [randn(3, 4), randn(3, 4)], lambda *xs: torch.stack(xs, 0), {'axis': 0})
case('stack_axis1', 'stack', [randn(3, 4), randn(3, 4), randn(3, 4)], lambda *xs: torch.stack(xs, 1), {'axis': 1})
case('stack_axis-1', 'stack', [randn(2, 3), randn(2, 3)], lambda *xs: torch.stack(xs, -1), {'axis': -1})


def main():
    doc = {
        'about': 'PyTorch reference values for test/parity/ops.test.ts; regenerate with `npm run fixtures`. '
                 'loss = (out * w).sum(); grads[i] = d loss / d inputs[i]. Values are float32, written as float64.',
        'torch': torch.__version__,
        'seed': SEED,
        'cases': CASES,
    }
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
    with open(OUT_PATH, 'w', encoding='utf-8') as fh:
        fh.write(text + '\n')
    print(f'wrote {len(CASES)} cases, {len(text) // 1024} KB to {os.path.relpath(OUT_PATH)}', file=sys.stderr)


if __name__ == '__main__':
    main()
