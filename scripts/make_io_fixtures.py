# Generates test/fixtures/torch.safetensors (+ torch-safetensors.json) from PyTorch tensors, and checks files we write load in Python.
"""
Fixture (read direction), with Debian's torch:

    /usr/bin/python3 scripts/make_io_fixtures.py

writes test/fixtures/torch.safetensors from torch tensors of several dtypes (F32 with NaN
payloads, -0, ±Inf and subnormals; F64, F16, BF16, I64, I32, U8; a scalar, an empty tensor and
a Linear layer's state dict) plus test/fixtures/torch-safetensors.json holding, for each tensor,
its dtype, shape and the uint32 bit patterns of torch's own conversion `t.to(torch.float32)`.
test/io/safetensors.test.ts loads the file with our reader and compares bit for bit (NaN by
NaN-ness for converted dtypes, whose NaN payloads need not match).

The file is written with the `safetensors` package's `save_file` when it is installed, otherwise
by hand from the documented layout (u64 little-endian header length, JSON header padded with
spaces to a multiple of 8, raw little-endian bytes), using only struct, json and torch.

Interop (write direction), run by hand since CI need not have Python:

    npx tsx --conditions=source scripts/write-safetensors-sample.ts /tmp/interop
    /usr/bin/python3 scripts/make_io_fixtures.py --verify /tmp/interop/ours.safetensors /tmp/interop/ours.json

The first command writes a file with our encoder and the expected values (same JSON layout as above); the second reads that file in Python (safetensors.torch.load_file
when available, else the hand reader below, which checks the layout strictly) and compares every
tensor with torch, bit for bit.
"""
import json
import os
import struct
import sys

import torch

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'test', 'fixtures')

DTYPES = {
    'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16,
    'I64': torch.int64, 'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8,
    'U8': torch.uint8, 'BOOL': torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}

try:
    import safetensors.torch as st  # type: ignore
except ImportError:
    st = None


def bits_of(t):
    """uint32 bit patterns of t converted to float32 by torch, flattened row-major."""
    f = t.to(torch.float32).reshape(-1).contiguous()
    return [b & 0xFFFFFFFF for b in f.view(torch.int32).tolist()]


def raw_bytes(t):
    t = t.contiguous().reshape(-1)
    if t.numel() == 0:
        return b''
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return bytes(t.view(torch.uint8).tolist())


def write_by_hand(path, tensors, metadata):
    """The safetensors layout, written from the spec with struct + json."""
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    chunks = []
    offset = 0
    for name, t in tensors.items():
        data = raw_bytes(t)
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def read_by_hand(path):
    """Reads a safetensors file strictly by the spec; raises on any deviation."""
    with open(path, 'rb') as f:
        blob = f.read()
    assert len(blob) >= 8, 'shorter than 8 bytes'
    (n,) = struct.unpack('<Q', blob[:8])
    assert 8 + n <= len(blob), 'header length beyond the file'
    assert n % 8 == 0, 'header not padded to a multiple of 8'
    header = json.loads(blob[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', None)
    buf = blob[8 + n:]
    spans = sorted((e['data_offsets'][0], e['data_offsets'][1], k) for k, e in header.items())
    pos = 0
    for b, e, k in spans:
        assert b == pos, f'{k}: begins at {b}, expected {pos}'
        pos = e
    assert pos == len(buf), f'tensors cover {pos} of {len(buf)} buffer bytes'
    out = {}
    for name, e in header.items():
        dtype = DTYPES[e['dtype']]
        b, end = e['data_offsets']
        n_el = 1
        for d in e['shape']:
            n_el *= d
        item = torch.empty((), dtype=dtype).element_size()
        assert end - b == n_el * item, f'{name}: byte length does not match shape'
        if n_el == 0:
            out[name] = torch.empty(e['shape'], dtype=dtype)
        else:
            out[name] = torch.frombuffer(bytearray(buf[b:end]), dtype=dtype).reshape(e['shape'])
    return out, metadata


def make_tensors():
    gen = torch.Generator().manual_seed(SEED)
    specials = [0x00000000, 0x80000000, 0x3F800000, 0xBFC00000,  # 0, -0, 1, -1.5
                0x7FC00000, 0x7FA00001, 0xFFC00123,              # NaN, signalling NaN payload, negative NaN payload
                0x7F800000, 0xFF800000,                          # +Inf, -Inf
                0x00000001, 0x007FFFFF, 0x80000005,              # subnormals (smallest, largest, negative)
                0x7F7FFFFF, 0x00800000, 0x40490FDB, 0x3DCCCCCD]  # max, min normal, pi, 0.1
    signed = [b - (1 << 32) if b >= (1 << 31) else b for b in specials]
    f32 = torch.tensor(signed, dtype=torch.int32).view(torch.float32).reshape(4, 4)
    linear = torch.nn.Linear(3, 2)
    with torch.no_grad():
        linear.weight.copy_(torch.randn(2, 3, generator=gen))
        linear.bias.copy_(torch.randn(2, generator=gen))
    return {
        'f32.specials': f32,
        'f64': torch.tensor([[0.1, 1 / 3, 1e-40, 1e39], [-0.0, float('nan'), -float('inf'), 2.5]], dtype=torch.float64),
        'f16': torch.tensor([0.1, -2.0, 65504.0, 6e-8, -0.0, float('inf'), float('nan'), 1e-5], dtype=torch.float16),
        'bf16': torch.cat([torch.randn(6, generator=gen), torch.tensor([-0.0, float('inf'), float('nan'), 1e-40])]).to(torch.bfloat16).reshape(2, 5),
        # 2**60 + 2**36 + 1 rounds up in float32, but down if rounded to float64 first (double rounding)
        'i64': torch.tensor([0, -1, 2**53 + 1, -(2**62) - 3, 16777217, 2**63 - 1, 2**60 + 2**36 + 1, -(2**60 + 2**36 + 1)], dtype=torch.int64),
        'i32': torch.tensor([[-2147483648, 2147483647, 16777217], [0, 5, -7]], dtype=torch.int32),
        'u8': torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        'scalar': torch.tensor(3.5, dtype=torch.float32),
        'empty': torch.zeros(0, 3, dtype=torch.float32),
        'randn.3d': torch.randn(2, 3, 4, generator=gen),
        **{f'linear.{k}': v.detach().clone() for k, v in linear.state_dict().items()},
    }


def expected_json(tensors, metadata):
    return {
        'metadata': metadata,
        'tensors': {
            name: {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'bits': bits_of(t)}
            for name, t in tensors.items()
        },
    }


def write_expected(f, doc):
    """JSON with one line per tensor, so a diff of the fixture stays readable."""
    f.write('{"metadata": ' + json.dumps(doc['metadata']) + ',\n "tensors": {\n')
    items = [f' {json.dumps(k)}: {json.dumps(v)}' for k, v in doc['tensors'].items()]
    f.write(',\n'.join(items) + '\n}}\n')


def make_fixture():
    assert sys.byteorder == 'little', 'run on a little-endian machine'
    tensors = make_tensors()
    metadata = {'format': 'pt', 'producer': 'scripts/make_io_fixtures.py', 'torch': torch.__version__.split('+')[0]}
    out = os.path.join(FIXTURES, 'torch.safetensors')
    if st is not None:
        st.save_file(tensors, out, metadata=metadata)
        how = 'safetensors.torch.save_file'
    else:
        write_by_hand(out, tensors, metadata)
        how = 'a hand-written writer (python safetensors is not installed)'
    # The file must read back in Python too, whichever writer made it.
    back, meta = (st.load_file(out), metadata) if st is not None else read_by_hand(out)
    assert meta == metadata
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and list(back[name].shape) == list(t.shape), name
        assert bits_of(back[name]) == bits_of(t), name
    with open(os.path.join(FIXTURES, 'torch-safetensors.json'), 'w') as f:
        write_expected(f, expected_json(tensors, metadata))
    print(f'wrote {os.path.normpath(out)} ({len(tensors)} tensors) with {how}')


def verify(path, expected_path):
    """Loads a file written by backprop and compares every tensor with the expected bits."""
    with open(expected_path) as f:
        expected = json.load(f)
    if st is not None:
        tensors = st.load_file(path)
        from safetensors import safe_open  # type: ignore
        with safe_open(path, framework='pt') as g:
            metadata = g.metadata()
        how = 'safetensors.torch.load_file'
    else:
        tensors, metadata = read_by_hand(path)
        how = 'the hand-written strict reader (python safetensors is not installed)'
    failures = []
    if (metadata or {}) != (expected.get('metadata') or {}):
        failures.append(f'metadata {metadata} != {expected.get("metadata")}')
    if set(tensors) != set(expected['tensors']):
        failures.append(f'names {sorted(tensors)} != {sorted(expected["tensors"])}')
    for name, e in expected['tensors'].items():
        t = tensors.get(name)
        if t is None:
            continue
        if NAMES[t.dtype] != e['dtype'] or list(t.shape) != e['shape']:
            failures.append(f'{name}: {NAMES[t.dtype]} {list(t.shape)} != {e["dtype"]} {e["shape"]}')
        elif bits_of(t) != e['bits']:
            failures.append(f'{name}: values differ')
    for f in failures:
        print('FAIL', f)
    print(f'{path}: {len(expected["tensors"])} tensors checked with {how}: {"FAILED" if failures else "all bit-identical"}')
    return 1 if failures else 0


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == '--verify':
        sys.exit(verify(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 1:
        make_fixture()
    else:
        sys.exit(__doc__)
