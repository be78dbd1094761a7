/**
 * The run folder of `backprop train --out`: made if missing, and refused up front (a
 * FileAccessError naming the folder and why) when it is a file, lies under a file, or cannot
 * be written, rather than failing at the first save after training.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileAccessError } from '../errors.js';

/** The nearest existing ancestor of `path` (or path itself) that is not a folder, if any. */
function fileInTheWay(path: string): string | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statSync(p).isDirectory() ? null : p;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/** Makes `dir` (and its parents) and checks that files can be written into it. */
export function prepareOutDir(dir: string, flag = '--out'): void {
  const blocker = fileInTheWay(dir);
  if (blocker !== null) {
    throw new FileAccessError(blocker === dir
      ? `${flag} ${dir}: is a file, not a folder`
      : `${flag} ${dir}: cannot make the folder, ${blocker} is a file`, 'ENOTDIR');
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EROFS' ? 'read-only file system' : err.message;
    throw new FileAccessError(`${flag} ${dir}: cannot write into the folder (${why})`, err.code);
  }
}
