# Generates test/fixtures/rnn.json: PyTorch reference outputs, final states and gradients of the recurrent layers.
"""
Run with Debian's torch:  /usr/bin/python3 scripts/make_rnn_fixtures.py

Every layer case holds the class (backprop's name), its options (backprop's option names), the
PyTorch state_dict under PyTorch's own parameter names, the input x (in the layout the options say:
[N, T, F] when batchFirst, else [T, N, F]), the initial state (h0, and c0 for an LSTM; absent = zeros),
optional sequence lengths (run through pack_padded_sequence), the output and final states, fixed
random weights R, S (and U for c_N), and the gradients of
    loss = sum(output·R) + sum(h_N·S) (+ sum(c_N·U))
with respect to x, h0, c0 and every parameter. Cell cases are the same with one step:
    loss = sum(h′·R) (+ sum(c′·S)).
One seeded generator makes the file reproducible; float32 values are written as the float64
numbers they equal, so they round-trip exactly.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

SEED = 20261208
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'rnn.json')

gen = torch.Generator().manual_seed(SEED)
torch.manual_seed(SEED)  # parameter init of the torch modules


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


LAYERS = {'RNN': nn.RNN, 'LSTM': nn.LSTM, 'GRU': nn.GRU}
CELLS = {'RNNCell': nn.RNNCell, 'LSTMCell': nn.LSTMCell, 'GRUCell': nn.GRUCell}


def layer_case(name, cls, n, t, f=3, h=4, num_layers=1, bidirectional=False, bias=True, batch_first=True,
               nonlinearity=None, with_h0=True, lengths=None):
    kw = dict(num_layers=num_layers, bidirectional=bidirectional, bias=bias, batch_first=batch_first)
    options = {'numLayers': num_layers, 'bidirectional': bidirectional, 'bias': bias, 'batchFirst': batch_first}
    if nonlinearity is not None:
        kw['nonlinearity'] = nonlinearity
        options['nonlinearity'] = nonlinearity
    m = LAYERS[cls](f, h, **kw)
    d = 2 if bidirectional else 1
    x = randn(n, t, f) if batch_first else randn(t, n, f)
    if lengths is not None:
        # Padded steps hold large garbage: they must reach neither outputs nor gradients.
        for i, length in enumerate(lengths):
            if batch_first:
                x[i, length:] = 1e3 * randn(t - length, f)
            else:
                x[length:, i] = 1e3 * randn(t - length, f)
    x = x.requires_grad_(True)
    lstm = cls == 'LSTM'
    h0 = randn(num_layers * d, n, h).requires_grad_(True) if with_h0 else None
    c0 = randn(num_layers * d, n, h).requires_grad_(True) if (with_h0 and lstm) else None
    state = ((h0, c0) if lstm else h0) if with_h0 else None
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out_p, fin = m(packed, state)
        out, _ = pad_packed_sequence(out_p, batch_first=batch_first, total_length=t)
    else:
        out, fin = m(x, state)
    h_n, c_n = fin if lstm else (fin, None)
    R = randn(*out.shape)
    S = randn(*h_n.shape)
    loss = (out * R).sum() + (h_n * S).sum()
    U = None
    if lstm:
        U = randn(*c_n.shape)
        loss = loss + (c_n * U).sum()
    loss.backward()
    case = {
        'name': name, 'type': cls, 'inputSize': f, 'hiddenSize': h, 'options': options,
        'stateDict': {k: v.detach().tolist() for k, v in m.state_dict().items()},
        'x': x.detach().tolist(), 'out': out.detach().tolist(), 'hN': h_n.detach().tolist(),
        'R': R.tolist(), 'S': S.tolist(),
        'grads': {'x': x.grad.tolist(), 'params': {k: p.grad.tolist() for k, p in m.named_parameters()}},
    }
    if lengths is not None:
        case['lengths'] = lengths
    if with_h0:
        case['h0'] = h0.detach().tolist()
        case['grads']['h0'] = h0.grad.tolist()
    if lstm:
        case['cN'] = c_n.detach().tolist()
        case['U'] = U.tolist()
        if with_h0:
            case['c0'] = c0.detach().tolist()
            case['grads']['c0'] = c0.grad.tolist()
    return case


def cell_case(name, cls, n, f=3, h=4, bias=True, nonlinearity=None):
    kw = dict(bias=bias)
    options = {'bias': bias}
    if nonlinearity is not None:
        kw['nonlinearity'] = nonlinearity
        options['nonlinearity'] = nonlinearity
    m = CELLS[cls](f, h, **kw)
    x = randn(n, f).requires_grad_(True)
    h0 = randn(n, h).requires_grad_(True)
    lstm = cls == 'LSTMCell'
    c0 = randn(n, h).requires_grad_(True) if lstm else None
    res = m(x, (h0, c0)) if lstm else m(x, h0)
    h1, c1 = res if lstm else (res, None)
    R = randn(*h1.shape)
    loss = (h1 * R).sum()
    case = {
        'name': name, 'type': cls, 'inputSize': f, 'hiddenSize': h, 'options': options,
        'stateDict': {k: v.detach().tolist() for k, v in m.state_dict().items()},
        'x': x.detach().tolist(), 'h0': h0.detach().tolist(), 'out': h1.detach().tolist(), 'R': R.tolist(),
    }
    if lstm:
        S = randn(*c1.shape)
        loss = loss + (c1 * S).sum()
        case.update({'c0': c0.detach().tolist(), 'cN': c1.detach().tolist(), 'S': S.tolist()})
    loss.backward()
    case['grads'] = {'x': x.grad.tolist(), 'h0': h0.grad.tolist(), 'params': {k: p.grad.tolist() for k, p in m.named_parameters()}}
    if lstm:
        case['grads']['c0'] = c0.grad.tolist()
    return case


def main():
    cases = [
        layer_case('rnn tanh', 'RNN', 2, 4),
        layer_case('rnn relu', 'RNN', 3, 3, nonlinearity='relu'),
        layer_case('rnn tanh, 2 layers, bidirectional', 'RNN', 2, 5, num_layers=2, bidirectional=True),
        layer_case('rnn relu, 2 layers, no h0', 'RNN', 2, 4, num_layers=2, nonlinearity='relu', with_h0=False),
        layer_case('lstm', 'LSTM', 2, 4),
        layer_case('lstm, 2 layers', 'LSTM', 3, 3, num_layers=2),
        layer_case('lstm, bidirectional', 'LSTM', 2, 5, bidirectional=True),
        layer_case('lstm, 2 layers, bidirectional', 'LSTM', 2, 4, num_layers=2, bidirectional=True),
        layer_case('lstm, time first, no bias', 'LSTM', 3, 4, batch_first=False, bias=False),
        layer_case('gru', 'GRU', 2, 4),
        layer_case('gru, 2 layers', 'GRU', 3, 3, num_layers=2),
        layer_case('gru, bidirectional', 'GRU', 2, 5, bidirectional=True),
        layer_case('gru, 2 layers, bidirectional, no h0', 'GRU', 2, 4, num_layers=2, bidirectional=True, with_h0=False),
        layer_case('gru, no bias', 'GRU', 2, 3, bias=False),
        # Packed sequences: PyTorch's own variable-length semantics.
        layer_case('lstm, 2 layers, bidirectional, lengths', 'LSTM', 3, 5, num_layers=2, bidirectional=True, lengths=[5, 3, 1]),
        layer_case('gru, bidirectional, lengths', 'GRU', 3, 5, bidirectional=True, lengths=[2, 5, 4]),
        layer_case('rnn tanh, time first, lengths', 'RNN', 3, 4, batch_first=False, lengths=[4, 1, 3]),
        cell_case('rnn cell tanh', 'RNNCell', 3),
        cell_case('rnn cell relu', 'RNNCell', 2, nonlinearity='relu'),
        cell_case('lstm cell', 'LSTMCell', 3),
        cell_case('gru cell', 'GRUCell', 3),
        cell_case('gru cell, no bias', 'GRUCell', 2, bias=False),
    ]
    with open(OUT_PATH, 'w') as fh:
        json.dump({'torch': torch.__version__, 'seed': SEED, 'cases': cases}, fh)
        fh.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT_PATH)}')


if __name__ == '__main__':
    main()
