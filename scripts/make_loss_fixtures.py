# Generates test/fixtures/losses.json: PyTorch reference values and gradients of the losses and of small Sequential nets, for test/parity/losses.test.ts.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_loss_fixtures.py

Loss cases hold the backprop loss name, its options (reduction, labelSmoothing, lambda), the
differentiable inputs (the prediction, or the parameter list of l2Penalty), the constant target,
the forward output and the gradient of every input. For a scalar output the gradient is of the
output itself (w is null); for reduction 'none' it is of (out * w).sum() with the stored w.

Layer cases hold a torch nn.Sequential's architecture, its state_dict (keys as torch names
them), an input batch, class labels, the output, the mean cross-entropy against the labels, and
the gradients of every parameter and of the input.

Values are float32, written as the float64 numbers they equal. Everything comes from one seeded
torch generator, so the file is reproducible.
"""
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240611
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'losses.json')

gen = torch.Generator().manual_seed(SEED)
torch.set_default_dtype(torch.float32)

REDUCTIONS = ('mean', 'sum', 'none')
# kl_div's 'mean' (over elements) is what the fixture tests; its deprecation notice is noise here.
warnings.filterwarnings('ignore', message="reduction: 'mean' divides the total loss")


# ---------------------------------------------------------------- input generators

def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def uniform(shape, low, high):
    return low + (high - low) * torch.rand(tuple(shape), generator=gen, dtype=torch.float32)


def nonzero(*shape, margin=0.1):
    """Normal values pushed at least `margin` away from 0 (|x| is smooth there)."""
    x = randn(*shape)
    return torch.where(x >= 0, x + margin, x - margin)


def labels(n, classes):
    return torch.randint(0, classes, (n,), generator=gen)


def probs(n, classes):
    """Rows of class probabilities (softmax of normal scores)."""
    return F.softmax(randn(n, classes) * 1.5, dim=1)


def values(t):
    """A tensor as nested lists of Python floats (a bare float for a 0-d tensor)."""
    return t.detach().to(torch.float32).tolist()


def check_finite(name, ts):
    for t in ts:
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f'{name}: non-finite values cannot go in the fixture')


# ---------------------------------------------------------------- loss cases

LOSS_CASES = []


def loss_case(name, loss, options, inputs, target, fn):
    """Runs fn(*leaf copies of inputs) and stores the output and the inputs' gradients."""
    if any(c['name'] == name for c in LOSS_CASES):
        raise ValueError(f'duplicate case name {name}')
    xs = [t.detach().clone().to(torch.float32).requires_grad_(True) for t in inputs]
    out = fn(*xs)
    assert out.dtype == torch.float32, name
    if out.dim() == 0:
        w = None
        out.backward()
    else:
        w = randn(*out.shape)
        (out * w).sum().backward()
    grads = [x.grad if x.grad is not None else torch.zeros_like(x) for x in xs]
    check_finite(name, [out, *grads])
    LOSS_CASES.append({
        'name': name,
        'loss': loss,
        'options': options,
        'inputs': [values(x) for x in xs],
        'target': None if target is None else values(target.to(torch.float32)),
        'w': None if w is None else values(w),
        'out': values(out),
        'grads': [values(g) for g in grads],
    })


def reduce_by_hand(x, reduction):
    return {'mean': x.mean, 'sum': x.sum, 'none': lambda: x}[reduction]()


def l2_by_hand(y, d, reduction):
    """½‖y − d‖² per sample (summed over every axis but the first), then reduced over the batch."""
    per_sample = 0.5 * ((y - d) ** 2).sum(dim=tuple(range(1, y.dim())))
    return reduce_by_hand(per_sample, reduction)


# l2 (no torch equivalent: computed by hand)
_y, _d = randn(4, 3), randn(4, 3)
for r in REDUCTIONS:
    loss_case(f'l2_{r}', 'l2', {'reduction': r}, [_y], _d, lambda y, r=r: l2_by_hand(y, _d, r))
_y, _d = randn(2, 3, 2), randn(2, 3, 2)
for r in REDUCTIONS:
    loss_case(f'l2_3d_{r}', 'l2', {'reduction': r}, [_y], _d, lambda y, r=r: l2_by_hand(y, _d, r))

# mse = F.mse_loss
_y, _d = randn(4, 3), randn(4, 3)
for r in REDUCTIONS:
    loss_case(f'mse_{r}', 'mse', {'reduction': r}, [_y], _d, lambda y, r=r: F.mse_loss(y, _d, reduction=r))

# mae = F.l1_loss (prediction kept away from the kink y = d)
_d = randn(4, 3)
_y = _d + nonzero(4, 3)
for r in REDUCTIONS:
    loss_case(f'mae_{r}', 'mae', {'reduction': r}, [_y], _d, lambda y, r=r: F.l1_loss(y, _d, reduction=r))

# binaryCrossEntropy = F.binary_cross_entropy: hard and soft targets
_y = uniform((4, 3), 0.05, 0.95)
_d = torch.cat([(uniform((3, 3), 0, 1) > 0.5).float(), uniform((1, 3), 0, 1)])
for r in REDUCTIONS:
    loss_case(f'binaryCrossEntropy_{r}', 'binaryCrossEntropy', {'reduction': r}, [_y], _d,
              lambda y, r=r: F.binary_cross_entropy(y, _d, reduction=r))
# probabilities exactly 0 and 1: PyTorch clamps each log at -100, and its gradient
# (y - d) / max(y (1 - y), 1e-12) is finite (0 where the target agrees, ±(1e12 · |y - d|) where not)
_y = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.3, 0.0, 1.0]])
_d = torch.tensor([[0.0, 1.0, 0.5], [1.0, 0.0, 0.25], [1.0, 0.0, 1.0]])
for r in REDUCTIONS:
    loss_case(f'binaryCrossEntropy_probs_0_and_1_{r}', 'binaryCrossEntropy', {'reduction': r}, [_y], _d,
              lambda y, r=r: F.binary_cross_entropy(y, _d, reduction=r))

# binaryCrossEntropyWithLogits = F.binary_cross_entropy_with_logits
_z = randn(4, 3) * 3
_d = torch.cat([(uniform((3, 3), 0, 1) > 0.5).float(), uniform((1, 3), 0, 1)])
for r in REDUCTIONS:
    loss_case(f'binaryCrossEntropyWithLogits_{r}', 'binaryCrossEntropyWithLogits', {'reduction': r}, [_z], _d,
              lambda z, r=r: F.binary_cross_entropy_with_logits(z, _d, reduction=r))
_z = torch.tensor([[50.0, -50.0, 0.0], [50.0, -50.0, 0.0], [50.0, -50.0, 0.0]])
_d = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.5]])
for r in REDUCTIONS:
    loss_case(f'binaryCrossEntropyWithLogits_logits_50_-50_0_{r}', 'binaryCrossEntropyWithLogits', {'reduction': r}, [_z], _d,
              lambda z, r=r: F.binary_cross_entropy_with_logits(z, _d, reduction=r))

# crossEntropy = F.cross_entropy with the target as class indices, one-hot rows, or probabilities
N, C = 5, 4
_s, _k = randn(N, C) * 2, labels(N, C)
for r in REDUCTIONS:
    loss_case(f'crossEntropy_indices_{r}', 'crossEntropy', {'reduction': r}, [_s], _k,
              lambda s, r=r: F.cross_entropy(s, _k, reduction=r))
_s, _k = randn(N, C) * 2, labels(N, C)
_onehot = F.one_hot(_k, C).float()
for r in REDUCTIONS:
    loss_case(f'crossEntropy_onehot_{r}', 'crossEntropy', {'reduction': r}, [_s], _onehot,
              lambda s, r=r: F.cross_entropy(s, _onehot, reduction=r))
_s, _p = randn(N, C) * 2, probs(N, C)
for r in REDUCTIONS:
    loss_case(f'crossEntropy_probs_{r}', 'crossEntropy', {'reduction': r}, [_s], _p,
              lambda s, r=r: F.cross_entropy(s, _p, reduction=r))
_s, _k = randn(N, C) * 2, labels(N, C)
for r in REDUCTIONS:
    loss_case(f'crossEntropy_indices_smoothing_0.1_{r}', 'crossEntropy', {'reduction': r, 'labelSmoothing': 0.1}, [_s], _k,
              lambda s, r=r: F.cross_entropy(s, _k, reduction=r, label_smoothing=0.1))
_s, _p = randn(N, C) * 2, probs(N, C)
for r in REDUCTIONS:
    loss_case(f'crossEntropy_probs_smoothing_0.1_{r}', 'crossEntropy', {'reduction': r, 'labelSmoothing': 0.1}, [_s], _p,
              lambda s, r=r: F.cross_entropy(s, _p, reduction=r, label_smoothing=0.1))
LARGE_LOGITS = torch.tensor([[1000.0, -1000.0, 999.0, 0.5], [-1000.0, -999.0, -1000.0, -1001.5],
                             [1000.0, 1000.0, -1000.0, 998.0], [-1000.0, 1000.0, 0.0, 1.0]])
_k = torch.tensor([2, 1, 0, 0])  # the last picks a class far below the max: a loss of 2000
for r in REDUCTIONS:
    loss_case(f'crossEntropy_large_logits_indices_{r}', 'crossEntropy', {'reduction': r}, [LARGE_LOGITS], _k,
              lambda s, r=r: F.cross_entropy(s, _k, reduction=r))
_p = probs(4, 4)
for r in REDUCTIONS:
    loss_case(f'crossEntropy_large_logits_probs_{r}', 'crossEntropy', {'reduction': r}, [LARGE_LOGITS], _p,
              lambda s, r=r: F.cross_entropy(s, _p, reduction=r))
for r in REDUCTIONS:
    loss_case(f'crossEntropy_large_logits_indices_smoothing_0.1_{r}', 'crossEntropy', {'reduction': r, 'labelSmoothing': 0.1},
              [LARGE_LOGITS], _k, lambda s, r=r: F.cross_entropy(s, _k, reduction=r, label_smoothing=0.1))

# nll = F.nll_loss on log-probabilities
_lp, _k = F.log_softmax(randn(N, C) * 2, dim=1), labels(N, C)
for r in REDUCTIONS:
    loss_case(f'nll_{r}', 'nll', {'reduction': r}, [_lp], _k, lambda lp, r=r: F.nll_loss(lp, _k, reduction=r))

# klDiv = F.kl_div(input = log-probabilities, target = probabilities), target with zero entries
_lp = F.log_softmax(randn(4, 5), dim=1)
_p = probs(4, 5)
_p[1, 2] = 0.0
_p[3, 0] = 0.0
_p = _p / _p.sum(dim=1, keepdim=True)
for r in (*REDUCTIONS, 'batchmean'):
    loss_case(f'klDiv_{r}', 'klDiv', {'reduction': r}, [_lp], _p, lambda lp, r=r: F.kl_div(lp, _p, reduction=r))

# l2Penalty(params, λ) = λ Σ ‖W‖², by hand
for lam in (0.01, 0.5):
    loss_case(f'l2Penalty_lambda_{lam}', 'l2Penalty', {'lambda': lam}, [randn(3, 4), randn(4), randn(2, 2, 3)], None,
              lambda *ps, lam=lam: lam * sum((p ** 2).sum() for p in ps))


# ---------------------------------------------------------------- layer cases

LAYER_CASES = []


def describe(layer):
    """A layer of the torch Sequential as {type, ...options} for the test to rebuild."""
    if isinstance(layer, nn.Linear):
        return {'type': 'Linear', 'inFeatures': layer.in_features, 'outFeatures': layer.out_features,
                'bias': layer.bias is not None}
    if type(layer) in (nn.Tanh, nn.ReLU, nn.Sigmoid, nn.Identity):
        return {'type': type(layer).__name__}
    raise ValueError(f'describe: no description for {type(layer).__name__}')


def layer_case(name, net, x, k):
    """Sets the net's parameters from the generator, runs it on x and stores its cross-entropy gradients."""
    if any(c['name'] == name for c in LAYER_CASES):
        raise ValueError(f'duplicate layer case name {name}')
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(randn(*p.shape) * 0.6)
    x = x.detach().clone().requires_grad_(True)
    out = net(x)
    loss = F.cross_entropy(out, k)
    loss.backward()
    named = dict(net.named_parameters())
    state = net.state_dict()
    check_finite(name, [out, loss, x.grad, *[p.grad for p in named.values()]])
    LAYER_CASES.append({
        'name': name,
        'layers': [describe(m) for m in net],
        'stateDict': {key: values(t) for key, t in state.items()},
        'input': values(x),
        'labels': values(k.float()),
        'out': values(out),
        'loss': values(loss),
        'inputGrad': values(x.grad),
        'grads': {key: values(p.grad) for key, p in named.items()},
    })


layer_case('sequential_linear_tanh_linear', nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3)),
           randn(6, 4), labels(6, 3))
layer_case('sequential_linear_relu_identity_linear', nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Identity(), nn.Linear(4, 2)),
           nonzero(5, 3), labels(5, 2))


# ---------------------------------------------------------------- KL cases with gradients to both sides
# (drawn after the layer cases, so the values of every earlier case stay as they were)

# klDiv with a target that requires a gradient: strictly positive p (torch's target gradient is NaN at p = 0)
_lp, _p = F.log_softmax(randn(3, 4), dim=1), probs(3, 4)
for r in (*REDUCTIONS, 'batchmean'):
    loss_case(f'klDiv_target_grad_{r}', 'klDiv', {'reduction': r}, [_lp, _p], None,
              lambda lp, p, r=r: F.kl_div(lp, p, reduction=r))
# log_target: the target given as log-probabilities, with and without its gradient
_lp, _lt = F.log_softmax(randn(3, 4), dim=1), F.log_softmax(randn(3, 4) * 2, dim=1)
for r in (*REDUCTIONS, 'batchmean'):
    loss_case(f'klDiv_log_target_grad_{r}', 'klDiv', {'reduction': r, 'logTarget': True}, [_lp, _lt], None,
              lambda lp, lt, r=r: F.kl_div(lp, lt, reduction=r, log_target=True))
loss_case('klDiv_log_target_constant_mean', 'klDiv', {'reduction': 'mean', 'logTarget': True}, [_lp], _lt,
          lambda lp: F.kl_div(lp, _lt, reduction='mean', log_target=True))


def kl_divergence(p, q, reduction):
    """KL(p || q) = sum p log(p / q) over the last axis, then reduced over the distributions."""
    per = F.kl_div(q.log(), p, reduction='none').sum(dim=-1)
    return reduce_by_hand(per, reduction)


# klDivergence(p, q): both are probabilities and both get gradients
_p, _q = probs(4, 5), probs(4, 5)
for r in REDUCTIONS:
    loss_case(f'klDivergence_{r}', 'klDivergence', {'reduction': r}, [_p, _q], None,
              lambda p, q, r=r: kl_divergence(p, q, r))
_p, _q = F.softmax(randn(2, 3, 4), dim=-1), F.softmax(randn(2, 3, 4), dim=-1)
for r in REDUCTIONS:
    loss_case(f'klDivergence_3d_{r}', 'klDivergence', {'reduction': r}, [_p, _q], None,
              lambda p, q, r=r: kl_divergence(p, q, r))
_p, _q = F.softmax(randn(6), dim=0), F.softmax(randn(6), dim=0)
loss_case('klDivergence_1d', 'klDivergence', {'reduction': 'mean'}, [_p, _q], None, lambda p, q: kl_divergence(p, q, 'mean'))


def main():
    doc = {
        'about': 'PyTorch reference values for test/parity/losses.test.ts; regenerate with '
                 '`/usr/bin/python3 scripts/make_loss_fixtures.py`. Loss cases: grads[i] = d out / d inputs[i] '
                 'for a scalar out (w null), else d (out * w).sum() / d inputs[i]. Layer cases: grads of the mean '
                 'cross-entropy of the output against labels. Values are float32, written as float64.',
        'torch': torch.__version__,
        'seed': SEED,
        'cases': LOSS_CASES,
        'layerCases': LAYER_CASES,
    }
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
    with open(OUT_PATH, 'w', encoding='utf-8') as fh:
        fh.write(text + '\n')
    print(f'wrote {len(LOSS_CASES)} loss cases and {len(LAYER_CASES)} layer cases, {len(text) // 1024} KB '
          f'to {os.path.relpath(OUT_PATH)}', file=sys.stderr)


if __name__ == '__main__':
    main()
