// Each plot on known data: well-formed SVG, the expected number of points or cells, and the tick labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GRU, Linear, SequenceClassifier, Tensor, lenet5, tensor, zeros, manualSeed, randn,
  plotCurves, plotGradNorms, plotDecisionBoundary, plotConfusion, plotFilters, plotFeatureMaps, plotHiddenStates,
} from '../../src/index.js';
import { firstConv, firstRecurrent, captureOutput, captureSequence } from '../../src/plot/capture.js';
import { tint, paletteColor, diverging, sequential } from '../../src/plot/colors.js';
import { assertWellFormedSvg, count, texts, pointsOf } from './xml.js';

/** The part of a curves SVG that draws one metric's panel. */
function panelOf(svg: string, metric: string): string {
  const start = svg.indexOf(`<g class="panel" data-metric="${metric}">`);
  assert.ok(start >= 0, `no panel ${metric}`);
  const next = svg.indexOf('<g class="panel"', start + 1);
  return svg.slice(start, next < 0 ? undefined : next);
}

const EPOCHS = [
  { epoch: 0, loss: 1.0, accuracy: 0.5, valLoss: 1.1, valAccuracy: 0.45, lr: 0.1 },
  { epoch: 1, loss: 0.8, accuracy: 0.6, valLoss: 0.9, valAccuracy: 0.55, lr: 0.1 },
  { epoch: 2, loss: 0.6, accuracy: 0.7, valLoss: 0.7, valAccuracy: 0.65, lr: 0.1 },
  { epoch: 3, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75, lr: 0.1 },
  { epoch: 4, loss: 0.4, accuracy: 0.9, valLoss: 0.45, valAccuracy: 0.85, lr: 0.1 },
];

test('plotCurves: a panel per metric, a point per epoch, training/validation/test marked, round ticks', () => {
  const svg = plotCurves({ epochs: EPOCHS }, { title: 'run <1>', test: { loss: 0.42, accuracy: 0.88 } });
  assertWellFormedSvg(svg);
  assert.match(svg, /<title>run &lt;1&gt;<\/title>/);
  assert.equal(count(svg, /<g class="panel"/g), 2, 'loss and accuracy (epoch and lr are not plotted)');
  for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy']) assert.equal(pointsOf(svg, key), 5, key);
  assert.match(svg, /data-series="valLoss"[^>]*stroke-dasharray/);
  assert.equal(count(svg, /<circle class="marker"/g), 20, 'a marker per point of a short run');
  assert.equal(count(svg, /data-series="test-loss"/g), 1);
  assert.equal(count(svg, /data-series="test-accuracy"/g), 1);
  const loss = panelOf(svg, 'loss');
  assert.deepEqual(texts(loss, 'tick-x'), ['1', '2', '3', '4', '5']);
  // 0.4 … 1.1 (valLoss) widened to steps of 0.2.
  assert.deepEqual(texts(loss, 'tick-y'), ['0.4', '0.6', '0.8', '1.0', '1.2']);
  assert.deepEqual(texts(loss, 'legend-label'), ['training loss', 'validation loss', 'test loss (final): 0.4200']);
  assert.deepEqual(texts(loss, 'axis-title'), ['epoch', 'loss']);
  assert.deepEqual(texts(panelOf(svg, 'accuracy'), 'tick-y'), ['0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
});

test('plotCurves: a long run gets log-scaled epochs ticked at powers of ten', () => {
  const epochs = Array.from({ length: 300 }, (_, i) => ({ loss: 1 / (i + 1) }));
  const svg = plotCurves({ epochs }, { logLoss: true });
  assertWellFormedSvg(svg);
  assert.equal(pointsOf(svg, 'loss'), 300);
  assert.deepEqual(texts(svg, 'tick-x'), ['1', '10', '100', '1000']);
  assert.deepEqual(texts(svg, 'tick-y'), ['0.001', '0.01', '0.1', '1']);
  assert.deepEqual(texts(svg, 'axis-title'), ['epoch (log scale)', 'loss (log scale)']);
  // Forced linear: round epochs instead.
  assert.deepEqual(texts(plotCurves({ epochs }, { logX: false }), 'tick-x'), ['0', '100', '200', '300']);
});

test('plotCurves: non-finite losses are left out of the line', () => {
  const svg = plotCurves({ epochs: [{ loss: 1 }, { loss: NaN }, { loss: 0.5 }] });
  assertWellFormedSvg(svg);
  assert.equal(pointsOf(svg, 'loss'), 2);
});

test('plotGradNorms: one log-y line per layer, zeros left out, ticks at powers of ten', () => {
  const records = [
    { epoch: 0, step: 10, gradNorms: { 'layers.0': 2e-4, 'layers.2': 0.5 }, deadRelu: {}, saturated: {} },
    { epoch: 1, step: 20, gradNorms: { 'layers.0': 1e-3, 'layers.2': 0.3 }, deadRelu: {}, saturated: {} },
    { epoch: 2, step: 30, gradNorms: { 'layers.0': 0, 'layers.2': 0.2 }, deadRelu: {}, saturated: {} },
  ];
  const svg = plotGradNorms(records);
  assertWellFormedSvg(svg);
  assert.equal(pointsOf(svg, 'layers.0'), 2);
  assert.equal(pointsOf(svg, 'layers.2'), 3);
  assert.deepEqual(texts(svg, 'tick-y'), ['1e-4', '0.001', '0.01', '0.1', '1']);
  assert.deepEqual(texts(svg, 'tick-x'), ['10', '15', '20', '25', '30']);
  assert.deepEqual(texts(svg, 'legend-label'), ['layers.0', 'layers.2']);
  const long = plotGradNorms([{ epoch: 0, step: 0, gradNorms: { a: 1 } }, { epoch: 9, step: 5000, gradNorms: { a: 0.1 } }]);
  assert.deepEqual(texts(long, 'tick-x'), ['1', '10', '100', '1000', '10000']);
});

test('plotDecisionBoundary: a grid of predictions split at x₁ = 0, one marker per point', () => {
  const model = new Linear(2, 2);
  model.weight.data.set([-1, 0, 1, 0]);
  model.bias!.data.set([0, 0]);
  const x = tensor([[-1, -1], [-1, 1], [1, -1], [1, 1]]);
  const y = tensor([0, 0, 1, 1]);
  const svg = plotDecisionBoundary(model, { x, y }, { resolution: 10, test: { x: tensor([[0.5, 0.5]]), y: tensor([1]) }, classes: ['left', 'right'] });
  assertWellFormedSvg(svg);
  assert.equal(model.training, true, 'the model is back in training mode');
  assert.equal(count(svg, /<rect class="cell"/g), 100);
  assert.equal(count(svg, new RegExp(`class="cell"[^>]*fill="${tint(paletteColor(0))}"`, 'g')), 50);
  assert.equal(count(svg, new RegExp(`class="cell"[^>]*fill="${tint(paletteColor(1))}"`, 'g')), 50);
  assert.equal(count(svg, /<circle class="point"/g), 4);
  assert.equal(count(svg, /class="point test-point"/g), 1);
  assert.deepEqual(texts(svg, 'tick-x'), ['-1.5', '-1.0', '-0.5', '0.0', '0.5', '1.0', '1.5']);
  assert.deepEqual(texts(svg, 'legend-label'), ['left', 'right']);
  // A plain function and a single sigmoid-like output with a threshold work too.
  const single = plotDecisionBoundary((p) => tensor(Array.from({ length: p.shape[0] }, (_, i) => [p.data[2 * i + 1]])), { x, y: tensor([0, 1, 0, 1]) }, { resolution: 4, threshold: 0 });
  assert.equal(count(single, /<rect class="cell"/g), 16);
  assert.throws(() => plotDecisionBoundary(model, { x: zeros([3, 3]), y: zeros([3]) }), /data\.x must be \[N, 2\].*\[3, 3\]/);
});

test('plotConfusion: a cell and a count per entry, class labels, colour bar', () => {
  const svg = plotConfusion([[5, 1], [2, 7]], { labels: ['cat', 'dog'] });
  assertWellFormedSvg(svg);
  assert.equal(count(svg, /<rect class="cell"/g), 4);
  assert.deepEqual(texts(svg, 'count'), ['5', '1', '2', '7']);
  assert.deepEqual(texts(svg, 'tick-y'), ['cat', 'dog']);
  assert.deepEqual(texts(svg, 'tick-x'), ['cat', 'dog']);
  assert.deepEqual(texts(svg, 'tick-c'), ['0', '2', '4', '6']);
  assert.deepEqual(texts(svg, 'axis-title'), ['predicted class', 'true class']);
  assert.throws(() => plotConfusion([[1, 2], [3]]), /row 1 must have 2 counts/);
});

test('plotFilters and plotFeatureMaps: a tile per filter or map, a cell per value', () => {
  manualSeed(0);
  const model = lenet5();
  const conv = firstConv(model);
  assert.ok(conv);
  assert.deepEqual(conv.weight.shape, [6, 1, 5, 5]);
  const filters = plotFilters(conv.weight);
  assertWellFormedSvg(filters);
  assert.equal(count(filters, /<g class="tile"/g), 6);
  assert.equal(count(filters, /<rect class="cell"/g), 150);
  assert.deepEqual(texts(filters, 'tile-label'), ['filter 0', 'filter 1', 'filter 2', 'filter 3', 'filter 4', 'filter 5']);
  const maps = captureOutput(model, conv, () => model.call(randn([1, 1, 28, 28])));
  assert.ok(maps);
  assert.deepEqual(maps.shape, [1, 6, 28, 28]);
  const svg = plotFeatureMaps(maps, { maxMaps: 4 });
  assertWellFormedSvg(svg);
  assert.equal(count(svg, /<g class="tile"/g), 4);
  assert.equal(count(svg, /<rect class="cell"/g), 4 * 28 * 28);
  assert.match(svg, /showing 4 of 6 maps/);
  // Large maps are averaged down: 2 × 2 blocks of a 6 × 6 map at maxSide 3.
  const big = tensor([[Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => (r < 2 && c < 2 ? 4 : 0)))]]);
  const shrunk = plotFeatureMaps(big, { maxSide: 3 });
  assert.equal(count(shrunk, /<rect class="cell"/g), 9);
  assert.match(shrunk, /each cell the mean of 2 × 2 values/);
  const fills = [...shrunk.matchAll(/<rect class="cell"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(fills, [sequential(1), ...Array<string>(8).fill(sequential(0))]);
  const rgb = plotFilters(zeros([4, 3, 3, 3]), { maxTiles: 5 });
  assert.equal(count(rgb, /<g class="tile"/g), 5);
  assert.deepEqual(texts(rgb, 'tile-label').slice(0, 4), ['filter 0 · in 0', 'filter 0 · in 1', 'filter 0 · in 2', 'filter 1 · in 0']);
  assert.throws(() => plotFilters(zeros([3, 3])), /\[out, in, kh, kw\].*\[3, 3\]/);
});

test('plotHiddenStates: a cell per time step and unit, the steps labelled with their tokens', () => {
  manualSeed(0);
  const model = new SequenceClassifier({ vocabSize: 5, numClasses: 2, hiddenSize: 16, cell: 'gru' });
  const rnn = firstRecurrent(model);
  assert.ok(rnn);
  const tokens = tensor([[3, 4, 3, 3, 4, 4, 3]]);
  const states = captureOutput(model, rnn, () => model.call(tokens));
  assert.ok(states);
  assert.deepEqual(states.shape, [1, 7, 16]);
  for (const v of states.data) assert.ok(Math.abs(v) <= 1, 'GRU states lie in [−1, 1]');
  const steps = ['0', '1', '0', '0', '1', '1', '0'];
  const svg = plotHiddenStates(states, { steps });
  assertWellFormedSvg(svg);
  assert.equal(count(svg, /<rect class="cell"/g), 7 * 16);
  assert.deepEqual(texts(svg, 'tick-x'), steps);
  assert.deepEqual(texts(svg, 'tick-y'), ['0', '2', '4', '6', '8', '10', '12', '14']);
  assert.deepEqual(texts(svg, 'axis-title'), ['time step', 'hidden unit']);
  // The cell of unit u (row) at step s (column) shows states[s, u] on a symmetric blue–white–red scale.
  const small = plotHiddenStates(tensor([[0.5, -1], [1, 0]]));
  const fills = [...small.matchAll(/<rect class="cell"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(fills, [diverging(0.75), diverging(1), diverging(0), diverging(0.5)]);
  assert.equal(diverging(0.5), '#f7f7f7');
  const long = plotHiddenStates(zeros([100, 3]));
  assert.deepEqual(texts(long, 'tick-x'), ['0', '20', '40', '60', '80']);
});

test('captureSequence joins a layer called step by step into one [1, T, H] sequence, equal to one call over the whole', () => {
  manualSeed(1);
  const gru = new GRU(3, 4);
  const x = randn([1, 5, 3]);
  const whole = captureSequence(gru, gru, () => gru.call(x));
  assert.ok(whole);
  assert.deepEqual(whole.shape, [1, 5, 4]);
  const stepped = captureSequence(gru, gru, () => {
    let h: Tensor | null = null;
    for (let t = 0; t < 5; t++) {
      const xt = new Tensor(x.data.slice(t * 3, t * 3 + 3), [1, 1, 3]);
      h = gru.call(xt, h)[1];
    }
  });
  assert.ok(stepped);
  assert.deepEqual(stepped.shape, [1, 5, 4]);
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(stepped.data[i] - whole.data[i]) < 1e-6, `value ${i}: ${stepped.data[i]} vs ${whole.data[i]}`);
});
