/**
 * `backprop train --report`: the plots that apply to a finished run (curves always; confusion
 * matrix for classifiers; decision boundary for 2-D points; a CNN's filters and feature maps; an
 * RNN's hidden states; gradient norms and a diagnostics table when fit recorded diagnostics),
 * put together into one self-contained HTML file written atomically.
 */
import { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { History } from '../train/types.js';
import { predict } from '../train/evaluate.js';
import { confusionMatrix } from '../train/metrics.js';
import { defaultThreshold } from '../train/options.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import { plotCurves, plotConfusion, plotDecisionBoundary, plotFilters, plotFeatureMaps, plotHiddenStates, plotGradNorms, type GradNormRecord } from '../plot/index.js';
import { firstConv, firstRecurrent, captureOutput, captureSequence } from '../plot/capture.js';
import { SequenceGenerator } from '../models/seq.js';
import { renderReport, type ReportFigure, type ReportTable } from '../report/html.js';
import type { TrainConfig } from './config.js';

/** A labelled set: inputs and targets, first axis = samples. */
interface Labelled {
  x: Tensor;
  y: Tensor;
}

/** What the report reads of a finished run. */
export interface RunForReport {
  config: TrainConfig;
  model: Module;
  history: History;
  train: Labelled;
  validation?: Labelled;
  test?: Labelled;
  /** Final metrics and the set they were measured on ('test' or 'training'). */
  final: Record<string, number>;
  finalOn: string;
  seconds: number;
  /** A line describing the data set. */
  data: string;
  classes?: readonly string[];
  /** A sequence task's symbols (token t ≥ 3 is symbols[t − 3]). */
  tokens?: string;
  /** Trained by teacher forcing (an encoder–decoder): no confusion matrix. */
  seq2seq?: boolean;
}

/** One diagnostics record, as fit's diagnostics option records it (read structurally). */
interface DiagnosticsRecord extends GradNormRecord {
  deadRelu?: Readonly<Record<string, number>>;
  saturated?: Readonly<Record<string, number>>;
}

/** history.diagnostics when fit recorded it (an array of records with gradNorms), else []. */
function diagnosticsOf(history: History): DiagnosticsRecord[] {
  // Read as unknown: History may or may not declare the field, and a loaded history.json is unchecked.
  const d: unknown = (history as { diagnostics?: unknown }).diagnostics;
  if (!Array.isArray(d)) return [];
  return (d as unknown[]).filter((r): r is DiagnosticsRecord => typeof r === 'object' && r !== null && typeof (r as DiagnosticsRecord).step === 'number' && typeof (r as DiagnosticsRecord).gradNorms === 'object');
}

/** Row i of a batch as a batch of one. */
function first(x: Tensor): Tensor {
  const per = x.size / x.shape[0];
  return new Tensor(x.data.slice(0, per), [1, ...x.shape.slice(1)]);
}

function fmt(k: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return /accuracy/i.test(k) ? `${(v * 100).toFixed(2)} %` : v.toPrecision(5);
}

/** Whether the run classifies (its metrics include accuracy) rather than regresses. */
function isClassifier(run: RunForReport): boolean {
  return run.config.metrics.includes('accuracy') || run.config.loss === 'crossEntropy' || run.config.loss === 'nll';
}

/** A token's symbol for the hidden-state plot's time axis. */
function tokenLabel(t: number, symbols: string | undefined): string {
  if (t < 3) return ['·', '^', '$'][t] ?? String(t);
  return symbols?.[t - 3] ?? String(t);
}

/** The figures that apply to the run, and notes on those that do not. */
function figures(run: RunForReport, notes: string[]): ReportFigure[] {
  const out: ReportFigure[] = [];
  const onTest = run.finalOn === 'test';
  out.push({
    id: 'curves', title: 'Training curves', svg: plotCurves(run.history, { title: `${run.config.name}: loss and metrics per epoch`, test: onTest ? run.final : undefined }),
    caption: `Solid: training (mean over each epoch's batches); dashed: validation${run.validation ? '' : ' (none in this run)'}; dotted with a diamond: the test set after training${onTest ? '' : ' (no test set in this run)'}.`,
  });
  const evalSet = run.test ?? run.train;
  const setName = run.test ? 'test' : 'training';
  const classifier = isClassifier(run) && !run.seq2seq;
  const threshold = defaultThreshold(run.config.loss);
  if (classifier) {
    const m = confusionMatrix(predict(run.model, evalSet.x), evalSet.y, run.classes?.length, threshold);
    out.push({ id: 'confusion', title: 'Confusion matrix', svg: plotConfusion(m, { title: `Confusion matrix (${setName} set, ${evalSet.x.shape[0]} samples)`, labels: run.classes }), caption: 'Rows: the true class; columns: the predicted one. The diagonal counts the right answers.' });
  } else notes.push(run.seq2seq ? 'No confusion matrix: an encoder–decoder writes sequences, not one class per sample.' : 'No confusion matrix: this run is a regression (no accuracy metric).');
  if (classifier && run.train.x.ndim === 2 && run.train.x.shape[1] === 2) {
    out.push({
      id: 'decision-boundary', title: 'Decision boundary',
      svg: plotDecisionBoundary(run.model, run.train, { test: run.test, classes: run.classes, threshold, title: `Decision boundary of ${run.config.name}` }),
      caption: 'The background is the class the model predicts at each point of the plane; the points are the data in their true class\' colour.',
    });
  }
  const conv = firstConv(run.model);
  if (conv) {
    out.push({ id: 'filters', title: 'First-layer filters', svg: plotFilters(conv.weight, { title: `First convolution's filters (${conv.weight.shape.join(' × ')})` }), caption: 'Each tile is one filter\'s weights (blue negative, red positive, white zero) on one scale.' });
    const sample = first(evalSet.x);
    const maps = captureOutput(run.model, conv, () => run.model.call(sample));
    if (maps && maps.ndim === 4) out.push({ id: 'feature-maps', title: 'Feature maps', svg: plotFeatureMaps(maps, { title: `First convolution's feature maps of ${setName} sample 0` }), caption: 'The first convolution\'s output (before its activation) for one input: one map per filter.' });
  }
  const rnn = firstRecurrent(run.model);
  if (rnn) {
    const sample = first(evalSet.x);
    try {
      const states = captureSequence(run.model, rnn, () => run.model.call(sample));
      if (states && states.ndim === 3) {
        // Token inputs [1, T] read step by step label the time axis; a generator's code vector does not.
        const tokensIn = sample.ndim === 2 && sample.shape[1] === states.shape[1] && !(run.model instanceof SequenceGenerator);
        const steps = tokensIn ? Array.from(sample.data, (t) => tokenLabel(t, run.tokens)) : undefined;
        out.push({
          id: 'hidden-states', title: 'Hidden states', svg: plotHiddenStates(states, { steps, title: `Hidden state of the first recurrent layer over ${setName} sample 0` }),
          caption: `Each column is a time step${steps ? ' (its input token below it; · is padding)' : ''}, each row a unit of the state h.`,
        });
      }
    } catch (e) {
      notes.push(`No hidden-state plot: running the model on one sample failed (${(e as Error).message}).`);
    }
  }
  const diag = diagnosticsOf(run.history);
  if (diag.length) out.push({ id: 'grad-norms', title: 'Gradient norms', svg: plotGradNorms(diag, { title: 'Gradient L2 norm per layer (per parameter tensor)' }), caption: 'Per layer, on a log scale: lines far below the others are layers whose gradient vanishes.' });
  else notes.push('No gradient-norm plot or diagnostics table: the run recorded no diagnostics.');
  return out;
}

/** The diagnostics table: per layer, the gradient norm at the first and last record, and the last dead-ReLU and saturated fractions. */
function diagnosticsTable(history: History): ReportTable[] {
  const diag = diagnosticsOf(history);
  if (!diag.length) return [];
  const a = diag[0];
  const z = diag[diag.length - 1];
  const layers = [...new Set(diag.flatMap((r) => [...Object.keys(r.gradNorms), ...Object.keys(r.deadRelu ?? {}), ...Object.keys(r.saturated ?? {})]))]
    .sort((p, q) => p.localeCompare(q, 'en', { numeric: true }));
  const num = (v: number | undefined, pct = false): string => {
    if (v === undefined) return '';
    if (pct) return `${(v * 100).toFixed(1)} %`;
    return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
  };
  return [{
    title: 'Per layer',
    head: ['layer or parameter', `grad norm (step ${a.step})`, `grad norm (step ${z.step})`, 'dead ReLU (last)', 'saturated (last)'],
    rows: layers.map((l) => [l, num(a.gradNorms[l]), num(z.gradNorms[l]), num(z.deadRelu?.[l], true), num(z.saturated?.[l], true)]),
    caption: `${diag.length} records from epoch ${a.epoch} to ${z.epoch}.`,
  }];
}

/** The report of a finished run as a self-contained HTML page. */
export function buildRunReport(run: RunForReport): string {
  const notes: string[] = [];
  const figs = figures(run, notes);
  const h = run.history;
  const summary: [string, string][] = [
    ['data', run.data],
    ['samples', `${run.train.x.shape[0]} training${run.validation ? `, ${run.validation.x.shape[0]} validation` : ''}${run.test ? `, ${run.test.x.shape[0]} test` : ''}; inputs [${run.train.x.shape.slice(1).join(', ')}]`],
    ['model', `${run.model.constructor.name}, ${run.model.numParameters()} trainable parameters`],
    ['training', `${h.epochs.length} epoch(s), ${h.steps} steps in ${run.seconds.toFixed(1)} s`],
    ['stopped', h.stopReason === 'epochs' ? 'after the epochs asked for' : `${h.stopReason}: ${h.message}`],
    ['loss, optimiser', `${run.config.loss}, ${run.config.optimizer.type} (lr ${run.config.optimizer.lr ?? 'default'})`],
  ];
  const nonFinite = (h as { firstNonFinite?: { op?: unknown; scope?: unknown; phase?: unknown } }).firstNonFinite;
  if (nonFinite && typeof nonFinite.op === 'string') {
    summary.push(['first NaN/Inf', `op '${nonFinite.op}' (${String(nonFinite.phase)})${nonFinite.scope ? ` in ${String(nonFinite.scope)}` : ''}`]);
  }
  const metrics = Object.entries(run.final).map(([k, v]) => [`${run.finalOn} ${k}`, fmt(k, v)] as [string, string]);
  const last = h.epochs[h.epochs.length - 1];
  if (last) for (const [k, v] of Object.entries(last)) if (k !== 'lr' && k !== 'epoch') metrics.push([`last epoch ${k}`, fmt(k, v)]);
  return renderReport({
    title: `backprop run: ${run.config.name}`,
    subtitle: `Written ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} by backprop train --report.`,
    summary, metrics, figures: figs, tables: diagnosticsTable(h), config: run.config, notes,
  });
}

/** Writes the run's report to `path` atomically. */
export function writeRunReport(path: string, run: RunForReport): void {
  writeFileAtomicSync(path, buildRunReport(run));
}
