// The examples/ programs run and do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainXorByHand } from '../../examples/xor-by-hand.js';
import { trainXor } from '../../examples/xor.js';
import { trainPerceptrons, mccullochPitts } from '../../examples/perceptron.js';
import { trainLogisticRegression } from '../../examples/logistic-regression.js';
import { trainMnist } from '../../examples/mnist-mlp.js';
import { trainSine } from '../../examples/custom-loop.js';
import { inspectGradients } from '../../examples/inspect-gradients.js';
import { trainDelay } from '../../examples/truncated-bptt.js';
import { trainGan } from '../../examples/gan.js';
import { residualVsPlain } from '../../examples/residual-vs-plain.js';
import { trainCharRnn } from '../../examples/char-rnn.js';
import { manualSeed, randn } from '../../src/index.js';
import { loadMnist } from '../../src/data/index.js';
import { assertClose } from '../helpers.js';

test('examples/xor-by-hand: the 2-2-1 sigmoid network learns XOR', () => {
  const { outputs, loss } = trainXorByHand();
  assert.ok(loss < 0.02, `loss ${loss}`);
  const expected = [0, 1, 1, 0];
  assert.equal(outputs.length, 4);
  outputs.forEach((o, i) => assert.equal(o > 0.5 ? 1 : 0, expected[i], `output ${i} = ${o}`));
});

test('examples/xor: mlp([2, 2, 1]) trained with fit gets all four XOR outputs on the right side of 0.5', () => {
  const { outputs, loss } = trainXor({ progress: 'none' });
  const expected = [0, 1, 1, 0];
  assert.equal(outputs.length, 4);
  outputs.forEach((o, i) => assert.equal(o > 0.5 ? 1 : 0, expected[i], `output ${i} = ${o} (loss ${loss})`));
});

test('examples/perceptron: the perceptron rule converges on AND and OR, not on XOR; McCulloch–Pitts units compute AND and OR', () => {
  const results = trainPerceptrons();
  assert.deepEqual(results.map((r) => r.gate), ['AND', 'OR', 'XOR']);
  assert.deepEqual(results.map((r) => r.converged), [true, true, false]);
  for (const r of results.slice(0, 2)) {
    assert.deepEqual(r.predictions, r.targets, `${r.gate}: predictions ${r.predictions} vs targets ${r.targets}`);
    assert.equal(r.mistakes[r.mistakes.length - 1], 0, `${r.gate}: the last epoch made no mistake`);
    assert.equal(r.weights.length, 3);
  }
  const xor = results[2];
  assert.ok(xor.mistakes.every((m) => m > 0), `XOR: every epoch makes a mistake (${xor.mistakes})`);
  assert.notDeepEqual(xor.predictions, xor.targets);
  const mp = mccullochPitts();
  assert.deepEqual(mp.and, [-1, -1, -1, 1]);
  assert.deepEqual(mp.or, [-1, 1, 1, 1]);
});

test('examples/logistic-regression: one sigmoid neuron separates two Gaussian blobs with test accuracy ≥ 0.9', () => {
  const r = trainLogisticRegression({ progress: 'none' });
  assert.ok(r.accuracy >= 0.9, `test accuracy ${r.accuracy}`);
  assert.ok(r.epochs[r.epochs.length - 1].loss < r.epochs[0].loss, 'training lowers the loss');
  // The blobs sit around (−1.5, −1) (class 0) and (1.5, 1) (class 1): the boundary puts them on opposite sides.
  const side = (p: [number, number]) => r.w[0] * p[0] + r.w[1] * p[1] + r.b;
  assert.ok(side([-1.5, -1]) < 0 && side([1.5, 1]) > 0, `w = ${r.w}, b = ${r.b}`);
});

test('examples/mnist-mlp: a 784-128-10 MLP reaches ≥ 85% test accuracy on a small budget and reloads with identical predictions', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'backprop-example-mnist-'));
  try {
    const r = trainMnist({ train: 3000, test: 500, epochs: 3, outDir, progress: 'none' });
    assert.ok(r.testAccuracy >= 0.85, `test accuracy ${r.testAccuracy}`);
    assert.equal(r.confusion.length, 10);
    assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), 500, 'the confusion matrix counts every test digit');
    const diagonal = r.confusion.reduce((s, row, i) => s + row[i], 0);
    assert.equal(diagonal / 500, r.testAccuracy, 'the diagonal holds the correct predictions');
    // Independently of accuracy() and confusionMatrix(): the same seeded split (trainMnist seeds 0
    // before loadMnist), its test labels against the returned argmax predictions.
    manualSeed(0);
    const labels = Array.from(loadMnist({ train: 3000, test: 500, flatten: true }).test.y.data);
    assert.equal(r.predictions.length, 500);
    const hits = r.predictions.filter((p, i) => p === labels[i]).length;
    assert.equal(r.testAccuracy, hits / 500, 'testAccuracy is the share of predictions equal to the labels');
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    labels.forEach((t, i) => confusion[t][r.predictions[i]]++);
    assert.deepEqual(r.confusion, confusion, 'confusion[true][predicted] counts the predictions');
    assert.ok(existsSync(`${r.modelPath}.json`) && existsSync(`${r.modelPath}.safetensors`));
    assert.deepEqual(r.reloadedPredictions, r.predictions);
    assert.equal(r.reloadedMaxDiff, 0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('examples/custom-loop: a hand-written loop with DataLoader, Adam and a schedule fits sin(x) to MSE < 0.01', () => {
  const { losses, lrs, testMse } = trainSine();
  assert.ok(testMse < 0.01, `MSE ${testMse}`);
  assert.ok(losses[losses.length - 1] < losses[0] / 10, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.ok(lrs[lrs.length - 1] < lrs[0], 'the schedule lowered the learning rate');
});

test('examples/inspect-gradients: the lecture formulas δ = f′(z) ⊙ (Wᵀ δ_next) and ∂E/∂W = δ yᵀ equal autodiff; gradcheck passes', () => {
  const r = inspectGradients();
  assert.deepEqual(Object.keys(r.errors).sort(), ['dW1', 'dW2', 'db1', 'delta', 'deltaOut', 'dy']);
  for (const [name, err] of Object.entries(r.errors)) assert.ok(err <= 1e-6, `${name}: |autodiff − formula| = ${err}`);
  assert.ok(r.gradcheckError < 1e-6, `gradcheck error ${r.gradcheckError}`);
  assert.deepEqual(r.deltaAutodiff.shape, [2, 1]);
  assert.deepEqual(r.dW1Autodiff.shape, [2, 3]);
  assert.ok(Array.from(r.dW1Autodiff.data).some((v) => Math.abs(v) > 1e-3), 'the gradients are not trivially zero');

  // The same forward and backward pass in plain float64 JavaScript, from the example's seeded weights
  // (manualSeed(4), then W1 = randn([2, 3]), b1 = 0, W2 = randn([1, 2]), b2 = 0), x = [1, −0.5, 2], d = 1.
  manualSeed(4);
  const W1 = randn([2, 3]).toArray() as number[][];
  const W2 = (randn([1, 2]).toArray() as number[][])[0];
  const x = [1, -0.5, 2];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const z = W1.map((row) => row.reduce((a, w, k) => a + w * x[k], 0));
  const y = z.map(sig);
  const o = sig(W2[0] * y[0] + W2[1] * y[1]);
  const deltaOut = o * (1 - o) * (o - 1); // f'(z_out) · (o − d)
  const delta = y.map((yi, j) => yi * (1 - yi) * W2[j] * deltaOut); // f'(z) ⊙ (W2ᵀ δ_out)
  const dW1 = delta.map((dj) => x.map((xk) => dj * xk)); // δ xᵀ
  assertClose(r.z, z.map((v) => [v]), 1e-6, 1e-5);
  assertClose(r.y, y.map((v) => [v]), 1e-6, 1e-5);
  assertClose(r.o, [[o]], 1e-6, 1e-5);
  assertClose(r.E, 0.5 * (o - 1) ** 2, 1e-7, 1e-5);
  assertClose(r.deltaAutodiff, delta.map((v) => [v]), 1e-7, 1e-5);
  assertClose(r.deltaFormula, delta.map((v) => [v]), 1e-7, 1e-5);
  assertClose(r.dW1Autodiff, dW1, 1e-7, 1e-5);
  assertClose(r.dW1Formula, dW1, 1e-7, 1e-5);
});

test('examples/truncated-bptt: an RNN layer trained by fit with a truncated-BPTT step (chunks of 8, state carried detached) recalls x(t−4); chunks of 2 cannot reach back 4 steps (worse at each of seeds 0–2, ≥ 2.5× on geometric mean)', () => {
  const r = trainDelay();
  // Without memory the best answer is x(t) itself; its MSE against x(t−4) is 1 − cos(4·0.3) ≈ 0.64 on average.
  assert.ok(Math.abs(r.copyInputMse - (1 - Math.cos(1.2))) < 0.1, `copy-input MSE ${r.copyInputMse}`);
  // Measured: 9.8e-4 (seed 0, 40 epochs).
  assert.ok(r.testMse < 3e-3, `held-out MSE ${r.testMse}`);
  assert.ok(r.testMse < r.copyInputMse / 200, `held-out MSE ${r.testMse} vs ${r.copyInputMse} without memory`);
  assert.equal(r.losses.length, 40);
  assert.ok(r.losses[r.losses.length - 1] < r.losses[0] / 20, `loss ${r.losses[0]} → ${r.losses[r.losses.length - 1]}`);
  // k = 2 < the delay 4: the error at ŷ(t) never reaches x(t−4), so what k = 2 learns of the delay
  // it learns by accident; how much varies from seed to seed (and with a kernel's rounding). Over
  // seeds 0–2, k = 2 is worse at every seed, measured 14×, 11×, 1.4× on cpu and 1.8×, 12×, 4.4×
  // on wasm: geometric means 6.0× and 4.6×.
  const ratios = [0, 1, 2].map((seed) => {
    const long = seed === 0 ? r : trainDelay({ seed });
    const short = trainDelay({ chunk: 2, seed });
    assert.ok(short.testMse > long.testMse, `seed ${seed}: k = 2 ${short.testMse} vs k = 8 ${long.testMse}`);
    return short.testMse / long.testMse;
  });
  const geoMean = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
  assert.ok(geoMean > 2.5, `k = 2 ÷ k = 8 held-out MSE, geometric mean over seeds 0–2: ${geoMean} (${ratios.join(', ')})`);
});

test('examples/char-rnn: truncated BPTT over 32 streams, 2 epochs, LSTM of 64: held-out loss ≤ 2.2 nats/char (1.89 measured) against the unigram entropy 3.11; a sample per temperature each epoch', () => {
  const lines: string[] = [];
  const r = trainCharRnn({ epochs: 2, hiddenSize: 64, chunk: 32, sampleLength: 40, print: (l) => lines.push(l) });
  assertClose(r.entropy, 3.114, 1e-3);
  assert.ok(r.testLoss <= 2.2, `held-out loss ${r.testLoss} nats/char`);
  assert.equal(r.losses.length, 2);
  assert.ok(r.losses[1] < r.losses[0], `training loss ${r.losses}`);
  assert.equal(r.samples.length, 4, 'two temperatures × two epochs');
  assert.ok(r.samples.every((s) => [...s].length === 40 && [...s].every((ch) => r.model.vocab.chars.includes(ch))));
  assert.match(lines[0], /^sample after epoch 1 \(temperature 0\.5\):\n {2}It is /);
});

test('examples/gan: a two-optimiser GAN step run by fit moves the generator mean to the data mean 3 (within 0.15, seed 0)', () => {
  const r = trainGan();
  assert.ok(Math.abs(r.initialMean - 3) > 1.5, `the generator starts far from the data (mean ${r.initialMean})`);
  assert.ok(Math.abs(r.mean - 3) < 0.15, `learned mean ${r.mean}`);
  assert.ok(r.scale > 0.1 && r.scale < 1.5, `learned scale ${r.scale} (data σ = 0.5)`);
  // At the equilibrium D cannot tell real from fake: its loss approaches 2·ln 2.
  assert.ok(Math.abs(r.losses[r.losses.length - 1] - 2 * Math.LN2) < 0.1, `final D loss ${r.losses[r.losses.length - 1]}`);
});

test('examples/residual-vs-plain: at 20 convolutions the residual CNN trains and the plain one stalls at the guessing loss', { timeout: 300_000 }, () => {
  const r = residualVsPlain();
  assert.equal(r.plain.length, 4);
  assert.equal(r.residual.length, 4);
  const last = (c: number[]) => c[c.length - 1];
  // Guessing among 10 digits costs ln 10 ≈ 2.303: the plain net never gets clearly below it.
  assert.ok(r.plain.every((l) => l > 2.2), `plain losses ${r.plain}`);
  assert.ok(last(r.residual) < 0.5 * last(r.plain), `residual ${r.residual} vs plain ${r.plain}`);
  assert.ok(last(r.residual) < r.residual[0] - 1, `the residual loss falls by more than 1: ${r.residual}`);
});
