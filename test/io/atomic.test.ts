// Atomic writes: the target holds the old bytes or the new bytes, never a mix, and no temp file survives a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteStep } from '../../src/io/atomic.js';
import { listDir, tempDir } from './helpers.js';

const STEPS: AtomicWriteStep[] = ['open', 'write', 'fsync', 'close', 'rename'];

function failAt(step: AtomicWriteStep, seen?: string[]): (s: AtomicWriteStep, temp: string) => void {
  return (s, temp) => {
    seen?.push(`${s}:${existsSync(temp) ? 'temp' : 'none'}`);
    if (s === step) throw new Error(`injected failure at ${s}`);
  };
}

test('writes bytes and strings, replacing the old file, leaving nothing else behind', async () => {
  const dir = tempDir();
  const path = join(dir, 'f.bin');
  writeFileAtomicSync(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  writeFileAtomicSync(path, 'héllo');
  assert.equal(readFileSync(path, 'utf8'), 'héllo');
  await writeFileAtomic(path, new Uint8Array(0));
  assert.equal(readFileSync(path).length, 0);
  await writeFileAtomic(path, 'async');
  assert.equal(readFileSync(path, 'utf8'), 'async');
  assert.deepEqual(listDir(dir), ['f.bin']);
});

test('steps run in order: open, write, fsync, close, rename, fsync of the directory', () => {
  const dir = tempDir();
  const seen: string[] = [];
  writeFileAtomicSync(join(dir, 'x'), 'data', { onStep: (s, temp) => seen.push(`${s}:${existsSync(temp) ? 'temp' : 'none'}`) });
  assert.deepEqual(seen, ['open:none', 'write:temp', 'fsync:temp', 'close:temp', 'rename:temp', 'fsyncDir:none']);
});

for (const sync of [true, false]) {
  test(`${sync ? 'sync' : 'async'}: a failure at any step keeps the old file intact and removes the temp file`, async () => {
    const dir = tempDir();
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'old contents');
    for (const step of STEPS) {
      const seen: string[] = [];
      const run = (): unknown => (sync ? writeFileAtomicSync(path, 'NEW', { onStep: failAt(step, seen) }) : writeFileAtomic(path, 'NEW', { onStep: failAt(step, seen) }));
      if (sync) assert.throws(run, new RegExp(`injected failure at ${step}`));
      else await assert.rejects(run as () => Promise<void>, new RegExp(`injected failure at ${step}`));
      assert.equal(readFileSync(path, 'utf8'), 'old contents', `after a failure at ${step}`);
      assert.deepEqual(listDir(dir), ['keep.txt'], `no temp file after a failure at ${step}`);
      if (step !== 'open') assert.ok(seen.includes(`${step}:temp`), `the temp file existed when ${step} failed`);
    }
  });
}

test('a partly written temp file is removed too', () => {
  const dir = tempDir();
  const path = join(dir, 'keep.txt');
  writeFileSync(path, 'old');
  assert.throws(() =>
    writeFileAtomicSync(path, 'x'.repeat(1 << 16), {
      onStep: (s, temp) => {
        if (s === 'fsync') {
          writeFileSync(temp, 'half'); // as if the process had written only part of it
          throw new Error('disk full');
        }
      },
    }), /disk full/);
  assert.equal(readFileSync(path, 'utf8'), 'old');
  assert.deepEqual(listDir(dir), ['keep.txt']);
});

test('a failed directory fsync after the rename is not an error: the data is in place', async () => {
  const dir = tempDir();
  const path = join(dir, 'f');
  writeFileAtomicSync(path, 'new', { onStep: failAt('fsyncDir') });
  assert.equal(readFileSync(path, 'utf8'), 'new');
  await writeFileAtomic(path, 'newer', { onStep: failAt('fsyncDir') });
  assert.equal(readFileSync(path, 'utf8'), 'newer');
});

test('a real rename failure (target is a non-empty directory) cleans up and throws', async () => {
  const dir = tempDir();
  const target = join(dir, 'occupied');
  mkdirSync(target);
  writeFileSync(join(target, 'inside'), 'x');
  assert.throws(() => writeFileAtomicSync(target, 'data'), (e: NodeJS.ErrnoException) => typeof e.code === 'string');
  await assert.rejects(writeFileAtomic(target, 'data'), (e: NodeJS.ErrnoException) => typeof e.code === 'string');
  assert.deepEqual(listDir(dir), ['occupied']);
  assert.deepEqual(listDir(target), ['inside']);
});

test('a missing directory fails with ENOENT and creates nothing', () => {
  const dir = tempDir();
  assert.throws(() => writeFileAtomicSync(join(dir, 'no', 'such', 'f'), 'x'), { code: 'ENOENT' });
  assert.deepEqual(listDir(dir), []);
});

test('the replaced file keeps its permissions', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  const path = join(dir, 'secret');
  writeFileSync(path, 'old');
  chmodSync(path, 0o600);
  writeFileAtomicSync(path, 'new');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  writeFileAtomicSync(path, 'newer', { mode: 0o640 });
  assert.equal(statSync(path).mode & 0o777, 0o640);
});

test('concurrent writers to one path: the result is one whole write, no temp files', async () => {
  const dir = tempDir();
  const path = join(dir, 'race');
  const payloads = Array.from({ length: 8 }, (_, i) => String(i).repeat(100_000));
  await Promise.all(payloads.map((p) => writeFileAtomic(path, p)));
  assert.ok(payloads.includes(readFileSync(path, 'utf8')));
  assert.deepEqual(listDir(dir), ['race']);
});
