// `backprop explain` and `backprop graph`, run in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Conv1d, Flatten, Linear, Sequential, manualSeed, mlp, saveModule, explain } from '../../src/index.js';
import { cli, tempFolder } from './harness.js';
import { assertWellFormedSvg as assertWellFormedXml } from '../plot/xml.js';

test('backprop explain (default preset lecture) prints the table with the lecture’s numbers; exit 0', () => {
  const r = cli('explain');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Layer 1 \(module '0'\): Linear\(1→2\) then sigmoid/);
  assert.match(r.out, /Div = ½‖y − d‖² \(averaged over the batch\) = 0\.0288092/);
  assert.match(r.out, /-0\.00306969/, "the lecture's ∂E/∂w for x→y₂ at x = 2");
  assert.doesNotMatch(r.out, /\bNO\b/);
});

test('backprop explain --preset lecture --input 1 --format markdown; softmax-regression; --format html --out writes the page atomically', () => {
  const md = cli('explain', '--preset', 'lecture', '--input', '1', '--format', 'markdown');
  assert.equal(md.code, 0, md.err);
  // x = 1: z⁽¹⁾ = (1.5, 1.5), y⁽¹⁾ = σ(1.5) = 0.8175745 for both (float32 prints 0.817575)
  assert.match(md.out, /\| 1 \| 1\.5 \| 0\.81757[45] \|\n\| 2 \| 1\.5 \| 0\.81757[45] \|/);
  const sr = cli('explain', '--preset', 'softmax-regression');
  assert.equal(sr.code, 0, sr.err);
  assert.match(sr.out, /\(softmax\(y\) − d\) \/ m, i\.e\. \(P − Y\)\/m/);
  const dir = tempFolder('explain-cli-');
  const out = join(dir, 'lecture.html');
  const html = cli('explain', '--format', 'html', '--out', out);
  assert.equal(html.code, 0, html.err);
  assert.equal(html.out, '');
  assert.match(html.err, /wrote .*lecture\.html/);
  const page = readFileSync(out, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/);
  assert.match(page, /<td>-0\.00306969<\/td>/);
  assert.deepEqual(readdirSync(dir), ['lecture.html'], 'no temporary file left behind');
});

test('backprop explain --model: a saved mlp with --input and --target gives the same numbers as the library', () => {
  manualSeed(2);
  const model = mlp([2, 3, 1], { activation: 'tanh', outputActivation: 'sigmoid' });
  const dir = tempFolder('explain-model-');
  saveModule(model, join(dir, 'net'));
  const r = cli('explain', '--model', join(dir, 'net'), '--input', '[[0.5, -1], [1, 2]]', '--target', '[[1], [0]]', '--loss', 'binaryCrossEntropy');
  assert.equal(r.code, 0, r.err);
  const rec = explain(model, [[0.5, -1], [1, 2]], [[1], [0]], { loss: 'binaryCrossEntropy' });
  const w = rec.layers[1].dDivDW[0][2];
  assert.ok(r.out.includes(String(Number(w.toPrecision(6)))), `∂Div/∂W⁽²⁾[1,3] = ${w} printed`);
  assert.match(r.out, /sample {2}neuron/);
});

test('backprop explain refuses a convolutional model naming the layer, and bad flags, with exit 2', () => {
  const dir = tempFolder('explain-conv-');
  saveModule(new Sequential(new Conv1d(1, 2, 3), new Flatten(), new Linear(4, 1)), join(dir, 'conv'));
  const conv = cli('explain', '--model', join(dir, 'conv'), '--input', '[[[1, 2, 3, 4, 5, 6]]]', '--target', '[[1]]');
  assert.equal(conv.code, 2);
  assert.match(conv.err, /cannot explain layer '0' \(Conv1d\)/);
  saveModule(mlp([100, 2]), join(dir, 'wide'));
  const wide = cli('explain', '--model', join(dir, 'wide'), '--input', JSON.stringify([Array(100).fill(0)]), '--target', '[[0, 1]]');
  assert.equal(wide.code, 2);
  assert.match(wide.err, /layer '0' is Linear\(100→2\), more than 64 neurons/);
  const cases: [string[], RegExp][] = [
    [['explain', '--preset', 'xor'], /unknown preset 'xor' \(known: lecture, softmax-regression\)/],
    [['explain', '--model', join(dir, 'conv')], /--model needs --input/],
    [['explain', '--input', '[1,'], /--input: not valid JSON/],
    [['explain', '--loss', 'nll'], /--loss: explain knows the gradient formula of l2, mse, crossEntropy, binaryCrossEntropy, not 'nll'/],
    [['explain', '--preset', 'lecture', '--model', 'm'], /either --preset or --model/],
  ];
  for (const [argv, message] of cases) {
    const r = cli(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message);
  }
  assert.equal(cli('explain', '--format', 'pdf').code, 2);
});

test('backprop graph: DOT of the lecture network on stdout, SVG to --out, --no-backward leaves gradients out', () => {
  const dot = cli('graph', '--format', 'dot');
  assert.equal(dot.code, 0, dot.err);
  assert.match(dot.out, /^digraph autograd \{/);
  assert.match(dot.out, /label="0\.weight\\n\[2, 1\]\\nvalue mean 0\.75 min 0\.5 max 1\\ngrad mean -0\.00383356 min -0\.00459744 max -0\.00306969"/);
  const bare = cli('graph', '--format', 'dot', '--no-backward');
  assert.doesNotMatch(bare.out, /\\ngrad /);
  const dir = tempFolder('graph-cli-');
  const out = join(dir, 'g.svg');
  const svg = cli('graph', '--preset', 'softmax-regression', '--out', out);
  assert.equal(svg.code, 0, svg.err);
  assert.ok(existsSync(out));
  const text = readFileSync(out, 'utf8');
  assertWellFormedXml(text);
  assert.match(text, />logSoftmax \(axis=1\)<\/text>/);
  assert.equal(cli('graph', '--format', 'png').code, 2);
});
