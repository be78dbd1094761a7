# Checks that our ResNets' state dicts load into torchvision-shaped PyTorch ResNets and compute the same outputs.
"""
    /usr/bin/python3 scripts/check_torch_resnet.py [small] [resnet18] [resnet34]      (default: small resnet18)

Runs scripts/export-resnet.ts (through node + tsx) to write, for each preset, its state dict and its
eval-mode output on a fixed input as .safetensors in a temporary directory; builds the same network
with BasicBlock/ResNet classes written here under torchvision's names (torchvision is not needed);
loads the state dict with strict=True (every name and shape must match) and compares torch's output
in eval mode with ours: max |Δ| ≤ 1e-3. Then the other way: a torch model with random weights and
batch-norm statistics writes its state dict (num_batches_tracked as I64, as torch keeps it) and
its output; our preset loads that state dict (strict) and must give the same output within 1e-3.
Exit status 0 when every model matches, 1 otherwise.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import torch
from torch import nn

from check_torch_cnn import read_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOLERANCE = 1e-3


class BasicBlock(nn.Module):
    """conv3×3-BN-ReLU-conv3×3-BN + shortcut (identity, or 1×1 conv stride s + BN), ReLU after the sum."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision's ResNet layout: conv1, bn1, relu, maxpool, layer1…layerN, avgpool, fc."""

    def __init__(self, depths, widths, num_classes=1000, stem='imagenet', in_channels=3):
        super().__init__()
        big = stem == 'imagenet'
        w0 = widths[0]
        self.conv1 = nn.Conv2d(in_channels, w0, 7 if big else 3, stride=2 if big else 1, padding=3 if big else 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w0)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1) if big else nn.Identity()
        cin = w0
        self.stages = []
        for i, (d, w) in enumerate(zip(depths, widths)):
            blocks = [BasicBlock(cin if j == 0 else w, w, 2 if i > 0 and j == 0 else 1) for j in range(d)]
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
            self.stages.append(f'layer{i + 1}')
            cin = w
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for name in self.stages:
            x = getattr(self, name)(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


MODELS = {
    'small': lambda: ResNet([1, 1, 1], [16, 32, 64], num_classes=10, stem='small', in_channels=1),
    'resnet18': lambda: ResNet([2, 2, 2, 2], [64, 128, 256, 512]),
    'resnet34': lambda: ResNet([3, 4, 6, 3], [64, 128, 256, 512]),
}
TORCHVISION_PARAMETERS = {'resnet18': 11689512, 'resnet34': 21797672}


def export(names, outdir):
    """Runs our exporter for `names` into `outdir`."""
    cmd = ['node', '--conditions=source', '--import', 'tsx', os.path.join(HERE, 'export-resnet.ts'), outdir, *names]
    subprocess.run(cmd, cwd=ROOT, check=True)


def check(name, outdir):
    """Loads our weights into the torch module (strict) and returns (max |ours − torch|, largest output)."""
    model = MODELS[name]()
    count = sum(p.numel() for p in model.parameters())
    if name in TORCHVISION_PARAMETERS and count != TORCHVISION_PARAMETERS[name]:
        raise ValueError(f'{name}: the python model has {count} parameters, torchvision\'s {TORCHVISION_PARAMETERS[name]}')
    model.load_state_dict(read_safetensors(os.path.join(outdir, f'{name}.safetensors')), strict=True)
    model.eval()
    io = read_safetensors(os.path.join(outdir, f'{name}-io.safetensors'))
    with torch.no_grad():
        theirs = model(io['input'])
    if theirs.shape != io['output'].shape:
        raise ValueError(f'{name}: torch output {tuple(theirs.shape)} vs ours {tuple(io["output"].shape)}')
    return (theirs - io['output']).abs().max().item(), theirs.abs().max().item()


def write_safetensors(path, tensors):
    """Writes tensors as .safetensors: F32, and I64 for integer tensors (torch's num_batches_tracked)."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype = 'I64' if t.dtype == torch.int64 else 'F32'
        raw = (t if dtype == 'I64' else t.float()).numpy().tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))


def torch_to_ours(names, outdir):
    """Writes a random torch model's state dict and output per name, has our presets load them; returns {name: max |Δ|}."""
    torch.manual_seed(20261202)
    for name in names:
        model = MODELS[name]()
        side = 28 if name == 'small' else 64
        shape = (2, 1 if name == 'small' else 3, side, side)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                nn.init.uniform_(m.weight, 0.5, 1.5)
                nn.init.normal_(m.bias, 0, 0.1)
        with torch.no_grad():
            model.train()
            for _ in range(2):
                model(torch.randn(shape))
            model.eval()
            x = torch.randn(shape)
            y = model(x)
        write_safetensors(os.path.join(outdir, f'{name}-torch.safetensors'), model.state_dict())
        write_safetensors(os.path.join(outdir, f'{name}-torch-io.safetensors'), {'input': x, 'output': y})
    cmd = ['node', '--conditions=source', '--import', 'tsx', os.path.join(HERE, 'export-resnet.ts'), '--load', outdir, *names]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r'^(\S+): torch state dict loads; max \|ours − torch\| = (\S+)$', out, re.M)}


def main():
    names = sys.argv[1:] or ['small', 'resnet18']
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f'unknown model(s) {unknown}; known: {list(MODELS)}', file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    ok = True
    with tempfile.TemporaryDirectory(prefix='backprop-torch-resnet-') as outdir:
        export(names, outdir)
        for name in names:
            diff, scale = check(name, outdir)
            good = diff <= TOLERANCE
            ok = ok and good
            print(f'{name}: state dict loads with strict=True; max |ours − torch| = {diff:.3g} (outputs up to {scale:.3g}) {"OK" if good else "MISMATCH"}')
        back = torch_to_ours(names, outdir)
        for name in names:
            diff = back.get(name, float('inf'))
            good = diff <= TOLERANCE
            ok = ok and good
            print(f'{name}: torch\'s state dict loads into ours with strict; max |ours − torch| = {diff:.3g} {"OK" if good else "MISMATCH"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
