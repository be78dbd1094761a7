/** Reading a file a user named, with an error that says which file and why it could not be read. */
import { readFileSync } from 'node:fs';
import { FileAccessError } from '../errors.js';

/** The bytes of `path`; a missing or unreadable file is a FileAccessError naming it. */
export function readFileChecked(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new FileAccessError(`${path}: cannot read the file (${why})`, err.code);
  }
}
