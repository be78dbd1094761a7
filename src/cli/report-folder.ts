/**
 * `backprop report <run folder>`: the HTML report of a finished run rebuilt from what the run
 * saved (config.json, history.json, the model and its metadata), with the data loaded again
 * from the config's seed, so the split is the one the run trained and tested on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manualSeed } from '../tensor/random.js';
import { loadModule } from '../models/index.js';
import { trainTestSplit } from '../data/split.js';
import type { History } from '../train/types.js';
import type { Module } from '../nn/module.js';
import { CharRNN } from '../models/char-rnn.js';
import { PRESETS, validateConfig, type TrainConfig } from './config.js';
import { loadData, describeData } from './datasets.js';
import { shapeInputs } from './input-shape.js';
import { checkSavedMetadata } from './saved.js';
import { isTeacherForced } from './sequences.js';
import { writeRunReport } from './report.js';

/** Makes the error a bad folder raises (the CLI's usage error). */
type Fail = (message: string) => Error;

function readJson(path: string, fail: Fail): unknown {
  if (!existsSync(path)) throw fail(`report: no ${path} (give the folder a train run wrote, e.g. runs/circles)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw fail(`report: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** The saved History, checked to be fit's (the perceptron rule and language models save other records). */
function readHistory(dir: string, fail: Fail): History {
  const h = readJson(join(dir, 'history.json'), fail) as Partial<History> & { rule?: string };
  if (h.rule === 'perceptron') throw fail(`report: ${dir} was trained by the perceptron rule, which has no loss curve to report`);
  if (!Array.isArray(h.epochs) || typeof h.steps !== 'number') throw fail(`report: ${join(dir, 'history.json')} is not the History of a fit run (no epochs/steps)`);
  return h as History;
}

/** The saved final metrics (NaN and ±Infinity were saved as strings). */
function finalMetrics(saved: unknown): Record<string, number> {
  if (typeof saved !== 'object' || saved === null) return {};
  return Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, Number(v)]));
}

/** Rebuilds the report of the run in `dir` and writes it to `out` (default dir/report.html); returns the path written. */
export function reportFromRunFolder(dir: string, out: string | undefined, fail: Fail): string {
  // config.json holds the whole config; a field it leaves out (no schedule, say) was unset, not a preset's default.
  const config: TrainConfig = validateConfig(readJson(join(dir, 'config.json'), fail), { ...PRESETS['mnist-mlp'], schedule: undefined });
  const history = readHistory(dir, fail);
  if (!existsSync(join(dir, 'model.json'))) throw fail(`report: no model.json in ${dir}`);
  const { model, metadata } = loadModule(join(dir, 'model')) as { model: Module; metadata: Record<string, unknown> };
  checkSavedMetadata(metadata, join(dir, 'model'));
  if (model instanceof CharRNN) throw fail(`report: ${dir} holds a character language model, which has no report (sample it with backprop generate)`);
  // The data as the run had it: same seed, same split, same validation hold-out.
  manualSeed(config.seed);
  const loaded = loadData(config.data);
  let train = loaded.train;
  let validation: { x: typeof train.x; y: typeof train.y } | undefined;
  let split = config.validationSplit ?? 0;
  if (config.earlyStopping && split === 0) split = 0.1;
  if (split > 0) {
    const isClasses = config.loss === 'crossEntropy' || config.loss === 'nll' || config.metrics.includes('accuracy');
    const parts = trainTestSplit(train.x, train.y, { testFraction: split, stratify: isClasses });
    train = parts.train;
    validation = parts.test;
  }
  const shaped = (s: { x: typeof train.x; y: typeof train.y }) => ({ x: shapeInputs(model, s.x, 'report'), y: s.y });
  const which = loaded.test ? 'test' : 'training';
  const path = resolve(out ?? join(dir, 'report.html'));
  writeRunReport(path, {
    config, model, history, train: shaped(train), validation: validation && shaped(validation), test: loaded.test ? shaped(loaded.test) : undefined,
    final: finalMetrics(metadata[which]), finalOn: which, seconds: Number(metadata.seconds ?? 0), data: describeData(config.data),
    classes: loaded.classes, tokens: loaded.tokens, seq2seq: isTeacherForced(model),
  });
  return path;
}
