/**
 * Atomic file writes: the bytes go to a fresh temporary file in the target's directory, are
 * flushed to disk, and only then renamed over the target. A rename within one directory is
 * atomic on POSIX file systems (and replaces the file on Windows), so a reader — or the next
 * run after a crash — sees either the whole old file or the whole new one, never a torn mix.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The steps of an atomic write, in order; `onStep` is called just before each one. */
export type AtomicWriteStep = 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'fsyncDir';

/** Options of writeFileAtomic / writeFileAtomicSync. */
export interface AtomicWriteOptions {
  /**
   * Called before each step with the temporary file's path. Meant for tests: throwing here
   * simulates a failure at that point (a full disk, a crash) and must leave the old file intact.
   */
  onStep?: (step: AtomicWriteStep, tempPath: string) => void;
  /** Permission bits for a new file (default: those of the file being replaced, else 0o666 less umask). */
  mode?: number;
}

/** A temporary file name next to `path` that no other writer (process or call) will pick. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Mode to create the temporary file with: keep the replaced file's permissions. */
function modeFor(path: string, options: AtomicWriteOptions): number {
  if (options.mode !== undefined) return options.mode;
  try {
    return fs.statSync(path).mode & 0o7777;
  } catch {
    return 0o666;
  }
}

/**
 * Flushes the directory entry so the rename itself survives a power cut. Not every platform
 * can open a directory for fsync (Windows cannot); the data is already in place then, so a
 * failure here is not an error.
 */
function fsyncDirSync(dir: string, before: () => void): void {
  let fd: number | undefined;
  try {
    before();
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort, see above
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing more to do
      }
    }
  }
}

function removeQuietlySync(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // already gone (or never created): nothing to clean up
  }
}

/** Writes `data` to `path` atomically (temp file, fsync, rename, fsync of the directory); on failure the old file is untouched. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const bytes = toBytes(data);
  const temp = tempPathFor(path);
  const step = (s: AtomicWriteStep): void => options.onStep?.(s, temp);
  let fd: number | undefined;
  let created = false;
  try {
    step('open');
    // 'wx': create exclusively, so a name collision fails instead of sharing a file
    fd = fs.openSync(temp, 'wx', modeFor(path, options));
    created = true;
    step('write');
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    step('fsync');
    fs.fsyncSync(fd);
    step('close');
    const f = fd;
    fd = undefined;
    fs.closeSync(f);
    step('rename');
    fs.renameSync(temp, path);
    created = false;
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the original error is the one worth reporting
      }
    }
    if (created) removeQuietlySync(temp);
    throw err;
  }
  fsyncDirSync(dirname(path), () => step('fsyncDir'));
}

/** Async form of writeFileAtomicSync: same steps and guarantees, without blocking the event loop. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const bytes = toBytes(data);
  const temp = tempPathFor(path);
  const step = (s: AtomicWriteStep): void => options.onStep?.(s, temp);
  let handle: fsp.FileHandle | undefined;
  let created = false;
  try {
    step('open');
    handle = await fsp.open(temp, 'wx', modeFor(path, options));
    created = true;
    step('write');
    await handle.writeFile(bytes);
    step('fsync');
    await handle.sync();
    step('close');
    const h = handle;
    handle = undefined;
    await h.close();
    step('rename');
    await fsp.rename(temp, path);
    created = false;
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (created) await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
  let dir: fsp.FileHandle | undefined;
  try {
    step('fsyncDir');
    dir = await fsp.open(dirname(path), 'r');
    await dir.sync();
  } catch {
    // best effort, as in fsyncDirSync
  } finally {
    await dir?.close().catch(() => undefined);
  }
}
