/** Replays the cases of test/fixtures/conv.json (made by scripts/make_conv_fixtures.py) against backprop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose, unpack } from '../parity/compare.js';
import { Tensor, backward, type NestedArray } from '../../src/index.js';

/** One fixture case: loss = (out * w).sum(), grads[i] = ∂loss/∂inputs[i]. */
export interface ConvCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: NestedArray[];
  w: NestedArray;
  out: NestedArray;
  grads: NestedArray[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/conv.json', import.meta.url), 'utf8')) as { cases: ConvCase[] };

/** A float32 tensor from a nested list. */
export function fromNested(v: NestedArray, requiresGrad = false): Tensor {
  const { shape, data } = unpack(v);
  return new Tensor(Float32Array.from(data), shape, requiresGrad);
}

/**
 * Runs every case whose op is in `ops` through `run(op, inputs, params)` and checks the output
 * and every input gradient against PyTorch's; fails if the fixture holds no such case.
 */
export function replay(ops: readonly string[], run: (c: ConvCase, inputs: Tensor[]) => Tensor): void {
  const cases = fixture.cases.filter((c) => ops.includes(c.op));
  test(`conv.json holds cases for ${ops.join(', ')}`, () => {
    for (const op of ops) assert.ok(cases.some((c) => c.op === op), `no fixture case for ${op}`);
  });
  for (const c of cases) {
    test(`PyTorch parity: ${c.name}`, () => {
      const inputs = c.inputs.map((v) => fromNested(v, true));
      const out = run(c, inputs);
      assertClose(`${c.name}: output`, out, c.out);
      backward(out, fromNested(c.w));
      inputs.forEach((t, i) => assertClose(`${c.name}: gradient of input ${i}`, t.grad, c.grads[i]));
    });
  }
}
