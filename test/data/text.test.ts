// Text for sequence models: the bundled corpus (from src through tsx and from the built dist/,
// whatever the working folder), the character vocabulary, the unigram entropy and padding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRIDE_SHA256 = '11f559d0634fbc47c26dd0ea2f815a7c1a7c7463e8c5295992cc54e7ecd6da99';

test('loadText reads the bundled Pride and Prejudice, byte for byte as data/text/README.md records', () => {
  const text = bp.loadText('pride-and-prejudice');
  assert.equal(text.length, 74570);
  assert.ok(text.startsWith('PRIDE AND PREJUDICE\n\nBy Jane Austen\n'));
  assert.match(text, /It is a truth universally acknowledged, that a single man in possession\nof a good fortune, must be in want of a wife\./);
  assert.equal(createHash('sha256').update(text, 'utf8').digest('hex'), PRIDE_SHA256);
  assert.deepEqual(Object.keys(bp.TEXT_CORPORA), ['pride-and-prejudice']);
  assert.equal(bp.TEXT_CORPORA['pride-and-prejudice'].file, 'pride-and-prejudice.txt');
  assert.match(bp.TEXT_CORPORA['pride-and-prejudice'].source, /public domain/);
  assert.ok(Object.isFrozen(bp.TEXT_CORPORA));
});

test('loadText finds data/text/ from src (tsx) and from the built dist/, run from another folder', () => {
  const script = (entry: string) =>
    `import { loadText } from ${JSON.stringify(new URL(entry, `file://${ROOT}`).href)}; console.log(loadText('pride-and-prejudice').length);`;
  for (const [entry, args] of [['src/data/text.ts', ['--import', import.meta.resolve('tsx')]], ['dist/data/text.js', []]] as const) {
    const r = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script(entry)], { cwd: tmpdir(), encoding: 'utf8' });
    assert.equal(r.status, 0, `${entry} (dist/ is built by npm install or npm run build): ${r.stderr}`);
    assert.equal(r.stdout.trim(), '74570', entry);
  }
});

test('loadText: an unknown corpus is a ConfigError listing the known names', () => {
  throwsWith(() => bp.loadText('shakespeare'), bp.ConfigError, /unknown corpus "shakespeare" \(known: pride-and-prejudice\)/);
  throwsWith(() => bp.loadText('toString'), bp.ConfigError, /unknown corpus "toString"/);
  throwsWith(() => bp.loadText(3 as unknown as string), bp.ConfigError, /unknown corpus 3/);
});

test('CharVocab.fromText: sorted unique characters; encode and decode are inverse', () => {
  const v = bp.CharVocab.fromText('hello, world\n');
  assert.deepEqual(v.chars, ['\n', ' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(v.size, 10);
  assert.deepEqual(v.encode('hello'), [5, 4, 6, 6, 7]);
  assert.equal(v.decode([5, 4, 6, 6, 7, 2, 1, 9]), 'hello, w');
  assert.equal(v.decode(bp.tensor([3, 0]).data), 'd\n');
  const text = bp.loadText('pride-and-prejudice');
  const full = bp.CharVocab.fromText(text);
  assert.equal(full.size, 71);
  assert.equal(full.decode(full.encode(text)), text);
});

test('CharVocab keeps a character outside the BMP as one token, ordered by code point', () => {
  const v = bp.CharVocab.fromText('b😀aé');
  assert.deepEqual(v.chars, ['a', 'b', 'é', '😀']);
  assert.deepEqual(v.encode('😀a'), [3, 0]);
});

test('CharVocab round-trips through JSON', () => {
  const v = bp.CharVocab.fromText('the cat sat');
  const back = bp.CharVocab.fromJSON(JSON.parse(JSON.stringify(v)));
  assert.deepEqual(back.chars, v.chars);
  assert.deepEqual(v.toJSON(), { type: 'CharVocab', chars: [' ', 'a', 'c', 'e', 'h', 's', 't'] });
  assert.deepEqual(back.encode('cats'), v.encode('cats'));
});

test('CharVocab errors name the character, token or field', () => {
  const v = bp.CharVocab.fromText('abc');
  throwsWith(() => v.encode('abz'), bp.ValueError, /character "z" at position 2 is not in the vocabulary of 3 characters/);
  throwsWith(() => v.encode('a\tb'), bp.ValueError, /character "\\t" \(U\+0009\) at position 1/);
  throwsWith(() => v.decode([0, 3]), bp.ValueError, /token 3 at position 1 is not an index in 0 … 2/);
  throwsWith(() => v.decode([1.5]), bp.ValueError, /token 1\.5 at position 0/);
  throwsWith(() => bp.CharVocab.fromText(''), bp.ValueError, /non-empty string/);
  throwsWith(() => new bp.CharVocab(['a', 'a']), bp.ValueError, /character "a" appears twice \(entries 0 and 1\)/);
  throwsWith(() => new bp.CharVocab(['ab']), bp.ValueError, /entry 0 must be one character, got "ab"/);
  throwsWith(() => bp.CharVocab.fromJSON({ chars: ['a'] }), bp.ValueError, /expected \{ type: 'CharVocab', chars/);
});

test('unigramEntropy in nats per character: hand-computed values', () => {
  // "aab": p(a) = 2/3, p(b) = 1/3.
  assert.ok(Math.abs(bp.unigramEntropy('aab') - -(2 / 3 * Math.log(2 / 3) + 1 / 3 * Math.log(1 / 3))) < 1e-15);
  assert.equal(bp.unigramEntropy('aaaa'), 0);
  // Four equally frequent characters: ln 4.
  assert.ok(Math.abs(bp.unigramEntropy('abcdabcd') - Math.log(4)) < 1e-15);
  // A surrogate pair counts as one character: "😀😀x" is p = 2/3, 1/3 as "aab".
  assert.ok(Math.abs(bp.unigramEntropy('😀😀x') - bp.unigramEntropy('aab')) < 1e-15);
  // The bundled English prose: 3.114 nats (4.49 bits) per character, the bar a char-RNN must beat.
  const h = bp.unigramEntropy(bp.loadText('pride-and-prejudice'));
  assert.ok(Math.abs(h - 3.11404) < 1e-5, `entropy ${h}`);
  throwsWith(() => bp.unigramEntropy(''), bp.ValueError, /non-empty string/);
});

test('padSequences: [N, T] batch, lengths and mask; T is the longest sequence', () => {
  const { x, lengths, mask } = bp.padSequences([[5, 6, 7], [1], [2, 3]]);
  assert.deepEqual(x.toArray(), [[5, 6, 7], [1, 0, 0], [2, 3, 0]]);
  assert.deepEqual(lengths, [3, 1, 2]);
  assert.deepEqual(mask.toArray(), [[1, 1, 1], [1, 0, 0], [1, 1, 0]]);
  assert.equal(x.requiresGrad, false);
});

test('padSequences: a padding value, and maxLen longer than every sequence or cutting the long ones', () => {
  const p = bp.padSequences([[4, 0], [9]], { value: -1, maxLen: 4 });
  assert.deepEqual(p.x.toArray(), [[4, 0, -1, -1], [9, -1, -1, -1]]);
  assert.deepEqual(p.lengths, [2, 1]);
  assert.deepEqual(p.mask.toArray(), [[1, 1, 0, 0], [1, 0, 0, 0]]);
  const cut = bp.padSequences([[1, 2, 3, 4], [5]], { maxLen: 2 });
  assert.deepEqual(cut.x.toArray(), [[1, 2], [5, 0]]);
  assert.deepEqual(cut.lengths, [2, 1]);
  assert.deepEqual(cut.mask.toArray(), [[1, 1], [1, 0]]);
});

test('padSequences: encoded text pads into an index batch an Embedding takes', () => {
  const vocab = bp.CharVocab.fromText('abc ');
  const { x } = bp.padSequences(['ab', 'c a b'].map((s) => vocab.encode(s)));
  assert.deepEqual(new bp.Embedding(vocab.size, 2).call(x).shape, [2, 5, 2]);
});

test('padSequences: empty input, empty sequences and bad values are ValueErrors', () => {
  throwsWith(() => bp.padSequences([]), bp.ValueError, /non-empty list of sequences/);
  throwsWith(() => bp.padSequences([[1], []]), bp.ValueError, /sequence 1 is empty/);
  throwsWith(() => bp.padSequences([[1, NaN]]), bp.ValueError, /sequence 0, step 1 is NaN/);
  throwsWith(() => bp.padSequences([[1]], { maxLen: 0 }), bp.ValueError, /maxLen must be a whole number ≥ 1, got 0/);
  throwsWith(() => bp.padSequences([[1]], { value: Infinity }), bp.ValueError, /value must be a finite number/);
  throwsWith(() => bp.padSequences([3] as unknown as number[][]), bp.ValueError, /sequence 0 is not a list/);
});
