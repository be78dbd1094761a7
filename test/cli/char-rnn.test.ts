// The character language model from the command line: `backprop train` on text data (the
// char-rnn preset's settings, a tiny budget from a config file) prints temperature samples as it
// learns and saves the model with its vocabulary; `backprop generate` samples from it —
// the requested length, vocabulary characters, the same text for the same seed — and refuses a
// bad --temperature or --prime; eval, predict and info know a language model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';
import { PRESETS, validateConfig } from '../../src/cli/config.js';
import { CharVocab, loadText, mlp, saveModule } from '../../src/index.js';

const dir = tempFolder('bp-char-rnn-');
const MAX_CHARS = 8000;
const vocab = CharVocab.fromText(loadText('pride-and-prejudice').slice(0, MAX_CHARS));
const model = join(dir, 'run');

/** A config file of the given object; returns its path. */
function configFile(name: string, config: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const tiny = configFile('tiny', {
  data: { name: 'text', maxChars: MAX_CHARS, seqLen: 32 },
  model: { type: 'charRnn', hiddenSize: 32, embeddingDim: 16 },
  optimizer: { type: 'adam', lr: 0.02 },
  epochs: 2,
  sample: { length: 40, temperatures: [0.5], prime: 'It ' },
});

test('train on text: held-out loss per epoch, a temperature sample after each epoch, the model saved with its vocabulary', () => {
  const r = cli('train', '--config', tiny, '--progress', 'none', '--out', model);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`vocabulary: ${vocab.size} characters; the text's unigram entropy is 3\\.\\d{4} nats/char`));
  assert.match(r.err, /epoch 1: held-out loss \d\.\d{4} nats\/char/);
  const samples = [...r.out.matchAll(/sample after epoch (\d) \(temperature 0\.5\):\n {2}(It [^\n]*)/g)];
  assert.deepEqual(samples.map((m) => m[1]), ['1', '2']);
  assert.match(r.out, /test loss \d\.\d{4} nats\/char \([\d.]+ bits\/char, perplexity [\d.]+\); the unigram entropy is 3\.\d{4}/);
  assert.match(r.out, /saved model: .*model\.json/);

  const i = cli('info', model);
  assert.equal(i.code, 0, i.err);
  assert.match(i.out, new RegExp(`^CharRNN\\(vocab=${vocab.size} chars, cell=lstm`));
  assert.match(i.out, /input shape: \[32\]\n/);
  assert.match(i.out, /rnn\.weight_hh_l0\s+\[128, 32\]/);

  const e = cli('eval', model);
  assert.equal(e.code, 0, e.err);
  const trainLoss = /test loss (\d\.\d{4})/.exec(r.out)![1];
  assert.match(e.out, new RegExp(`^test: \\d+ windows of 32 characters\\nloss ${trainLoss.replace('.', '\\.')} nats/char`));

  const p = cli('predict', model, '--input', '[[1, 2]]');
  assert.equal(p.code, 2);
  assert.match(p.err, /is a character language model: sample from it with backprop generate/);
});

test('generate: text of the requested length made of vocabulary characters; the same seed gives the same text', () => {
  const a = cli('generate', model, '--length', '120', '--seed', '3', '--temperature', '0.8');
  assert.equal(a.code, 0, a.err);
  assert.equal([...a.out].length, 120);
  assert.ok([...a.out].every((ch) => vocab.chars.includes(ch)), JSON.stringify(a.out));
  assert.equal(cli('generate', model, '--length', '120', '--seed', '3', '--temperature', '0.8').out, a.out);
  assert.notEqual(cli('generate', model, '--length', '120', '--seed', '4', '--temperature', '0.8').out, a.out);

  const primed = cli('generate', model, '--prime', 'It is', '--length', '30');
  assert.equal(primed.code, 0, primed.err);
  assert.ok(primed.out.startsWith('It is'), primed.out);
  assert.equal([...primed.out].length, 35);
  assert.equal([...cli('generate', model).out].length, 200, 'the default length');
  const greedy = cli('generate', model, '--temperature', '0', '--length', '30', '--seed', '1');
  assert.equal(cli('generate', model, '--temperature', '0', '--length', '30', '--seed', '2').out, greedy.out, 'temperature 0 takes the likeliest character whatever the seed');
});

test('generate: a bad --temperature, --length, --prime or --seed, or a model that is no language model, is a clear error', () => {
  for (const t of ['-1', 'abc', '', 'Infinity']) {
    const r = cli('generate', model, '--temperature', t);
    assert.equal(r.code, 2, `--temperature '${t}'`);
    assert.match(r.err, new RegExp(`--temperature must be a number ≥ 0 .*got '${t}'`));
    assert.equal(r.out, '');
  }
  const len = cli('generate', model, '--length', '0');
  assert.equal(len.code, 2);
  assert.match(len.err, /--length must be a whole number ≥ 1, got '0'/);
  const prime = cli('generate', model, '--prime', 'It €');
  assert.equal(prime.code, 2);
  assert.match(prime.err, /--prime: the model never saw the character\(s\) "€"/);
  const seed = cli('generate', model, '--seed', '-3');
  assert.equal(seed.code, 2);
  assert.match(seed.err, /--seed must be a whole number/);

  const net = join(dir, 'mlp');
  saveModule(mlp([2, 3, 1]), net);
  const other = cli('generate', net);
  assert.equal(other.code, 1);
  assert.match(other.err, /is not a character language model \(it is a Sequential\); train one with: backprop train --preset char-rnn/);
});

test('text configs: the model, loss, metrics and sample fields must suit a language model, named by field', () => {
  const cases: [object, RegExp][] = [
    [{ data: { name: 'text' }, model: { type: 'mlp', sizes: [32, 10] } }, /config\.model\.type: text data trains a character language model: use \{"type": "charRnn"\}, got "mlp"/],
    [{ data: { name: 'mnist' }, model: { type: 'charRnn' } }, /config\.data\.name: a charRnn model learns from text data/],
    [{ data: { name: 'text' }, validationSplit: 0.1 }, /config\.validationSplit: is not used with text data/],
    [{ data: { name: 'text' }, metrics: ['accuracy'] }, /config\.metrics: a language model reports its loss in nats per character: must be \[\]/],
    [{ data: { name: 'text' }, loss: 'mse' }, /config\.loss: a language model's loss is the cross-entropy/],
    [{ data: { name: 'text' }, sample: { temperatures: [-1] } }, /config\.sample\.temperatures: must be a non-empty list of numbers ≥ 0/],
    [{ data: { name: 'text' }, sample: { prime: 'Zebra€' } }, /config\.sample\.prime: has characters the text does not: "€"/],
    [{ data: { name: 'text', seqLen: 0 } }, /config\.data\.seqLen: must be ≥ 1, got 0/],
    [{ data: { name: 'text', corpus: 'no-such-book' } }, /config\.data\.corpus: 'no-such-book' is neither a bundled corpus \(pride-and-prejudice\) nor a text file/],
    [{ data: { name: 'text', maxChars: 20, seqLen: 32 } }, /config\.data: the training part of the text has 18 characters, too few for one window of seqLen 32/],
    [{ data: { name: 'text' }, model: { type: 'charRnn', cell: 'lstm2' } }, /config\.model\.cell: must be one of 'lstm', 'gru', 'rnn'/],
    [{ data: { name: 'mnist' }, sample: { length: 10 } }, /config\.sample: is for a language model on text data/],
  ];
  cases.forEach(([config, message], i) => {
    const r = cli('train', '--config', configFile(`bad-${i}`, config), '--progress', 'none', '--out', join(dir, `bad-${i}`));
    assert.equal(r.code, 2, `${JSON.stringify(config)}: ${r.err}`);
    assert.match(r.err, message);
  });
});

test('the char-rnn preset is a valid config of text data and an LSTM, with samples at two temperatures', () => {
  const p = validateConfig(structuredClone(PRESETS['char-rnn']));
  assert.deepEqual(p.data, { name: 'text', seqLen: 64 });
  assert.deepEqual(p.model, { type: 'charRnn', cell: 'lstm', embeddingDim: 32, hiddenSize: 128 });
  assert.deepEqual(p.sample?.temperatures, [0.5, 1]);
  // A text config leaves out what the preset gives: a language model, its loss, no metrics.
  const partial = validateConfig({ data: { name: 'text', corpus: 'pride-and-prejudice' } });
  assert.equal(partial.model.type, 'charRnn');
  assert.deepEqual(partial.metrics, []);
});

test('eval --data text:FILE scores a language model on another text in its own vocabulary', () => {
  const file = join(dir, 'other.txt');
  writeFileSync(file, 'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.\n'.repeat(3));
  const e = cli('eval', model, '--data', `text:${file}`);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^the whole text: 11 windows of 32 characters\nloss \d\.\d{4} nats\/char/);
  writeFileSync(file, 'Zebra € crossing');
  const bad = cli('eval', model, '--data', `text:${file}`);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /the text has characters the model never saw: .*"€"/);
});

test('a language-model run resumed from its checkpoint ends where the uninterrupted run does', () => {
  const config = configFile('resume', { data: { name: 'text', maxChars: 4000, seqLen: 32 }, model: { type: 'charRnn', hiddenSize: 16, embeddingDim: 8 }, schedule: null, epochs: 2, sample: { length: 10 } });
  const lossOf = (text: string) => /test loss (\d\.\d+)/.exec(text)?.[1];
  const straight = cli('train', '--config', config, '--progress', 'none', '--out', join(dir, 'straight'));
  assert.equal(straight.code, 0, straight.err);
  const first = cli('train', '--config', config, '--epochs', '1', '--progress', 'none', '--out', join(dir, 'halves'));
  assert.equal(first.code, 0, first.err);
  const resumed = cli('train', '--resume', join(dir, 'halves', 'checkpoint.safetensors'), '--epochs', '2', '--progress', 'none');
  assert.equal(resumed.code, 0, resumed.err);
  assert.notEqual(lossOf(first.out), lossOf(straight.out));
  assert.equal(lossOf(resumed.out), lossOf(straight.out));
  assert.equal(cli('generate', join(dir, 'halves'), '--length', '50').out, cli('generate', join(dir, 'straight'), '--length', '50').out);
});
