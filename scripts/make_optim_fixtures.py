# Generates test/fixtures/optim.json: PyTorch reference parameter trajectories for test/optim/parity.test.ts.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_optim_fixtures.py

Every case starts from the same parameters W [3, 2] and b [3] and takes 5 optimiser steps on
the fixed smooth loss

    E(W, b) = sum((X @ W.T + b - T)^2) + sum(W^3) / 10        X [4, 2], T [4, 3] fixed

recording W and b after every step (and, for schedule cases, the learning rate the schedule set
after its epoch step). Options are written with backprop's camelCase names. All tensors are
float32; their values are written as the float64 numbers they equal, so they round-trip exactly.
"""
import json
import os
import re

import torch

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'optim.json')
STEPS = 5

torch.set_default_dtype(torch.float32)

X = torch.tensor([[0.5, -1.0], [1.5, 0.25], [-0.75, 0.8], [0.3, 1.2]])
T = torch.tensor([[1.0, -0.5, 0.25], [0.0, 0.75, -1.0], [-0.5, 0.2, 0.6], [0.9, -0.3, 0.1]])
W0 = torch.tensor([[0.4, -0.7], [1.1, 0.3], [-0.6, 0.9]])
B0 = torch.tensor([0.1, -0.2, 0.3])


def loss_fn(w, b):
    return ((X @ w.t() + b - T) ** 2).sum() + (w ** 3).sum() / 10


def camel(name):
    return re.sub(r'_([a-z])', lambda m: m.group(1).upper(), name)


def camel_options(opts):
    out = {}
    for k, v in opts.items():
        out[camel(k)] = list(v) if isinstance(v, tuple) else v
    return out


OPTIMIZERS = {
    'SGD': torch.optim.SGD,
    'Adam': torch.optim.Adam,
    'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop,
}

SCHEDULES = {
    'StepLR': torch.optim.lr_scheduler.StepLR,
    'ExponentialLR': torch.optim.lr_scheduler.ExponentialLR,
    'CosineAnnealingLR': torch.optim.lr_scheduler.CosineAnnealingLR,
}

# name, optimiser, options (torch names), per-group overrides for [W] and [b] (or None: one group), schedule
CASES = [
    ('sgd', 'SGD', dict(lr=0.05), None, None),
    ('sgd_momentum', 'SGD', dict(lr=0.05, momentum=0.9), None, None),
    ('sgd_nesterov', 'SGD', dict(lr=0.05, momentum=0.9, nesterov=True), None, None),
    ('sgd_weight_decay_momentum_dampening', 'SGD', dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1), None, None),
    ('sgd_maximize', 'SGD', dict(lr=0.01, momentum=0.5, maximize=True), None, None),
    ('sgd_param_groups', 'SGD', dict(lr=0.05), [dict(), dict(lr=0.2, momentum=0.7)], None),
    ('adam', 'Adam', dict(lr=0.1), None, None),
    ('adam_weight_decay', 'Adam', dict(lr=0.1, weight_decay=0.2), None, None),
    ('adam_amsgrad', 'Adam', dict(lr=0.1, betas=(0.8, 0.9), amsgrad=True), None, None),
    ('adamw', 'AdamW', dict(lr=0.1, weight_decay=0.1), None, None),
    ('rmsprop', 'RMSprop', dict(lr=0.01), None, None),
    ('rmsprop_centered_momentum', 'RMSprop', dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.05), None, None),
    ('step_lr', 'SGD', dict(lr=0.1, momentum=0.9), None, ('StepLR', dict(step_size=2, gamma=0.5))),
    ('exponential_lr', 'SGD', dict(lr=0.1), None, ('ExponentialLR', dict(gamma=0.8))),
    ('cosine_annealing_lr', 'SGD', dict(lr=0.1, momentum=0.5), None, ('CosineAnnealingLR', dict(T_max=4, eta_min=0.01))),
]


def run(name, opt_name, options, groups, schedule):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    if groups is None:
        params = [w, b]
    else:
        params = [dict(params=[w], **groups[0]), dict(params=[b], **groups[1])]
    opt = OPTIMIZERS[opt_name](params, **options)
    sched = SCHEDULES[schedule[0]](opt, **schedule[1]) if schedule else None
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(w, b)
        loss.backward()
        opt.step()
        record = {'loss': loss.item(), 'params': [w.detach().tolist(), b.detach().tolist()]}
        if sched is not None:
            sched.step()
            record['lr'] = sched.get_last_lr()
        steps.append(record)
    case = {'name': name, 'optimizer': opt_name, 'options': camel_options(options)}
    if groups is not None:
        case['groups'] = [camel_options(g) for g in groups]
    if schedule is not None:
        opts = {('tMax' if k == 'T_max' else camel(k)): v for k, v in schedule[1].items()}
        case['schedule'] = {'type': schedule[0], 'options': opts}
    case['steps'] = steps
    return case


def main():
    fixture = {
        'torch': torch.__version__,
        'loss': 'sum((X @ W.T + b - T)^2) + sum(W^3) / 10',
        'X': X.tolist(),
        'T': T.tolist(),
        'W0': W0.tolist(),
        'b0': B0.tolist(),
        'cases': [run(*c) for c in CASES],
    }
    with open(OUT_PATH, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {len(fixture["cases"])} cases to {os.path.normpath(OUT_PATH)}')


if __name__ == '__main__':
    main()
