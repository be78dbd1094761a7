// The other way round: a model with BatchNorm layers trained and saved by backprop loads into the
// PyTorch module of the same shape (load_state_dict strict, running statistics included) and gives
// the same eval output. Runs Debian's python3-torch; skipped with a message when it is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose } from '../parity/compare.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const SKIP = hasTorch ? false : `${PYTHON} with torch is not installed (apt install python3-torch)`;

// For each model on stdin: reads the safetensors file by hand, builds the PyTorch twin from
// backprop's config, loads the state dict strictly, and gives the eval output for the given input.
// One python process for every model (importing torch takes seconds).
const SCRIPT = String.raw`
import json, struct, sys
import torch, torch.nn as nn
def build(c):
    t = c['type']
    if t == 'Sequential': return nn.Sequential(*[build(l) for l in c['layers']])
    if t == 'Linear': return nn.Linear(c['inFeatures'], c['outFeatures'], bias=c['bias'])
    if t == 'ReLU': return nn.ReLU()
    cls = {'BatchNorm1d': nn.BatchNorm1d, 'BatchNorm2d': nn.BatchNorm2d}[t]
    return cls(c['numFeatures'], eps=c['eps'], momentum=c['momentum'], affine=c['affine'], track_running_stats=c['trackRunningStats'])
def run(req):
    raw = open(req['weights'], 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    state = {}
    for k, e in header.items():
        if k == '__metadata__': continue
        assert e['dtype'] == 'F32', e
        b, end = e['data_offsets']
        vals = struct.unpack('<%df' % ((end - b) // 4), raw[8 + n + b:8 + n + end])
        state[k] = torch.tensor(vals, dtype=torch.float32).reshape(e['shape'])
    m = build(json.load(open(req['json']))['architecture'])
    m.load_state_dict(state, strict=True)
    m.eval()
    with torch.no_grad():
        out = m(torch.tensor(req['x'], dtype=torch.float32))
    return {'out': out.tolist(), 'keys': list(m.state_dict().keys())}
print(json.dumps([run(r) for r in json.load(sys.stdin)]))
`;

const models: [string, () => bp.Sequential, number[]][] = [
  ['Linear-BatchNorm1d-ReLU-Linear', () => new bp.Sequential(new bp.Linear(4, 6), new bp.BatchNorm1d(6), new bp.ReLU(), new bp.Linear(6, 3)), [8, 4]],
  ['BatchNorm2d (momentum null)-ReLU-BatchNorm2d (no affine)', () => new bp.Sequential(new bp.BatchNorm2d(3, { momentum: null }), new bp.ReLU(), new bp.BatchNorm2d(3, { affine: false, eps: 1e-3 })), [4, 3, 3, 2]],
];

test('backprop state dicts load into PyTorch with the same eval output', { skip: SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-bn-torch-'));
  try {
    bp.manualSeed(11);
    const runs = models.map(([name, make, shape], i) => {
      const model = make();
      const opt = new bp.SGD(model.parameters(), { lr: 0.1 });
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const out = model.call(bp.add(bp.mul(bp.randn(shape), 2), 1));
        bp.sum(bp.mul(out, bp.randn([...out.shape]))).backward();
        opt.step();
      }
      model.eval();
      const x = bp.randn(shape);
      const paths = bp.saveModule(model, join(dir, `model${i}`));
      return { name, model, x, request: { ...paths, x: x.toArray() } };
    });
    const py = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(runs.map((r) => r.request)), encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const results = JSON.parse(py.stdout) as { out: bp.NestedArray; keys: string[] }[];
    runs.forEach((r, i) => {
      assert.deepEqual(results[i].keys, Object.keys(r.model.stateDict()), `${r.name}: PyTorch's state dict keys`);
      assertClose(`${r.name}: PyTorch's eval output`, r.model.call(r.x), results[i].out);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
