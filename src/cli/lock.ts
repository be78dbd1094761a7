/**
 * A lock on a run folder, so two `backprop train` runs cannot write into one `--out` at once.
 * The lock is a file `.backprop.lock` holding the owner's pid and host name, made atomically
 * (written in full under a private name, then hard-linked into place, which fails if a lock
 * exists). A lock whose process is gone (a crashed or killed run, on this host) is taken over.
 */
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileAccessError } from '../errors.js';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = '.backprop.lock';

/** What a lock file records. */
export interface LockOwner {
  pid: number;
  hostname: string;
  started: string;
}

/** A lock held by this process. */
export interface RunLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/** True if a process with this pid exists (on this host). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner recorded in a lock file, or null if it cannot be read as one. */
function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return Number.isSafeInteger(o.pid) && typeof o.hostname === 'string' ? { pid: o.pid!, hostname: o.hostname, started: String(o.started ?? '?') } : null;
  } catch {
    return null;
  }
}

/** Links the fully written `tmp` to `path`; false if a lock already exists there. */
function tryLink(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new FileAccessError(`${path}: cannot create the run lock (${(e as Error).message})`, (e as NodeJS.ErrnoException).code);
  }
}

/** Takes the lock on run folder `dir`, or throws a FileAccessError naming the folder and the run holding it. */
export function acquireRunLock(dir: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, hostname: hostname(), started: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  try {
    // Two tries: the second after removing a stale lock (if another run took it meanwhile, we refuse).
    for (let attempt = 0; attempt < 2; attempt++) {
      if (tryLink(tmp, path)) return { path, release: () => releaseIfOurs(path, me) };
      const owner = readOwner(path);
      if (owner && (owner.hostname !== me.hostname || alive(owner.pid))) {
        const where = owner.hostname === me.hostname ? '' : ` on host ${owner.hostname}`;
        throw new FileAccessError(`--out ${dir}: another backprop train (pid ${owner.pid}${where}, started ${owner.started}) is writing into this folder; wait for it, choose another --out, or delete ${path} if that run is gone`, 'ELOCKED');
      }
      // The owner's process is gone (or the file is unreadable): a stale lock.
      rmSync(path, { force: true });
    }
    throw new FileAccessError(`--out ${dir}: another backprop train took the lock ${path} at the same moment`, 'ELOCKED');
  } finally {
    unlinkSync(tmp);
  }
}

function releaseIfOurs(path: string, me: LockOwner): void {
  const owner = readOwner(path);
  if (owner && owner.pid === me.pid && owner.hostname === me.hostname && owner.started === me.started) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}
