# Checks that our CNN builders' state dicts load into the same-shaped PyTorch modules and compute the same outputs.
"""
    /usr/bin/python3 scripts/check_torch_cnn.py [lenet5] [alexnet]      (default: both)

Runs scripts/export-cnn.ts (through node + tsx) to write, for each model, its state dict and its
output on a fixed input as .safetensors in a temporary directory; builds the same architecture by
hand with torch.nn (torchvision is not needed); loads the state dict with strict=True (every name
and shape must match) and compares torch's output in eval mode with ours: max |Δ| ≤ 1e-4, and ≤ 1e-4 of the largest output.
Exit status 0 when every model matches, 1 otherwise.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOLERANCE = 1e-4


def lenet5(num_classes=10):
    """CONV(6, 5×5, pad 2)-POOL-CONV(16, 5×5)-POOL-FC(120)-FC(84)-FC(10), indices as our Sequential."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, num_classes),
    )


def alexnet(num_classes=1000):
    """The original AlexNet geometry for 227×227×3, dropout before FC6 and FC7."""
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, num_classes),
    )


MODELS = {'lenet5': lenet5, 'alexnet': alexnet}


def read_safetensors(path):
    """F32 tensors of a .safetensors file (u64 LE header length, JSON header, raw LE bytes)."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        if e['dtype'] != 'F32':
            raise ValueError(f'{path}: {name} has dtype {e["dtype"]}, expected F32')
        begin, end = e['data_offsets']
        buf = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(e['shape']).clone() if end > begin else torch.zeros(e['shape'])
    return out


def export(names, outdir):
    """Runs our exporter for `names` into `outdir`."""
    cmd = ['node', '--conditions=source', '--import', 'tsx', os.path.join(HERE, 'export-cnn.ts'), outdir, *names]
    subprocess.run(cmd, cwd=ROOT, check=True)


def check(name, outdir):
    """Loads our weights into the torch module (strict) and returns max |ours − torch|."""
    model = MODELS[name]()
    state = read_safetensors(os.path.join(outdir, f'{name}.safetensors'))
    model.load_state_dict(state, strict=True)
    model.eval()
    io = read_safetensors(os.path.join(outdir, f'{name}-io.safetensors'))
    with torch.no_grad():
        theirs = model(io['input'])
    if theirs.shape != io['output'].shape:
        raise ValueError(f'{name}: torch output {tuple(theirs.shape)} vs ours {tuple(io["output"].shape)}')
    return (theirs - io['output']).abs().max().item(), theirs.abs().max().item()


def main():
    names = sys.argv[1:] or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f'unknown model(s) {unknown}; known: {list(MODELS)}', file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    ok = True
    with tempfile.TemporaryDirectory(prefix='backprop-torch-cnn-') as outdir:
        export(names, outdir)
        for name in names:
            diff, scale = check(name, outdir)
            good = diff <= TOLERANCE and diff <= TOLERANCE * scale
            ok = ok and good
            print(f'{name}: state dict loads with strict=True; max |ours − torch| = {diff:.3g} (outputs up to {scale:.3g}) {"OK" if good else "MISMATCH"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
