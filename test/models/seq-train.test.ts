// The three sequence modes learn their tasks from fixed seeds, judged on held-out sequences only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SequenceClassifier, SequenceGenerator, Seq2Seq, Adam, fit, evaluate, evaluateSequences, teacherForcingStep, manualSeed,
  parityTask, numberWordsTask, reverseTask, numberWords,
} from '../../src/index.js';

test('many-to-one: a GRU classifies the parity of unseen 2–12-bit strings ≥ 95 % after 4 epochs (measured 100 %)', () => {
  manualSeed(0);
  const task = parityTask({ train: 2000, test: 500 });
  const model = new SequenceClassifier({ vocabSize: task.vocab.size, embeddingDim: 8, hiddenSize: 32, numClasses: 2, cell: 'gru' });
  const before = evaluate(model, task.test, { loss: 'crossEntropy', metrics: ['accuracy'] }).accuracy;
  fit(model, task.train, { loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 4, batchSize: 16, progress: 'none' });
  const r = evaluate(model, task.test, { loss: 'crossEntropy', metrics: ['accuracy'] });
  assert.ok(before < 0.6, `chance before training (${before})`);
  assert.ok(r.accuracy >= 0.95, `held-out parity accuracy ${r.accuracy}`);
  const longest = task.test.inputs.filter((s) => s.length === 12).length;
  assert.ok(longest > 30, `the test set holds many strings of the longest length (${longest})`);
});

test('one-to-many: a GRU writes the English words of 100 unseen numbers from their digit vectors, ≥ 95 % exactly right after 8 epochs (measured 98 %)', () => {
  manualSeed(0);
  const task = numberWordsTask({ test: 100 });
  const model = new SequenceGenerator({ codeSize: task.codeSize, vocabSize: task.vocab.size, embeddingDim: 16, hiddenSize: 64, cell: 'gru' });
  fit(model, task.train, { optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 8, batchSize: 32, clipGradNorm: 1, trainStep: teacherForcingStep, progress: 'none' });
  const r = evaluateSequences(model, task.test);
  assert.ok(r.accuracy >= 0.95, `held-out exact match ${r.accuracy} (loss ${r.loss})`);
  const written = model.generate(task.test.x).map((t) => task.vocab.decode(t));
  const right = written.filter((w, i) => w === numberWords(Number(task.test.inputs[i]))).length;
  assert.equal(right / 100, r.accuracy, 'exactMatch counts the numbers whose words are written exactly');
});

test('encoder–decoder: an LSTM seq2seq reverses unseen 3–6-digit strings, ≥ 90 % exactly right after 3 epochs (measured 97.4 %)', () => {
  manualSeed(0);
  const task = reverseTask({ train: 6000, test: 500 });
  const model = new Seq2Seq({ srcVocab: task.vocab.size, embeddingDim: 32, hiddenSize: 64, cell: 'lstm' });
  fit(model, task.train, { optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 3, batchSize: 32, clipGradNorm: 1, trainStep: teacherForcingStep, progress: 'none' });
  const r = evaluateSequences(model, task.test);
  assert.ok(r.accuracy >= 0.9, `held-out exact match ${r.accuracy} (loss ${r.loss})`);
  const decoded = model.greedyDecode(task.test.x, 8).map((t) => task.vocab.decode(t));
  const right = decoded.filter((d, i) => d === [...task.test.inputs[i]].reverse().join('')).length;
  assert.equal(right / 500, r.accuracy, 'exactMatch counts the strings reversed exactly');
});
