// teacherForcingStep and evaluateSequences: the step fit runs for decoders, and their held-out score.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Seq2Seq, Linear, Adam, SGD, fit, evaluateSequences, teacherForcingStep, sequenceCrossEntropy, manualSeed, reverseTask, noGrad, Tensor, ConfigError,
} from '../../src/index.js';
import { assertClose } from '../helpers.js';

test('evaluateSequences: the loss per real target token, the same in any batch size; accuracy = exactMatch', () => {
  manualSeed(1);
  const task = reverseTask({ train: 10, test: 9, minLen: 1, maxLen: 4 });
  const model = new Seq2Seq({ srcVocab: task.vocab.size, hiddenSize: 8, embeddingDim: 4 });
  const whole = evaluateSequences(model, task.test);
  const small = evaluateSequences(model, task.test, { batchSize: 2 });
  assertClose(small.loss, whole.loss, 1e-6);
  assert.equal(small.accuracy, whole.accuracy);
  // Independently: one masked cross-entropy over every real token of the test set.
  const y = task.test.y;
  const mask = new Tensor(Float32Array.from(y.data, (v) => (v === 0 ? 0 : 1)), y.shape);
  const direct = noGrad(() => sequenceCrossEntropy(model.eval().call(task.test.x, y), y, { mask })).item();
  model.train();
  assertClose(whole.loss, direct, 1e-6);
  assert.equal(whole.accuracy, model.exactMatch(task.test.x, task.test.y));
  assert.ok(model.training, 'training mode is put back');
});

test('teacherForcingStep: fit with it lowers the teacher-forced loss; a model without trainingLoss is refused by name', () => {
  manualSeed(2);
  const task = reverseTask({ train: 64, test: 16, minLen: 1, maxLen: 3 });
  const model = new Seq2Seq({ srcVocab: task.vocab.size, hiddenSize: 16, embeddingDim: 8 });
  const before = evaluateSequences(model, task.train).loss;
  const h = fit(model, task.train, { optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 5, batchSize: 16, trainStep: teacherForcingStep, progress: 'none', l2: 1e-4 });
  assert.equal(h.steps, 20);
  const after = evaluateSequences(model, task.train).loss;
  assert.ok(after < 0.7 * before, `training loss ${before} → ${after}`); // measured 2.65 → 1.41
  const plain = new Linear(2, 2);
  assert.throws(
    () => fit(plain, { x: new Tensor(new Float32Array(4), [2, 2]), y: new Tensor(new Float32Array(2), [2]) }, { optimizer: new SGD(plain.parameters(), { lr: 0.1 }), trainStep: teacherForcingStep, progress: 'none' }),
    (e: Error) => e instanceof ConfigError && /Linear has no trainingLoss/.test(e.message),
  );
});
