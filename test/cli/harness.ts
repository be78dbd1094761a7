/** Runs the CLI in-process with captured output, and a temporary folder removed at exit. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { run } from '../../src/cli/main.js';
import { manualSeed } from '../../src/tensor/random.js';
import { loadMnist } from '../../src/data/mnist.js';

/** The exit code and the lines the CLI wrote to stdout and stderr. */
export function cli(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh temporary folder, removed when the process exits. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes test digit `k` of the bundled MNIST, split as `loadMnist(split)` after `manualSeed(0)`
 * (as the CLI's mnist data does), to a 28×28 PNG (light on dark) in `dir`; returns its path and label.
 */
export function digitPng(dir: string, split: { train: number; test: number }, k = 0): { path: string; label: number } {
  manualSeed(0);
  const { test: t } = loadMnist(split);
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    const v = Math.round(t.x.data[k * 784 + i] * 255);
    png.data.set([v, v, v, 255], 4 * i);
  }
  const path = join(dir, `digit-${split.train}-${split.test}-${k}.png`);
  writeFileSync(path, PNG.sync.write(png));
  return { path, label: t.y.data[k] };
}
