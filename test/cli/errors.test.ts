// CLI bad input: each case exits non-zero with a typed error whose message names what was wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cli, tempFolder } from './harness.js';
import { Linear, Sequential, saveModule } from '../../src/index.js';
import { readGrey } from '../../src/cli/image.js';
import { FileFormatError } from '../../src/errors.js';

const dir = tempFolder('bp-cli-errors-');
const isRoot = process.getuid?.() === 0;

/** A 2→1 model saved with the given metadata. */
function savedModel(name: string, metadata: Record<string, unknown>): string {
  const base = join(dir, name);
  saveModule(new Sequential(new Linear(2, 1)), join(base, 'model'), metadata);
  return base;
}

const xorArgs = ['train', '--preset', 'xor', '--epochs', '1', '--progress', 'none'];

test('--out at an existing file: refused before training, naming the path (exit 1)', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const r = cli(...xorArgs, '--out', file);
  assert.equal(r.code, 1, r.err);
  assert.equal(r.err.split('\n').at(-1), `backprop: --out ${file}: is a file, not a folder`);
  assert.doesNotMatch(r.err, /^data:/m, 'no data was loaded');
});

test('--out under a file: refused naming the file in the way', () => {
  const file = join(dir, 'b-file');
  writeFileSync(file, 'x');
  const r = cli(...xorArgs, '--out', join(file, 'run', 'deeper'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`backprop: --out ${join(file, 'run', 'deeper')}: cannot make the folder, ${file} is a file$`));
});

test('--out in a folder without write permission: refused naming the folder', { skip: isRoot ? 'running as root, which writes through 0o500 permissions (the file cases above still run)' : false }, () => {
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o500);
  try {
    let r = cli(...xorArgs, '--out', locked);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`--out ${locked}: cannot write into the folder \\(permission denied\\)`));
    r = cli(...xorArgs, '--out', join(locked, 'sub'));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`--out ${join(locked, 'sub')}: cannot write into the folder \\(permission denied\\)`));
  } finally {
    chmodSync(locked, 0o700);
  }
});

test('model.json metadata of the wrong type: a FileFormatError naming the file and the field (exit 1)', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ config: 'xor' }, /model\.json: metadata\.config: must be a JSON object, got "xor"/],
    [{ config: { data: { name: 3 } } }, /model\.json: metadata\.config\.data\.name: must be one of 'mnist', .*'csv', 'text', got 3/],
    [{ config: { data: { name: 'imagenet' } } }, /model\.json: metadata\.config\.data\.name: must be one of .*, got "imagenet"/],
    [{ config: { data: 'and' } }, /model\.json: metadata\.config\.data: must be an object like/],
    [{ config: { loss: 42 } }, /model\.json: metadata\.config\.loss: must be one of/],
    [{ config: { metrics: 'accuracy' } }, /model\.json: metadata\.config\.metrics: must be a list/],
    [{ config: { seed: 'zero' } }, /model\.json: metadata\.config\.seed: must be a number, got "zero"/],
    [{ classes: 'cat,dog' }, /model\.json: metadata\.classes: must be a list of class names, got "cat,dog"/],
    [{ classes: [1, 2] }, /model\.json: metadata\.classes: must be a list of class names/],
    [{ standardizer: { featureShape: [2], mean: [0], std: [1, 1] } }, /model\.json: metadata\.standardizer: needs 2 means and stds for featureShape \[2\]/],
    [{ standardizer: { featureShape: [2], mean: 'x', std: [1, 1] } }, /model\.json: metadata\.standardizer\.mean: must be a list of numbers/],
  ];
  for (const [i, [metadata, pattern]] of cases.entries()) {
    const base = savedModel(`meta-${i}`, metadata);
    for (const args of [['info', base], ['eval', base, '--data', 'and'], ['predict', base, '--input', '[[0, 1]]']]) {
      const r = cli(...args);
      assert.equal(r.code, 1, `${args[0]} ${JSON.stringify(metadata)}: ${r.err}`);
      assert.match(r.err, pattern, `${args[0]} ${JSON.stringify(metadata)}`);
      assert.doesNotMatch(r.err, /unexpected error/);
    }
  }
  // A partial but well-typed saved config still works.
  const ok = savedModel('meta-ok', { config: { loss: 'mse', data: { name: 'and' }, seed: 0 } });
  assert.equal(cli('eval', ok).code, 0);
});

/** A binary PGM header declaring w×h, with `pixels` bytes of data. */
function pgm(name: string, header: string, pixels = 0): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(pixels, 128)]));
  return path;
}

test('a PGM header of 99999×99999 is refused before allocating; other bad headers name the problem', () => {
  const model = savedModel('pgm-model', {});
  const big = pgm('huge.pgm', 'P5\n99999 99999\n255\n', 16);
  const r = cli('predict', model, '--input', big);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /huge\.pgm: the PGM header declares 99999×99999 pixels, more than the 16777216 \(4096×4096\) an input image may have/);
  const cases: [string, string, RegExp][] = [
    ['frac.pgm', 'P5\n2.5 4\n255\n', /bad PGM header: the size 2\.5×4 is not two whole numbers ≥ 1/],
    ['zero.pgm', 'P5\n0 4\n255\n', /bad PGM header: the size 0×4/],
    ['max.pgm', 'P5\n4 4\n70000\n', /the maximum grey level must be a whole number from 1 to 65535, got 70000/],
    ['short.pgm', 'P5\n4 4', /bad PGM header: it ends before width, height and maximum grey level/],
    // 4000×4000 is within the limit, but the file does not hold the pixels: refused before the 64 MB image is made.
    ['trunc.pgm', 'P5\n4000 4000\n255\n', /PGM data is truncated \(10 bytes for 4000×4000 pixels\)/],
  ];
  for (const [name, header, pattern] of cases) {
    const path = pgm(name, header, name === 'trunc.pgm' ? 10 : 0);
    assert.throws(() => readGrey(path), (e: Error) => e instanceof FileFormatError && pattern.test(e.message), name);
  }
  writeFileSync(join(dir, 'ascii.pgm'), 'P2\n2 2\n255\n0 255 1e999 3\n');
  assert.throws(() => readGrey(join(dir, 'ascii.pgm')), /PGM pixel 2 is Infinity, not a grey level from 0 to 255/);
});

test('a PNG whose header declares 100000×100000 pixels is refused before decoding', () => {
  const model = savedModel('png-model', {});
  const png = new PNG({ width: 8, height: 8 });
  const bytes = PNG.sync.write(png);
  bytes.writeUInt32BE(100000, 16);
  bytes.writeUInt32BE(100000, 20);
  const path = join(dir, 'huge.png');
  writeFileSync(path, bytes);
  const r = cli('predict', model, '--input', path);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /huge\.png: the PNG header declares 100000×100000 pixels, more than the 16777216 \(4096×4096\) an input image may have/);
});

test('a CSV cell 1e999 is refused naming line and column, for training, eval and predict', () => {
  const csv = join(dir, 'inf.csv');
  writeFileSync(csv, 'a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1e999,0\n');
  writeFileSync(join(dir, 'inf.json'), JSON.stringify({ data: { name: 'csv', path: csv }, model: { type: 'mlp', sizes: [2, 2] }, epochs: 1 }));
  const expected = new RegExp(`${csv}: line 5, column 2 \\("b"\\): "1e999" is too large for a number \\(it would be infinite\\)`);
  let r = cli('train', '--config', join(dir, 'inf.json'), '--progress', 'none', '--out', join(dir, 'inf-run'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, expected);
  const model = savedModel('csv-model', { config: { loss: 'mse', data: { name: 'and' }, seed: 0 } });
  r = cli('eval', model, '--data', `csv:${csv}`);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, expected);
  r = cli('predict', model, '--input', csv);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, expected);
  writeFileSync(csv, 'a,b,label\n0,0,0\n0,1,-1e999\n');
  r = cli('eval', model, '--data', `csv:${csv}`);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /line 3, column 3 \("label"\): the label "-1e999" is too large for a number/);
});

test('JSON input 1e400 is refused naming its position (inline and in a file)', () => {
  const model = savedModel('json-model', { config: { loss: 'mse', data: { name: 'and' }, seed: 0 } });
  let r = cli('predict', model, '--input', '[[0, 1], [1e400, 0]]');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /backprop: predict: --input: the number at \[1\]\[0\] is too large \(it would be infinite\)/);
  const file = join(dir, 'inf-input.json');
  writeFileSync(file, '[0, -1e400]');
  r = cli('predict', model, '--input', file);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`backprop: predict: ${file}: the number at \\[1\\] is too large`));
  assert.equal(cli('predict', model, '--input', '[[0, 1e300]]').code, 0, 'large but finite is fine');
});
