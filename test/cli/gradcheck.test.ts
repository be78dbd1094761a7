// `backprop gradcheck`: finite differences vs back-propagation per parameter tensor, on presets
// and on a saved model; a deliberately broken backward kernel fails with exit 1, naming the tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';
import { cpuKernels, overrideKernel, selectBackend, setBackend } from '../../src/kernels/backend.js';

interface Report {
  pass: boolean;
  tolerance: number;
  batch: number[];
  results: { name: string; shape: number[]; size: number; checked: number; worstError: number; pass: boolean }[];
}

for (const preset of ['mlp', 'cnn', 'rnn', 'lstm', 'gru']) {
  test(`gradcheck --preset ${preset}: every parameter tensor passes (exit 0), worst error < 1e-7`, () => {
    const r = cli('gradcheck', '--preset', preset, '--json');
    assert.equal(r.code, 0, r.out + r.err);
    const report = JSON.parse(r.out) as Report;
    assert.equal(report.pass, true);
    assert.ok(report.results.length >= 4);
    for (const p of report.results) {
      assert.ok(p.worstError < 1e-7, `${p.name}: ${p.worstError}`);
      assert.equal(p.checked, Math.min(64, p.size), p.name);
    }
  });
}

test('gradcheck prints a table: one line per parameter tensor with its shape, elements checked, worst error and pass', () => {
  const r = cli('gradcheck', '--preset', 'mlp', '--tolerance', '1e-6');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /tolerance 0\.000001/);
  assert.match(r.out, /0\.weight\s+\[8, 4\]\s+32\/32\s+\d\.\d\de-\d+\s+pass/);
  assert.match(r.out, /4\.bias\s+\[3\]\s+3\/3\s+\d\.\d\de-\d+\s+pass/);
  assert.match(r.out, /all 6 parameter tensors pass/);
});

test('gradcheck --model checks a model saved by backprop train (every element with --elements all)', () => {
  const dir = tempFolder('bp-gradcheck-');
  const out = join(dir, 'xor');
  const t = cli('train', '--preset', 'xor', '--epochs', '20', '--progress', 'none', '--out', out);
  assert.equal(t.code, 0, t.err);
  const r = cli('gradcheck', '--model', out, '--elements', 'all', '--batch', '3', '--json');
  assert.equal(r.code, 0, r.out + r.err);
  const report = JSON.parse(r.out) as Report;
  assert.deepEqual(report.batch, [3, 2]);
  assert.deepEqual(report.results.map((p) => [p.name, p.checked]), [['0.weight', 4], ['0.bias', 2], ['2.weight', 2], ['2.bias', 1]]);
});

/** tanh′ = 1 − y² made 1.1·(1 − y²): a 10 % error in every gradient that flows through a tanh. */
function breakTanh(): void {
  overrideKernel('unaryGrad', (op, dy, saved) => {
    const g = cpuKernels.unaryGrad(op, dy, saved);
    if (op === 'tanh') for (let i = 0; i < g.length; i++) g[i] *= 1.1;
    return g;
  });
}

test('gradcheck with a broken tanh backward kernel: exit 1, the tensors before the tanh FAIL and are named, the ones after pass', () => {
  setBackend('cpu'); // chosen in code, so the CLI keeps the overridden kernel
  try {
    breakTanh();
    const r = cli('gradcheck', '--preset', 'mlp');
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /0\.weight\s+\[8, 4\]\s+32\/32\s+\S+\s+FAIL \(element \d+: back-propagation \S+, finite difference \S+\)/);
    assert.match(r.out, /2\.weight\s+\[6, 8\]\s+48\/48\s+\S+\s+pass/);
    assert.match(r.out, /2 of 6 parameter tensors FAIL: 0\.weight, 0\.bias/);
    breakTanh(); // each run puts back the backend it found when it ends
    const j = JSON.parse(cli('gradcheck', '--preset', 'mlp', '--json').out) as Report;
    assert.equal(j.pass, false);
    const w0 = j.results.find((p) => p.name === '0.weight');
    assert.ok(w0 && w0.worstError > 1e-3 && !w0.pass, JSON.stringify(w0));
  } finally {
    selectBackend('cpu', 'default');
  }
});

test('gradcheck refuses bad usage with exit 2, naming the flag', () => {
  assert.match(cli('gradcheck', '--preset', 'nope').err, /unknown preset 'nope' \(known: mlp, cnn, rnn, lstm, gru\)/);
  assert.equal(cli('gradcheck', '--preset', 'nope').code, 2);
  const r = cli('gradcheck', '--tolerance', 'abc');
  assert.equal(r.code, 2);
  assert.match(r.err, /--tolerance must be a positive number, got 'abc'/);
  assert.equal(cli('gradcheck', '--preset', 'mlp', '--model', 'x').code, 2);
});
