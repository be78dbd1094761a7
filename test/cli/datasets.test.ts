// The DATASETS table is the one place data-set names live: validation, --data, help and log read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS, DATA_NAMES, parseDataSpec, checkDataConfig, dataSpecs } from '../../src/cli/datasets.js';
import { validateConfig } from '../../src/cli/config.js';
import { ConfigError } from '../../src/errors.js';
import { cli, tempFolder } from './harness.js';

const dir = tempFolder('bp-datasets-');

test('the table names fourteen data sets, and every name is accepted by config and --data', () => {
  assert.deepEqual(DATA_NAMES, ['mnist', 'fashion-mnist', 'idx', 'and', 'or', 'xor', 'spirals', 'circles', 'moons', 'parity', 'reverse', 'addition', 'number-words', 'csv', 'text']);
  for (const name of DATA_NAMES) {
    const spec = DATASETS[name].spec.replace('[:DIR]', '').replace('[:CORPUS]', '').replace(':DIR', ':/some/dir').replace(':PATH', ':/some/file.csv');
    const d = parseDataSpec(spec);
    assert.equal(d.name, name);
    assert.deepEqual(checkDataConfig({ ...d }, 'config.data'), d, name);
  }
  assert.deepEqual(parseDataSpec('idx:/a:b'), { name: 'idx', dir: '/a:b' });
  assert.deepEqual(parseDataSpec('fashion-mnist:/f'), { name: 'fashion-mnist', dir: '/f' });
  assert.deepEqual(parseDataSpec('csv:x.csv'), { name: 'csv', path: 'x.csv' });
  assert.deepEqual(parseDataSpec('text:my/book.txt'), { name: 'text', corpus: 'my/book.txt' });
});

test('--data errors name the data and list the spellings from the table', () => {
  assert.throws(() => parseDataSpec('imagenet'), (e: Error) => e instanceof ConfigError && e.message === `--data: unknown data 'imagenet' (use ${dataSpecs()})`);
  assert.equal(dataSpecs(), 'mnist, fashion-mnist[:DIR], idx:DIR, and, or, xor, spirals, circles, moons, parity, reverse, addition, number-words, csv:PATH, text[:CORPUS]');
  assert.throws(() => parseDataSpec('idx'), /--data idx:DIR needs the DIR part/);
  assert.throws(() => parseDataSpec('csv'), /--data csv:PATH needs the PATH part/);
  assert.throws(() => parseDataSpec('xor:3'), /--data xor takes no ':' argument/);
  assert.throws(() => parseDataSpec('constructor'), /unknown data 'constructor'/);
  const r = cli('eval', '--help');
  assert.match(r.out, /mnist, fashion-mnist\[:DIR\], idx:DIR, and, or, xor, spirals,\s+circles, moons, parity, reverse, addition,\s+number-words,\s+csv:PATH/);
});

test('config.data: per-name fields and values come from the table', () => {
  const bad: [object, RegExp][] = [
    [{ name: 'imagenet' }, /config\.data\.name: must be one of 'mnist', 'fashion-mnist', 'idx', 'and', 'or', 'xor', 'spirals', 'circles', 'moons', 'parity', 'reverse', 'addition', 'number-words', 'csv', 'text', got "imagenet"/],
    [{ name: 7 }, /config\.data\.name: must be one of .*, got 7/],
    [{ name: 'xor', n: 4 }, /config\.data: unknown field 'n' \(allowed: name\)/],
    [{ name: 'spirals', path: 'a' }, /config\.data: unknown field 'path' \(allowed: name, n, noise, testFraction\)/],
    [{ name: 'idx' }, /config\.data\.dir: must be the folder holding the IDX files, got undefined/],
    [{ name: 'fashion-mnist', dir: 5 }, /config\.data\.dir: must be the folder holding the IDX files, got 5/],
    [{ name: 'csv', path: 'a.csv', labelColumn: 1.5 }, /config\.data\.labelColumn: must be a column name or a whole-number index, got 1\.5/],
    [{ name: 'csv', path: 'a.csv', standardize: 'yes' }, /config\.data\.standardize: must be true or false, got "yes"/],
    [{ name: 'moons', testFraction: 1 }, /config\.data\.testFraction: must be below 1, got 1/],
    [{ name: 'circles', n: 3 }, /config\.data\.n: must be ≥ 4, got 3/],
    [{ name: 'mnist', train: 9000, test: 2000 }, /10,000 digits; train \+ test = 11000/],
    [{ name: 'text', seqLen: 2.5 }, /config\.data\.seqLen: must be a whole number, got 2\.5/],
    [{ name: 'text', corpus: 3 }, /config\.data\.corpus: must be a bundled corpus \(pride-and-prejudice\) or the path of a text file, got 3/],
    [{ name: 'text', stride: 0 }, /config\.data\.stride: must be ≥ 1, got 0/],
    [{ name: 'text', maxChars: 1 }, /config\.data\.maxChars: must be ≥ 2, got 1/],
    [{ name: 'parity', maxLen: 31 }, /config\.data\.maxLen: must be ≤ 30, got 31/],
    [{ name: 'reverse', minLen: 5, maxLen: 4 }, /config\.data\.maxLen: must be at least minLen \(5\), got 4/],
    [{ name: 'addition', digits: 0 }, /config\.data\.digits: must be ≥ 1, got 0/],
    [{ name: 'addition', minLen: 2 }, /config\.data: unknown field 'minLen' \(allowed: name, train, test, digits\)/],
    [{ name: 'number-words', digits: 4 }, /config\.data\.digits: must be ≤ 3, got 4/],
    [{ name: 'number-words', test: 0 }, /config\.data\.test: must be ≥ 1, got 0/],
    [{ name: 'number-words', digits: 2, test: 100 }, /config\.data\.test: must be below 100, the numbers of 2 digits \(the others train\), got 100/],
    [{ name: 'number-words', digits: 1 }, /config\.data\.test: must be below 10, the numbers of 1 digit \(the others train\); the default is 100, got 100/],
    [{ name: 'number-words', train: 900 }, /config\.data: unknown field 'train' \(allowed: name, test, digits\)/],
    [{ name: 'text', path: 'a.txt' }, /config\.data: unknown field 'path' \(allowed: name, corpus, seqLen, stride, maxChars, testFraction\)/],
  ];
  for (const [d, pattern] of bad) {
    assert.throws(() => validateConfig({ data: d }), (e: Error) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(d));
  }
});

test('train logs the data set with its table description', () => {
  const r = cli('train', '--preset', 'xor', '--epochs', '1', '--progress', 'none', '--out', join(dir, 'xor'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^data: xor, the XOR truth table \(4 rows, no test set\) — 4 training samples/m);
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ data: { name: 'moons', n: 40 }, model: { type: 'mlp', sizes: [2, 2] }, epochs: 1 }));
  const m = cli('train', '--config', join(dir, 'c.json'), '--progress', 'none', '--out', join(dir, 'moons'));
  assert.equal(m.code, 0, m.err);
  assert.match(m.err, /^data: moons, two interleaved half-moons — 32 training samples, 8 test samples/m);
});
