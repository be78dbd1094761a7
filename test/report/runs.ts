/**
 * Small training runs with --report for the report tests: a 2-D classifier, a CNN and an RNN
 * through the CLI (in-process), and a report with diagnostics built directly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { cli, tempFolder } from '../cli/harness.js';
import { buildRunReport } from '../../src/cli/report.js';
import { PRESETS } from '../../src/cli/config.js';
import { circles, manualSeed, mlp, type History } from '../../src/index.js';
import { writeFileAtomicSync } from '../../src/io/atomic.js';

/** A report file and the ids of the figures it must show. */
export interface ReportRun {
  name: string;
  path: string;
  figures: string[];
  /** The run's folder (for runs made by the CLI). */
  folder?: string;
}

/** Trains with `args` and --report into a fresh folder; returns the report's path. */
function train(dir: string, name: string, args: string[]): string {
  const path = join(dir, `${name}.html`);
  const r = cli('train', ...args, '--out', join(dir, name), '--progress', 'none', '--report', path);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`saved report: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  return path;
}

/** A config file in dir; returns its path. */
function config(dir: string, name: string, c: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, seed: 0, ...c }));
  return path;
}

/** A history with diagnostics records as fit's diagnostics option writes them: two layers, the first one's gradient vanishing. */
export function historyWithDiagnostics(): History & { diagnostics: unknown[]; firstNonFinite: object } {
  const epochs = Array.from({ length: 4 }, (_, e) => ({ epoch: e, loss: 0.7 - 0.1 * e, accuracy: 0.5 + 0.1 * e, lr: 0.1 }));
  const diagnostics = Array.from({ length: 4 }, (_, e) => ({
    epoch: e, step: 10 * (e + 1),
    gradNorms: { 'layers.0': 1e-4 / (e + 1), 'layers.2': 0.3 },
    deadRelu: { 'layers.1': 0.1 * e }, saturated: { 'layers.1': 0 },
  }));
  return { epochs, steps: 40, stopReason: 'epochs', message: '', diagnostics, firstNonFinite: { op: 'log', scope: 'Sequential > 2 (Linear)', phase: 'forward' } };
}

/** Writes every kind of report into a fresh folder; returns the files with the figures each must show. */
export function makeReports(): ReportRun[] {
  const dir = tempFolder('backprop-report-');
  const runs: ReportRun[] = [
    {
      name: 'circles', path: train(dir, 'circles', ['--preset', 'circles', '--epochs', '3', '--diagnostics']),
      figures: ['curves', 'confusion', 'decision-boundary', 'grad-norms'], folder: join(dir, 'circles'),
    },
    {
      name: 'cnn',
      path: train(dir, 'cnn', ['--config', config(dir, 'cnn', { data: { name: 'mnist', train: 120, test: 40 }, model: { type: 'lenet5' }, loss: 'crossEntropy', optimizer: { type: 'sgd', lr: 0.05 }, batchSize: 40, epochs: 1, validationSplit: 0.25, metrics: ['accuracy'] })]),
      figures: ['curves', 'confusion', 'filters', 'feature-maps'],
      folder: join(dir, 'cnn'),
    },
    {
      name: 'rnn',
      path: train(dir, 'rnn', ['--config', config(dir, 'rnn', { ...PRESETS.parity, name: 'rnn', data: { name: 'parity', train: 200, test: 50 }, epochs: 1 })]),
      figures: ['curves', 'confusion', 'hidden-states'],
    },
  ];
  // A History with known diagnostics (and a first NaN/Inf op) checks the table's figures.
  manualSeed(0);
  const data = circles({ n: 40 });
  const model = mlp([2, 4, 2], { activation: 'relu' });
  const path = join(dir, 'diagnostics.html');
  writeFileAtomicSync(path, buildRunReport({
    config: { ...PRESETS.circles, name: 'diagnostics' }, model, history: historyWithDiagnostics(), train: data,
    final: { loss: 0.4, accuracy: 0.8 }, finalOn: 'training', seconds: 0.1, data: 'circles', classes: ['inner', 'outer'],
  }));
  runs.push({ name: 'diagnostics', path, figures: ['curves', 'confusion', 'decision-boundary', 'grad-norms'] });
  return runs;
}
