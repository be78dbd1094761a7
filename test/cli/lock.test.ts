// Two `backprop train` runs into one --out: the second refuses while the first runs; a crashed run's lock is taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, tempFolder } from './harness.js';
import { LOCK_FILE, acquireRunLock } from '../../src/cli/lock.js';
import { FileAccessError } from '../../src/errors.js';

const dir = tempFolder('bp-cli-lock-');
const xor = ['train', '--preset', 'xor', '--epochs', '1', '--progress', 'none'];

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(r.status, 0);
  return r.pid;
}

test('a second train into a folder a running train holds is refused, naming the folder and pid; after a kill it proceeds', async () => {
  const out = join(dir, 'shared');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli/bin.ts', 'train', '--preset', 'xor', '--epochs', '1000000', '--progress', 'none', '--out', out], { stdio: 'ignore' });
  try {
    const lockPath = join(out, LOCK_FILE);
    for (let i = 0; i < 300 && !existsSync(lockPath); i++) await sleep(100);
    assert.ok(existsSync(lockPath), 'the first run took the lock');
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).pid, child.pid);
    const r = cli(...xor, '--out', out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`backprop: --out ${out}: another backprop train \\(pid ${child.pid}, started [0-9T:.Z-]+\\) is writing into this folder`));
    assert.ok(!existsSync(join(out, 'model.json')), 'the refused run wrote no model');
  } finally {
    child.kill('SIGKILL');
    await new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(null) : child.once('exit', done)));
  }
  // Killed, it could not remove its lock: the next run takes the stale lock over, and releases it.
  assert.ok(existsSync(join(out, LOCK_FILE)), 'a killed run leaves its lock');
  const r = cli(...xor, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(out, 'model.json')));
  assert.ok(!existsSync(join(out, LOCK_FILE)), 'released at the end');
});

test('a lock left by a dead pid on this host is taken over', () => {
  const out = join(dir, 'stale');
  mkdirSync(out);
  writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: deadPid(), hostname: hostname(), started: '2020-01-01T00:00:00.000Z' }));
  const r = cli(...xor, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.ok(!existsSync(join(out, LOCK_FILE)));
});

test('a lock held by a live pid, or by another host, is refused; an unreadable lock file is stale', () => {
  const out = join(dir, 'held');
  mkdirSync(out);
  const lock = join(out, LOCK_FILE);
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, hostname: hostname(), started: 'then' }));
  assert.throws(() => acquireRunLock(out), (e: Error) => e instanceof FileAccessError && e.code === 'ELOCKED' && e.message.includes(`(pid ${process.ppid}, started then)`));
  writeFileSync(lock, JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', started: 'then' }));
  assert.throws(() => acquireRunLock(out), /\(pid \d+ on host elsewhere, started then\)/);
  writeFileSync(lock, 'garbage');
  const held = acquireRunLock(out);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
  assert.throws(() => acquireRunLock(out), /another backprop train/, 'our own live lock blocks a second taker');
  held.release();
  assert.ok(!existsSync(lock));
});

test('the lock is released when a run fails after taking it', () => {
  const out = join(dir, 'fails');
  writeFileSync(join(dir, 'missing-csv.json'), JSON.stringify({ data: { name: 'csv', path: join(dir, 'nope.csv') }, model: { type: 'mlp', sizes: [2, 2] }, epochs: 1 }));
  const r = cli('train', '--config', join(dir, 'missing-csv.json'), '--progress', 'none', '--out', out);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /nope\.csv: cannot read the file \(no such file\)/);
  assert.ok(existsSync(join(out, 'config.json')), 'the run started in the folder');
  assert.ok(!existsSync(join(out, LOCK_FILE)));
});
