// PyTorch parity of BatchNorm1d/2d (test/fixtures/batchnorm.json, made by scripts/make_bn_fixtures.py):
// three training steps (outputs, running statistics, batch count, gradients of x, weight and bias),
// then an evaluation forward; and state dicts written by PyTorch loaded into the same architecture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose, unpack } from '../parity/compare.js';
import { Tensor, backward, decodeSafetensors, moduleFromConfig, type Module, type ModuleConfig, type NestedArray } from '../../src/index.js';

interface Step {
  x: NestedArray; w: NestedArray; out: NestedArray; gradX: NestedArray;
  gradWeight?: number[]; gradBias?: number[];
  running_mean?: number[]; running_var?: number[]; num_batches_tracked?: number;
}
interface Case { name: string; config: ModuleConfig; weight: number[] | null; bias: number[] | null; steps: Step[]; eval: { x: NestedArray; out: NestedArray } }
interface StoredTensor { dtype: string; shape: number[]; data: number[] }
interface StateDictCase { name: string; config: ModuleConfig; stateDict: Record<string, StoredTensor>; safetensors: string; x: NestedArray; out: NestedArray }

const fixture = JSON.parse(readFileSync(new URL('../fixtures/batchnorm.json', import.meta.url), 'utf8')) as { cases: Case[]; stateDicts: StateDictCase[] };

function fromNested(v: NestedArray, requiresGrad = false): Tensor {
  const { shape, data } = unpack(v);
  return new Tensor(Float32Array.from(data), shape, requiresGrad);
}

test('batchnorm.json holds training cases for both layers and PyTorch state dicts', () => {
  for (const type of ['BatchNorm1d', 'BatchNorm2d']) assert.ok(fixture.cases.some((c) => c.config.type === type), type);
  assert.ok(fixture.stateDicts.length >= 2);
});

for (const c of fixture.cases) {
  test(`PyTorch parity: ${c.name}, 3 training steps then eval`, () => {
    const m = moduleFromConfig(c.config);
    const sd = m.stateDict();
    if (c.weight && c.bias) {
      sd.weight.data.set(c.weight);
      sd.bias.data.set(c.bias);
    }
    const params = new Map(m.namedParameters());
    c.steps.forEach((s, i) => {
      const at = `${c.name}, step ${i + 1}`;
      const x = fromNested(s.x, true);
      m.zeroGrad();
      const out = m.call(x);
      assertClose(`${at}: output`, out, s.out);
      backward(out, fromNested(s.w));
      assertClose(`${at}: gradient of x`, x.grad, s.gradX);
      if (s.gradWeight) assertClose(`${at}: gradient of weight`, params.get('weight')!.grad, s.gradWeight);
      if (s.gradBias) assertClose(`${at}: gradient of bias`, params.get('bias')!.grad, s.gradBias);
      if (s.running_mean) {
        const state = m.stateDict();
        assertClose(`${at}: running_mean`, state.running_mean, s.running_mean);
        assertClose(`${at}: running_var`, state.running_var, s.running_var!);
        assert.equal(state.num_batches_tracked.data[0], s.num_batches_tracked, `${at}: num_batches_tracked`);
      }
    });
    m.eval();
    assertClose(`${c.name}: eval output`, m.call(fromNested(c.eval.x)), c.eval.out);
  });
}

/** A PyTorch state dict from the fixture as backprop tensors (int64 counters become float32). */
function stateDictOf(stored: Record<string, StoredTensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(stored)) out[k] = new Tensor(Float32Array.from(t.data), t.shape);
  return out;
}

for (const c of fixture.stateDicts) {
  test(`a state dict written by PyTorch loads and gives PyTorch's eval output: ${c.name}`, () => {
    const m: Module = moduleFromConfig(c.config);
    const ours = m.stateDict();
    // Same names in the same order, same shapes: the dict loads both ways.
    assert.deepEqual(Object.keys(ours), Object.keys(c.stateDict));
    for (const [k, t] of Object.entries(c.stateDict)) assert.deepEqual([...ours[k].shape], t.shape, k);
    assert.ok(Object.values(c.stateDict).some((t) => t.dtype === 'int64'), 'the fixture holds an int64 num_batches_tracked');
    m.loadStateDict(stateDictOf(c.stateDict));
    m.eval();
    assertClose(`${c.name}: eval output`, m.call(fromNested(c.x)), c.out);
  });
}

for (const c of fixture.stateDicts) {
  test(`PyTorch's state dict as a safetensors file (int64 num_batches_tracked) loads: ${c.name}`, () => {
    const { tensors, dtypes } = decodeSafetensors(Buffer.from(c.safetensors, 'base64'), c.name);
    const counters = Object.keys(dtypes).filter((k) => k.endsWith('num_batches_tracked'));
    assert.ok(counters.length > 0 && counters.every((k) => dtypes[k] === 'I64'), 'num_batches_tracked stored as I64');
    for (const k of counters) assert.equal(tensors[k].data[0], c.stateDict[k].data[0], k);
    const m: Module = moduleFromConfig(c.config);
    m.loadStateDict(tensors);
    m.eval();
    assertClose(`${c.name}: eval output`, m.call(fromNested(c.x)), c.out);
  });
}
