/**
 * Keeping a saved model's two files consistent across a crash. A save writes the weights to a
 * staged file named by their SHA-256 (`.model.safetensors.<sha>.staged`), then model.json —
 * the commit point, which records that digest — and only then renames the staged file over
 * model.safetensors. Killed at any point, the folder holds either the old JSON with the old
 * weights, or the new JSON whose weights are in model.safetensors or still in the staged file
 * the digest names; a loader finds them by the digest. The next save finishes a committed
 * rename that was cut short and removes what killed saves left behind.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** SHA-256 of some bytes, as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a save stages weights of digest `sha` before model.json commits to them. */
export function stagedPath(weights: string, sha: string): string {
  return join(dirname(weights), `.${basename(weights)}.${sha}.staged`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a process with this id is running (a temp file of a live process may be a save in progress). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own saves are synchronous: nothing of ours is in progress
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Names in the folder left by killed saves of this pair: staged weights other than `keep`,
 * and temp files of atomic writes (`.<name>.<pid>.<random>.tmp`) whose process is gone.
 */
export function strayFiles(weights: string, json: string, keep: string | undefined): string[] {
  const w = escapeRegExp(basename(weights));
  const j = escapeRegExp(basename(json));
  const staged = new RegExp(`^\\.${w}\\.[0-9a-f]{64}\\.staged$`);
  const temp = new RegExp(`^\\.(?:${w}|${j}|\\.${w}\\.[0-9a-f]{64}\\.staged)\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  let names: string[];
  try {
    names = fs.readdirSync(dirname(weights));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    const t = temp.exec(n);
    if ((staged.test(n) && (keep === undefined || join(dirname(weights), n) !== keep)) || (t && !isAlive(Number(t[1])))) {
      out.push(join(dirname(weights), n));
    }
  }
  return out;
}

/** Removes a file if it is there; a file already gone is not an error. */
export function removeQuietly(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Flushes a directory entry (best effort: not every platform can open a folder). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
