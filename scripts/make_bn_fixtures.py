# Generates test/fixtures/batchnorm.json: PyTorch reference runs of BatchNorm1d/2d.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_bn_fixtures.py

`cases`: a BatchNorm module (backprop's config) with random weight and bias, run for 3 training
steps; each step holds its input x, a fixed random upstream weight `w` (loss = (out * w).sum()),
the output, the running statistics and batch count after the step, and the gradients of x,
weight and bias (zeroed between steps). Then one evaluation-mode input and output.

`stateDicts`: a small PyTorch model trained a few SGD steps, its state dict (every tensor with
its dtype: num_batches_tracked is int64), backprop's config for the same architecture, and an
evaluation-mode input and output, so the state dict can be loaded into backprop and checked;
the same state dict also as a safetensors file (base64), as PyTorch tooling would write it.
One seeded generator makes the file reproducible.
"""
import base64
import json
import os
import struct

import torch
import torch.nn as nn

SEED = 20261203
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'batchnorm.json')

gen = torch.Generator().manual_seed(SEED)


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def bn_config(kind, features, eps=1e-5, momentum=0.1, affine=True, track=True):
    return {'type': kind, 'numFeatures': features, 'eps': eps, 'momentum': momentum, 'affine': affine, 'trackRunningStats': track}


def make_bn(cfg):
    cls = {'BatchNorm1d': nn.BatchNorm1d, 'BatchNorm2d': nn.BatchNorm2d}[cfg['type']]
    return cls(cfg['numFeatures'], eps=cfg['eps'], momentum=cfg['momentum'], affine=cfg['affine'], track_running_stats=cfg['trackRunningStats'])


def buffers(m):
    if m.running_mean is None:
        return {}
    return {'running_mean': m.running_mean.tolist(), 'running_var': m.running_var.tolist(), 'num_batches_tracked': int(m.num_batches_tracked)}


def bn_case(name, cfg, shape, scale=2.0, shift=1.0, steps=3):
    m = make_bn(cfg)
    if cfg['affine']:
        with torch.no_grad():
            m.weight.copy_(1 + 0.5 * randn(cfg['numFeatures']))
            m.bias.copy_(randn(cfg['numFeatures']))
    case = {'name': name, 'config': cfg,
            'weight': m.weight.tolist() if cfg['affine'] else None,
            'bias': m.bias.tolist() if cfg['affine'] else None, 'steps': []}
    m.train()
    for _ in range(steps):
        x = (randn(*shape) * scale + shift).requires_grad_(True)
        m.zero_grad()
        out = m(x)
        w = randn(*out.shape)
        (out * w).sum().backward()
        step = {'x': x.detach().tolist(), 'w': w.tolist(), 'out': out.detach().tolist(), 'gradX': x.grad.tolist()}
        if cfg['affine']:
            step['gradWeight'] = m.weight.grad.tolist()
            step['gradBias'] = m.bias.grad.tolist()
        step.update(buffers(m))
        case['steps'].append(step)
    m.eval()
    x = randn(*shape) * scale + shift
    with torch.no_grad():
        case['eval'] = {'x': x.tolist(), 'out': m(x).tolist()}
    return case


def linear_config(i, o):
    return {'type': 'Linear', 'inFeatures': i, 'outFeatures': o, 'bias': True}


def safetensors_bytes(state):
    """The state dict in the safetensors format, written by hand (float32 as F32, int64 as I64)."""
    header, chunks, offset = {}, [], 0
    for k, t in state.items():
        t = t.detach().contiguous().flatten()
        if t.dtype == torch.int64:
            dtype, raw = 'I64', struct.pack(f'<{t.numel()}q', *t.tolist())
        else:
            dtype, raw = 'F32', struct.pack(f'<{t.numel()}f', *t.float().tolist())
        header[k] = {'dtype': dtype, 'shape': list(state[k].shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(chunks)


def state_dict_case(name, model, config, in_shape, steps=4):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        out = model(randn(*in_shape) * 1.5 + 0.5)
        (out * randn(*out.shape)).sum().backward()
        opt.step()
    model.eval()
    x = randn(*in_shape) * 1.5 + 0.5
    with torch.no_grad():
        out = model(x)
    sd = {k: {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'data': t.flatten().tolist()} for k, t in model.state_dict().items()}
    st = base64.b64encode(safetensors_bytes(model.state_dict())).decode()
    return {'name': name, 'config': config, 'stateDict': sd, 'safetensors': st, 'x': x.tolist(), 'out': out.tolist()}


def main():
    torch.manual_seed(SEED)  # the Linear layers' initial weights
    cases = [
        bn_case('BatchNorm1d [N, C]', bn_config('BatchNorm1d', 3), (6, 3)),
        bn_case('BatchNorm1d [N, C, L]', bn_config('BatchNorm1d', 4), (3, 4, 5)),
        bn_case('BatchNorm2d [N, C, H, W]', bn_config('BatchNorm2d', 3), (2, 3, 4, 5)),
        bn_case('BatchNorm2d momentum null (cumulative average)', bn_config('BatchNorm2d', 2, momentum=None), (3, 2, 3, 3)),
        bn_case('BatchNorm2d eps 1e-3, momentum 0.3', bn_config('BatchNorm2d', 2, eps=1e-3, momentum=0.3), (2, 2, 5, 4), scale=0.1, shift=-3.0),
        bn_case('BatchNorm1d affine false', bn_config('BatchNorm1d', 3, affine=False), (5, 3)),
        bn_case('BatchNorm1d trackRunningStats false', bn_config('BatchNorm1d', 2, track=False), (4, 2, 3)),
        bn_case('BatchNorm1d two values per channel', bn_config('BatchNorm1d', 3), (2, 3)),
    ]
    mlp = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    mlp_cfg = {'type': 'Sequential', 'layers': [linear_config(4, 6), bn_config('BatchNorm1d', 6), {'type': 'ReLU'}, linear_config(6, 3)]}
    bn2 = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU(), nn.BatchNorm2d(3, momentum=None))
    bn2_cfg = {'type': 'Sequential', 'layers': [bn_config('BatchNorm2d', 3), {'type': 'ReLU'}, bn_config('BatchNorm2d', 3, momentum=None)]}
    state_dicts = [
        state_dict_case('Linear-BatchNorm1d-ReLU-Linear', mlp, mlp_cfg, (8, 4)),
        state_dict_case('BatchNorm2d-ReLU-BatchNorm2d', bn2, bn2_cfg, (4, 3, 3, 3)),
    ]
    fixture = {'generator': 'scripts/make_bn_fixtures.py', 'torch': torch.__version__, 'seed': SEED, 'cases': cases, 'stateDicts': state_dicts}
    with open(OUT_PATH, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
