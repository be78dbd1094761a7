// The sequence models' mechanics: padding skipped, teacher forcing causal, decoding consistent
// with the scores, configs that rebuild the same model, typed errors. (Learning: seq-train.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SequenceClassifier, SequenceGenerator, Seq2Seq, Tensor, tensor, randn, manualSeed, moduleFromConfig, noGrad,
  argmax, slice, ConfigError, ShapeError, PAD_TOKEN, END_TOKEN, type AnyModule,
} from '../../src/index.js';
import { assertClose } from '../helpers.js';

/** Rows of token lists to a [N, T] tensor padded with PAD. */
function tokens(rows: number[][], width = Math.max(...rows.map((r) => r.length))): Tensor {
  return tensor(rows.map((r) => [...r, ...new Array<number>(width - r.length).fill(PAD_TOKEN)]));
}

/** A copy of a module built from its config, with the same weights. */
function rebuilt<M extends AnyModule>(m: M): M {
  const copy = moduleFromConfig<M>(JSON.parse(JSON.stringify(m.config())));
  copy.loadStateDict(m.stateDict());
  return copy;
}

for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  test(`SequenceClassifier (${cell}, 2 layers, bidirectional): a PAD-padded batch gives each sequence's logits as if run alone`, () => {
    manualSeed(1);
    const m = new SequenceClassifier({ vocabSize: 6, numClasses: 3, hiddenSize: 5, embeddingDim: 4, cell, numLayers: 2, bidirectional: true });
    const seqs = [[3, 4, 5, 3], [4, 4], [5]];
    const batch = noGrad(() => m.call(tokens(seqs, 6)));
    assert.deepEqual(batch.shape, [3, 3]);
    seqs.forEach((s, i) => {
      const alone = noGrad(() => m.call(tokens([s])));
      assertClose(Array.from(batch.data.subarray(3 * i, 3 * i + 3)), Array.from(alone.data), 1e-5);
    });
    assert.deepEqual(Array.from(rebuilt(m).call(tokens(seqs, 6)).data), Array.from(batch.data), 'rebuilt from its config');
  });
}

test('SequenceClassifier on features [N, T, F] takes lengths; the gradient reaches every parameter', () => {
  manualSeed(2);
  const m = new SequenceClassifier({ inputSize: 3, numClasses: 2, hiddenSize: 4, cell: 'lstm' });
  const x = randn([2, 5, 3]);
  const out = m.call(x, { lengths: [5, 2] });
  const short = m.call(slice(slice(x, 1, 2, 0), 0, 2, 1));
  assertClose(Array.from(out.data.subarray(2, 4)), Array.from(short.data), 1e-5);
  out.sum().backward();
  for (const [name, p] of m.namedParameters()) assert.ok(p.grad && p.grad.data.some((g) => g !== 0), `${name} has a gradient`);
  assert.equal(m.config().inputSize, 3);
});

test('SequenceClassifier refuses bad options and inputs with typed errors naming them', () => {
  assert.throws(() => new SequenceClassifier({ numClasses: 2 }), (e: Error) => e instanceof ConfigError && /vocabSize .* or inputSize/.test(e.message));
  assert.throws(() => new SequenceClassifier({ numClasses: 2, vocabSize: 4, inputSize: 3 }), ConfigError);
  assert.throws(() => new SequenceClassifier({ numClasses: 2, vocabSize: 4, cell: 'tcn' as 'gru' }), (e: Error) => e instanceof ConfigError && /cell must be one of 'rnn', 'lstm', 'gru', got "tcn"/.test(e.message));
  assert.throws(() => new SequenceClassifier({ numClasses: 0, vocabSize: 4 }), (e: Error) => e instanceof ConfigError && /numClasses/.test(e.message));
  assert.throws(() => new SequenceClassifier({ numClasses: 2, vocabSize: 4, padIndex: 4 }), (e: Error) => e instanceof ConfigError && /padIndex/.test(e.message));
  const m = new SequenceClassifier({ numClasses: 2, vocabSize: 4 });
  assert.throws(() => m.call(randn([2, 3, 4])), (e: Error) => e instanceof ShapeError && /tokens must be \[N, T\], got \[2, 3, 4\]/.test(e.message));
  const f = new SequenceClassifier({ numClasses: 2, inputSize: 3 });
  assert.throws(() => f.call(randn([2, 3, 4])), (e: Error) => e instanceof ShapeError && /\[N, T, 3\], got \[2, 3, 4\]/.test(e.message));
});

test('Seq2Seq teacher forcing is causal: the scores of step t depend on target tokens before t only; trailing source PAD changes nothing', () => {
  manualSeed(3);
  const m = new Seq2Seq({ srcVocab: 8, tgtVocab: 7, hiddenSize: 6, embeddingDim: 4, cell: 'lstm', numLayers: 2, feedContext: true });
  const src = tokens([[3, 4, 5], [6, 7]], 3);
  const tgt = tokens([[3, 4, 5, END_TOKEN], [6, 4, END_TOKEN]], 4);
  const a = noGrad(() => m.call(src, tgt));
  assert.deepEqual(a.shape, [2, 4, 7]);
  const changed = tgt.clone();
  changed.data[2] = 6; // row 0, step 2
  const b = noGrad(() => m.call(src, changed));
  const step = (t: Tensor, r: number, s: number) => Array.from(t.data.subarray((r * 4 + s) * 7, (r * 4 + s + 1) * 7));
  for (const s of [0, 1, 2]) assert.deepEqual(step(b, 0, s), step(a, 0, s), `step ${s} does not see token 2`);
  assert.notDeepEqual(step(b, 0, 3), step(a, 0, 3), 'step 3 reads token 2');
  for (const s of [0, 1, 2, 3]) assert.deepEqual(step(b, 1, s), step(a, 1, s), 'the other row is untouched');
  const padded = noGrad(() => m.call(tokens([[3, 4, 5], [6, 7]], 6), tgt));
  assertClose(Array.from(padded.data), Array.from(a.data), 1e-6);
  assert.deepEqual(Array.from(rebuilt(m).call(src, tgt).data), Array.from(a.data), 'rebuilt from its config');
});

test('Seq2Seq: greedy decoding writes the argmax of the scores it gets when fed its own output; trainingLoss reaches encoder and decoder', () => {
  manualSeed(4);
  const m = new Seq2Seq({ srcVocab: 6, hiddenSize: 8, embeddingDim: 4, maxLen: 5 });
  const src = tokens([[3, 4, 5, 3], [5, 5]]);
  const out = m.greedyDecode(src);
  assert.equal(out.length, 2);
  out.forEach((row, i) => {
    assert.ok(row.length <= 5 && row.every((k) => k !== END_TOKEN));
    // Teacher-force the model's own output: its argmax at every step must be that output again.
    const own = row.length < 5 ? [...row, END_TOKEN] : row;
    const scores = noGrad(() => m.call(slice(src, i, i + 1, 0), tokens([own])));
    assert.deepEqual(Array.from(argmax(scores, 2).data), own, `row ${i}`);
  });
  const logits = noGrad(() => m.call(src));
  assert.equal(logits.shape[0], 2);
  assert.ok(logits.shape[1] <= 5 && logits.shape[2] === 6);
  assert.equal(m.exactMatch(src, tokens(out.map((r) => [...r, END_TOKEN]))), 1, 'its own output matches exactly');
  const loss = m.trainingLoss(src, tokens([[4, 3, END_TOKEN], [5, END_TOKEN]]));
  loss.backward();
  for (const [name, p] of m.namedParameters()) {
    if (name.endsWith('embedding.weight')) continue; // only the rows used get a gradient
    assert.ok(p.grad && p.grad.data.some((g) => g !== 0), `${name} has a gradient`);
  }
  assert.ok(m.training, 'decoding put training mode back');
});

test('Seq2Seq reverseSource: the encoder reads each source backwards, padding still at the end', () => {
  manualSeed(6);
  const m = new Seq2Seq({ srcVocab: 8, hiddenSize: 5, embeddingDim: 3, reverseSource: true });
  const plain = moduleFromConfig<Seq2Seq>({ ...m.config(), reverseSource: false });
  plain.loadStateDict(m.stateDict());
  const tgt = tokens([[3, END_TOKEN], [4, END_TOKEN]]);
  const a = noGrad(() => m.call(tokens([[3, 4, 5], [6, 7]]), tgt));
  const b = noGrad(() => plain.call(tokens([[5, 4, 3], [7, 6]]), tgt));
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.equal(m.config().reverseSource, true);
});

test('SequenceGenerator: the vector sets h0 and/or is fed every step; sampling is seeded; configs rebuild it', () => {
  for (const condition of ['state', 'input', 'both'] as const) {
    manualSeed(5);
    const m = new SequenceGenerator({ codeSize: 3, vocabSize: 7, hiddenSize: 6, embeddingDim: 4, condition, cell: 'lstm', maxLen: 6 });
    assert.equal(m.init === null, condition === 'input');
    const v = tensor([[1, 0, 0], [0, 0, 1]]);
    const target = tokens([[3, 4, END_TOKEN], [5, END_TOKEN]]);
    const s = noGrad(() => m.call(v, target));
    assert.deepEqual(s.shape, [2, 3, 7]);
    // The vector matters at the first step (through h0 or the input).
    assert.notDeepEqual(Array.from(s.data.subarray(0, 7)), Array.from(s.data.subarray(21, 28)), condition);
    manualSeed(9);
    const a = m.generate(v, { temperature: 1.5 });
    manualSeed(9);
    assert.deepEqual(m.generate(v, { temperature: 1.5 }), a, 'same seed, same samples');
    assert.ok(a.every((r) => r.length <= 6));
    assert.deepEqual(Array.from(rebuilt(m).call(v, target).data), Array.from(s.data));
  }
  const m = new SequenceGenerator({ codeSize: 3, vocabSize: 7 });
  assert.throws(() => m.call(randn([2, 4])), (e: Error) => e instanceof ShapeError && /\[N, 3\], got \[2, 4\]/.test(e.message));
  assert.throws(() => m.generate(randn([2, 3]), { temperature: 0 }), (e: Error) => e instanceof ConfigError && /temperature/.test(e.message));
  assert.throws(() => m.call(randn([2, 3]), tokens([[3]])), (e: Error) => e instanceof ShapeError && /2 inputs but 1 targets/.test(e.message));
  assert.throws(() => new SequenceGenerator({ codeSize: 3, vocabSize: 7, condition: 'neither' as 'both' }), ConfigError);
});
