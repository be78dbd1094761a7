// Parity with PyTorch: replays every case of test/fixtures/optim.json (made by scripts/make_optim_fixtures.py):
// 5 optimiser steps (and schedule steps) on a fixed loss, parameters checked after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, tensor, linear, sub, pow, sum, add, div, backward, type NestedArray } from '../../src/index.js';
import {
  SGD, Adam, AdamW, RMSprop, StepLR, ExponentialLR, CosineAnnealingLR,
  type Optimizer, type BaseHyper, type HyperValue, type Params, type LRScheduler, type SGDOptions,
} from '../../src/optim/index.js';
import { assertClose } from '../helpers.js';

interface Step {
  loss: number;
  params: [NestedArray, NestedArray];
  lr?: number[];
}

interface Case {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, HyperValue>;
  groups?: [Record<string, HyperValue>, Record<string, HyperValue>];
  schedule?: { type: 'StepLR' | 'ExponentialLR' | 'CosineAnnealingLR'; options: Record<string, number> };
  steps: Step[];
}

interface Fixture {
  torch: string;
  X: NestedArray;
  T: NestedArray;
  W0: NestedArray;
  b0: NestedArray;
  cases: Case[];
}

/** float32 tolerance: |actual − expected| ≤ ATOL + RTOL·|expected|. */
const ATOL = 1e-5;
const RTOL = 1e-4;

const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8')) as Fixture;
const X = tensor(fixture.X);
const T = tensor(fixture.T);

/** E(W, b) = Σ(X·Wᵀ + b − T)² + ΣW³/10, the fixture's loss. */
function loss(W: Tensor, b: Tensor): Tensor {
  return add(sum(pow(sub(linear(X, W, b), T), 2)), div(sum(pow(W, 3)), 10));
}

function makeOptimizer(c: Case, W: Tensor, b: Tensor): Optimizer<BaseHyper> {
  // The fixture's fields are checked at run time by the optimisers themselves.
  const groups = c.groups as [Partial<BaseHyper>, Partial<BaseHyper>] | undefined;
  const params: Params<BaseHyper> = groups ? [{ ...groups[0], params: [W] }, { ...groups[1], params: [b] }] : [W, b];
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(params, c.options as unknown as SGDOptions);
    case 'Adam':
      return new Adam(params, c.options);
    case 'AdamW':
      return new AdamW(params, c.options);
    case 'RMSprop':
      return new RMSprop(params, c.options);
  }
}

function makeSchedule(c: Case, opt: Optimizer<BaseHyper>): LRScheduler<Record<string, number>> | null {
  const s = c.schedule;
  if (!s) return null;
  switch (s.type) {
    case 'StepLR':
      return new StepLR(opt, { stepSize: s.options.stepSize, gamma: s.options.gamma });
    case 'ExponentialLR':
      return new ExponentialLR(opt, { gamma: s.options.gamma });
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, { tMax: s.options.tMax, etaMin: s.options.etaMin });
  }
}

test('the optim fixture covers every optimiser and schedule', () => {
  const opts = new Set(fixture.cases.map((c) => c.optimizer));
  for (const o of ['SGD', 'Adam', 'AdamW', 'RMSprop']) assert.ok(opts.has(o as Case['optimizer']), `no ${o} case`);
  const scheds = new Set(fixture.cases.map((c) => c.schedule?.type));
  for (const s of ['StepLR', 'ExponentialLR', 'CosineAnnealingLR']) assert.ok(scheds.has(s as 'StepLR'), `no ${s} case`);
});

for (const c of fixture.cases) {
  test(`parity with torch ${fixture.torch}: ${c.name}`, () => {
    const W = tensor(fixture.W0, { requiresGrad: true });
    const b = tensor(fixture.b0, { requiresGrad: true });
    const opt = makeOptimizer(c, W, b);
    const sched = makeSchedule(c, opt);
    assert.equal(c.steps.length, 5, `${c.name}: the fixture records 5 steps`);
    c.steps.forEach((expected, k) => {
      // A schedule case records the lr after every step; a case without one records none.
      assert.equal(expected.lr !== undefined, c.schedule !== undefined, `${c.name} step ${k + 1}: lr recorded iff the case has a schedule`);
      opt.zeroGrad();
      const E = loss(W, b);
      assertClose(E.item(), expected.loss, ATOL, RTOL, `${c.name} step ${k + 1} loss`);
      backward(E);
      opt.step();
      assertClose(W, expected.params[0], ATOL, RTOL, `${c.name} step ${k + 1} W`);
      assertClose(b, expected.params[1], ATOL, RTOL, `${c.name} step ${k + 1} b`);
      if (expected.lr) {
        assert.ok(sched, `${c.name}: the fixture records lr but has no schedule`);
        sched.step();
        assertClose(sched.getLastLr(), expected.lr, 1e-12, 1e-9, `${c.name} epoch ${k + 1} lr`);
        assertClose(opt.paramGroups.map((g) => g.lr), expected.lr, 1e-12, 1e-9, `${c.name} epoch ${k + 1} optimiser lr`);
      }
    });
  });
}
