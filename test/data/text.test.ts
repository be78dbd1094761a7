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
