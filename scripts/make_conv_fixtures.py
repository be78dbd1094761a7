# Generates test/fixtures/conv.json: PyTorch reference outputs and gradients of convolution and pooling.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_conv_fixtures.py

Every case holds the op (backprop's name), its parameters (backprop's option names), its tensor
inputs (x, then weight and bias for convolutions), the forward output, a fixed random upstream
weight `w` of the output's shape, and the gradient of every input for loss = (out * w).sum().
One seeded generator makes the file reproducible; float32 values are written as the float64
numbers they equal, so they round-trip exactly.
"""
import json
import os

import torch
import torch.nn.functional as F

SEED = 20261202
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'conv.json')

gen = torch.Generator().manual_seed(SEED)


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else v


def case(name, op, params, inputs, fn):
    """Runs fn(*inputs) under autograd and records output and input gradients."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    w = randn(*out.shape)
    (out * w).sum().backward()
    return {
        'name': name, 'op': op, 'params': params,
        'inputs': [t.detach().tolist() for t in leaves],
        'w': w.tolist(), 'out': out.detach().tolist(),
        'grads': [t.grad.tolist() for t in leaves],
    }


def conv_case(name, dims, x_shape, w_shape, bias=True, **opts):
    conv = F.conv1d if dims == 1 else F.conv2d
    x = randn(*x_shape)
    w = randn(*w_shape)
    inputs = [x, w] + ([randn(w_shape[0])] if bias else [])
    torch_opts = {k: pair(v) for k, v in opts.items()}
    fn = (lambda a, b, c: conv(a, b, c, **torch_opts)) if bias else (lambda a, b: conv(a, b, None, **torch_opts))
    return case(name, f'conv{dims}d', opts, inputs, fn)


def pool_case(name, op, x_shape, kernel, **opts):
    """opts in backprop's names: stride, padding, ceilMode, countIncludePad."""
    torch_fn = {'maxPool1d': F.max_pool1d, 'maxPool2d': F.max_pool2d, 'avgPool1d': F.avg_pool1d, 'avgPool2d': F.avg_pool2d}[op]
    names = {'stride': 'stride', 'padding': 'padding', 'ceilMode': 'ceil_mode', 'countIncludePad': 'count_include_pad'}
    torch_opts = {names[k]: pair(v) for k, v in opts.items()}
    params = dict(opts, kernelSize=kernel)
    return case(name, op, params, [randn(*x_shape)], lambda a: torch_fn(a, pair(kernel), **torch_opts))


def main():
    cases = [
        conv_case('conv2d 3x3 default', 2, [2, 3, 5, 5], [4, 3, 3, 3]),
        conv_case('conv2d stride 2 padding 1', 2, [2, 3, 6, 7], [4, 3, 3, 3], stride=2, padding=1),
        conv_case('conv2d pairs: stride [2,1] padding [1,2] dilation [2,1]', 2, [1, 2, 7, 6], [3, 2, 3, 2], stride=[2, 1], padding=[1, 2], dilation=[2, 1]),
        conv_case('conv2d groups 2', 2, [2, 4, 5, 5], [6, 2, 3, 3], groups=2),
        conv_case('conv2d depthwise padding 1', 2, [2, 3, 6, 6], [3, 1, 3, 3], padding=1, groups=3),
        conv_case('conv2d same, odd kernel', 2, [1, 3, 5, 4], [2, 3, 3, 3], padding='same'),
        conv_case('conv2d same, even kernel, dilation [1,2]', 2, [1, 2, 6, 7], [2, 2, 4, 2], padding='same', dilation=[1, 2]),
        conv_case('conv2d valid, no bias', 2, [2, 2, 5, 6], [3, 2, 2, 3], bias=False, padding='valid'),
        conv_case('conv2d pointwise 1x1', 2, [2, 5, 4, 4], [3, 5, 1, 1]),
        conv_case('conv2d 1x1 stride 2', 2, [2, 3, 5, 5], [2, 3, 1, 1], stride=2),
        conv_case('conv2d stride 3 > kernel 2', 2, [1, 2, 9, 8], [2, 2, 2, 2], stride=3),
        conv_case('conv2d wide: 8 -> 16 channels, stride 2, padding 1', 2, [2, 8, 9, 9], [16, 8, 3, 3], stride=2, padding=1),
        conv_case('conv1d default', 1, [2, 3, 10], [4, 3, 3]),
        conv_case('conv1d stride 2 padding 2 dilation 2 groups 3', 1, [2, 3, 11], [6, 1, 3], stride=2, padding=2, dilation=2, groups=3),
        conv_case('conv1d same, even kernel, no bias', 1, [1, 3, 7], [2, 3, 4], bias=False, padding='same'),
        pool_case('maxPool2d 2', 'maxPool2d', [2, 3, 6, 6], 2),
        pool_case('maxPool2d 3 stride 2 padding 1', 'maxPool2d', [2, 2, 7, 6], 3, stride=2, padding=1),
        pool_case('maxPool2d pairs', 'maxPool2d', [1, 2, 7, 6], [3, 2], stride=[2, 1], padding=[1, 0]),
        pool_case('maxPool2d ceilMode', 'maxPool2d', [1, 2, 6, 7], 3, stride=2, ceilMode=True),
        pool_case('maxPool2d ceilMode padding 1', 'maxPool2d', [1, 2, 6, 6], 3, stride=2, padding=1, ceilMode=True),
        pool_case('avgPool2d 2', 'avgPool2d', [2, 3, 6, 6], 2),
        pool_case('avgPool2d 3 stride 2 padding 1', 'avgPool2d', [2, 2, 7, 6], 3, stride=2, padding=1),
        pool_case('avgPool2d padding 1, countIncludePad false', 'avgPool2d', [2, 2, 7, 6], 3, stride=2, padding=1, countIncludePad=False),
        pool_case('avgPool2d ceilMode padding 1', 'avgPool2d', [1, 2, 6, 7], 3, stride=2, padding=1, ceilMode=True),
        pool_case('avgPool2d ceilMode padding 1, countIncludePad false', 'avgPool2d', [1, 2, 6, 7], 3, stride=2, padding=1, ceilMode=True, countIncludePad=False),
        pool_case('avgPool2d ceilMode no padding', 'avgPool2d', [1, 1, 5, 5], 2, ceilMode=True),
        # ceil mode drops a last window that would start in the trailing padding: 5 + 1 → 3 windows, not 4
        pool_case('maxPool2d ceilMode drops a window in the padding', 'maxPool2d', [1, 2, 5, 5], 2, stride=2, padding=1, ceilMode=True),
        pool_case('avgPool2d ceilMode drops a window in the padding', 'avgPool2d', [1, 2, 5, 5], 2, stride=2, padding=1, ceilMode=True),
        pool_case('maxPool1d 3 stride 2 padding 1', 'maxPool1d', [2, 3, 9], 3, stride=2, padding=1),
        pool_case('avgPool1d 3 stride 2 padding 1, countIncludePad false', 'avgPool1d', [2, 3, 9], 3, stride=2, padding=1, countIncludePad=False),
        pool_case('avgPool1d 2 ceilMode', 'avgPool1d', [1, 2, 7], 2, ceilMode=True),
    ]
    for size, out in [([7, 5], [3, 2]), ([5, 5], [2, 4]), ([3, 3], [5, 4]), ([6, 6], [1, 1])]:
        cases.append(case(f'adaptiveAvgPool2d {size} -> {out}', 'adaptiveAvgPool2d', {'outputSize': out},
                          [randn(2, 3, *size)], lambda a, o=out: F.adaptive_avg_pool2d(a, tuple(o))))
    cases.append(case('globalAvgPool 4-D', 'globalAvgPool', {}, [randn(2, 3, 4, 5)], lambda a: F.adaptive_avg_pool2d(a, 1)))
    cases.append(case('globalAvgPool 3-D', 'globalAvgPool', {}, [randn(2, 3, 7)], lambda a: a.mean(dim=2, keepdim=True)))
    fixture = {'torch': torch.__version__, 'seed': SEED, 'cases': cases}
    tmp = OUT_PATH + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    os.replace(tmp, OUT_PATH)
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT_PATH)}')


if __name__ == '__main__':
    main()
