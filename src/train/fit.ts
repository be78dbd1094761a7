/**
 * The fit loop: full-batch gradient descent, stochastic GD (batch 1) and mini-batch SGD,
 * reshuffled each epoch from the seed; stopping on |ΔLoss| < ε, ‖∇‖ < ε, a budget, or early
 * stopping; metrics, callbacks, a History, progress, checkpoints and exact resume, and a
 * guard that stops on a NaN/Inf loss and keeps the last good weights.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { randperm, getRngState, setRngState } from '../tensor/random.js';
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import type { Module } from '../nn/module.js';
import { lossByName, l2Penalty, type LossFn, type LossName } from '../losses/index.js';
import { saveCheckpoint, loadCheckpoint } from '../io/checkpoint.js';
import { clipGradNorm } from '../optim/clip.js';
import { countCorrect, meanAbsoluteError, type MetricName } from './metrics.js';
import { makeProgress, type ProgressMode } from './progress.js';

/** What fit needs of an optimiser (every optimiser in optim/ fits). */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
  lr: number;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** What fit needs of a learning-rate schedule (stepped once per epoch). */
export interface SchedulerLike {
  step(): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** Inputs and targets, first axis = samples. */
export interface XY {
  x: Tensor;
  y: Tensor;
}

/** Anything that yields batches (a DataLoader); `length` is the number of batches. */
export interface BatchSource {
  [Symbol.iterator](): Iterator<XY>;
  readonly length: number;
}

/** Metrics of one epoch: loss, the asked-for metrics, lr, and their 'val' twins. */
export type EpochLogs = Record<string, number>;

/** Hooks called during fit. Return false from onEpochEnd / onBatchEnd to stop training. */
export interface Callback {
  onTrainBegin?(): void;
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(step: number, logs: { loss: number; epoch: number; batch: number }): boolean | void;
  onEpochEnd?(epoch: number, logs: EpochLogs): boolean | void;
  onTrainEnd?(history: History): void;
}

/** Options of early stopping on a validation (or training) metric. */
export interface EarlyStoppingOptions {
  /** Metric to watch (default 'valLoss'). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies (default from the name). */
  mode?: 'min' | 'max';
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

/** Options of fit. */
export interface FitOptions {
  /** Loss by name or as a function (default 'mse'). */
  loss?: LossName | LossFn;
  /** The optimiser, built over model.parameters(). */
  optimizer: OptimizerLike;
  /** Epochs to run in all (default 10); with resume, counts the epochs already done. */
  epochs?: number;
  /** Samples per step: a number (1 = stochastic GD) or 'full' for full-batch GD (default 32). */
  batchSize?: number | 'full';
  /** Reshuffle the samples each epoch, from the seeded generator (default true). */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Stop after this many optimiser steps in all. */
  maxSteps?: number;
  /** Stop when |Loss(epoch k) − Loss(epoch k−1)| < lossDelta, or ‖∇Loss‖ < gradNorm. */
  stop?: { lossDelta?: number; gradNorm?: number };
  /** Early stopping on a monitored metric. */
  earlyStopping?: EarlyStoppingOptions;
  /** Data evaluated after each epoch, giving 'valLoss', 'valAccuracy', … */
  validationData?: XY;
  /** Metrics besides the loss (default none). */
  metrics?: MetricName[];
  /** Threshold for the accuracy of a single output (default 0.5, or 0 with a logits loss). */
  threshold?: number;
  /** L2 regularisation λ: adds λ Σ w² over the weights (not the biases) to the loss. */
  l2?: number;
  /** Clip the gradient's global L2 norm to this value before each step. */
  clipGradNorm?: number;
  /** Learning-rate schedule, stepped after each epoch. */
  scheduler?: SchedulerLike;
  callbacks?: Callback[];
  /** Progress display (default 'auto': a bar on a terminal, a line per epoch when piped). */
  progress?: ProgressMode;
  /** Save a checkpoint (weights, optimiser, schedule, epoch, RNG, history) every `every` epochs. */
  checkpoint?: { path: string; every?: number };
  /** Continue exactly from a checkpoint written by fit. */
  resumeFrom?: string;
}

/** One entry per epoch with every metric, plus why training stopped. */
export interface History {
  epochs: EpochLogs[];
  /** Optimiser steps taken in all. */
  steps: number;
  /** Why training ended: 'epochs', 'maxSteps', 'lossDelta', 'gradNorm', 'earlyStopping', 'callback' or 'nonFinite'. */
  stopReason: string;
  /** A sentence for people, e.g. the step at which the loss became NaN. */
  message: string;
}

function resolveLoss(loss: FitOptions['loss']): { fn: LossFn; name: string } {
  if (loss === undefined) return { fn: lossByName('mse'), name: 'mse' };
  if (typeof loss === 'function') return { fn: loss, name: loss.name || 'custom' };
  return { fn: lossByName(loss), name: loss };
}

function checkData(data: XY, what: string): void {
  if (!(data.x instanceof Tensor) || !(data.y instanceof Tensor)) throw new ValueError(`fit: ${what} needs tensors x and y`);
  if (data.x.ndim === 0 || data.y.ndim === 0 || data.x.shape[0] !== data.y.shape[0]) {
    throw new ShapeError(`fit: ${what} x of shape ${fmtShape(data.x.shape)} and y of shape ${fmtShape(data.y.shape)} must have the same number of samples (first axis)`);
  }
}

/** Batches of a tensor pair: index-selected rows in a seeded random order each epoch. */
function tensorBatches(data: XY, batchSize: number, shuffle: boolean, dropLast: boolean): { batches: Int32Array[] } {
  const n = data.x.shape[0];
  const order = shuffle ? randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
  const batches: Int32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    if (dropLast && s + batchSize > n) break;
    batches.push(order.subarray(s, Math.min(s + batchSize, n)));
  }
  return { batches };
}

function selectRows(t: Tensor, idx: Int32Array): Tensor {
  if (idx.length === t.shape[0] && idx.every((v, i) => v === i)) return t;
  return noGrad(() => ops.indexSelect(t, 0, idx));
}

/** Evaluates loss and metrics of a model on data, in eval mode without recording a graph. */
export function evaluate(
  model: Module,
  data: XY,
  options: { loss?: LossName | LossFn; metrics?: MetricName[]; batchSize?: number; threshold?: number } = {},
): EpochLogs {
  checkData(data, 'evaluate data');
  const { fn } = resolveLoss(options.loss);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = data.x.shape[0];
      const bs = options.batchSize ?? 1024;
      let loss = 0, correct = 0, abs = 0;
      for (let s = 0; s < n; s += bs) {
        const e = Math.min(s + bs, n);
        const xb = e - s === n ? data.x : ops.slice(data.x, s, e);
        const yb = e - s === n ? data.y : ops.slice(data.y, s, e);
        const out = model.forward(xb);
        loss += fn(out, yb).item() * (e - s);
        if (options.metrics?.includes('accuracy')) correct += countCorrect(out, yb, options.threshold ?? 0.5);
        if (options.metrics?.includes('mae')) abs += meanAbsoluteError(out, yb) * (e - s);
      }
      const logs: EpochLogs = { loss: loss / n };
      if (options.metrics?.includes('accuracy')) logs.accuracy = correct / n;
      if (options.metrics?.includes('mae')) logs.mae = abs / n;
      return logs;
    });
  } finally {
    model.train(wasTraining);
  }
}

/** The model's outputs for x, in eval mode without a graph, computed in batches. */
export function predict(model: Module, x: Tensor, batchSize = 1024): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = x.shape[0];
      if (n <= batchSize) return model.forward(x);
      const parts: Tensor[] = [];
      for (let s = 0; s < n; s += batchSize) parts.push(model.forward(ops.slice(x, s, Math.min(s + batchSize, n))));
      return ops.concat(parts, 0);
    });
  } finally {
    model.train(wasTraining);
  }
}

function formatLogs(epoch: number, epochs: number, logs: EpochLogs, seconds: number, steps: number): string {
  const parts = [`epoch ${epoch + 1}/${epochs}`];
  for (const [k, v] of Object.entries(logs)) {
    if (k === 'epoch') continue;
    parts.push(`${k} ${k === 'lr' ? v.toPrecision(3) : v.toFixed(4)}`);
  }
  parts.push(`${seconds.toFixed(1)}s`, `${Math.round(steps / Math.max(seconds, 1e-3))} steps/s`);
  return parts.join('  ');
}

/** Trains `model` on `data` ({x, y} tensors, or a DataLoader) and returns the History. */
export function fit(model: Module, data: XY | BatchSource, options: FitOptions): History {
  if (!options || typeof options.optimizer?.step !== 'function') throw new ConfigError('fit: options.optimizer is required (e.g. new SGD(model.parameters(), { lr: 0.1 }))');
  const { fn: lossFn, name: lossName } = resolveLoss(options.loss);
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  const isTensors = (d: XY | BatchSource): d is XY => (d as XY).x instanceof Tensor;
  if (isTensors(data)) checkData(data, 'training data');
  if (options.validationData) checkData(options.validationData, 'validationData');
  const bsOpt = options.batchSize ?? 32;
  if (bsOpt !== 'full' && (!Number.isInteger(bsOpt) || bsOpt < 1)) throw new ConfigError(`fit: batchSize must be a whole number ≥ 1 or 'full', got ${String(bsOpt)}`);
  const metrics = options.metrics ?? [];
  const threshold = options.threshold ?? (lossName === 'binaryCrossEntropyWithLogits' ? 0 : 0.5);
  const params = model.parameters();
  const weights = model.namedParameters().filter(([n, p]) => !n.endsWith('bias') && p.ndim > 1).map(([, p]) => p);
  const progress = makeProgress(options.progress ?? 'auto');
  const callbacks = options.callbacks ?? [];
  const optimizer = options.optimizer;

  const history: History = { epochs: [], steps: 0, stopReason: 'epochs', message: '' };
  let startEpoch = 0;
  if (options.resumeFrom) {
    const ck = loadCheckpoint(options.resumeFrom);
    model.loadStateDict(ck.model);
    if (ck.optimizer !== undefined) optimizer.loadStateDict(ck.optimizer as never);
    const extra = (ck.extra ?? {}) as { scheduler?: unknown };
    if (options.scheduler && extra.scheduler !== undefined) options.scheduler.loadStateDict(extra.scheduler as never);
    if (ck.rng) setRngState(ck.rng);
    const h = ck.history as History | undefined;
    if (h) {
      history.epochs = h.epochs;
      history.steps = h.steps;
    }
    startEpoch = ck.epoch;
  }

  // Last good weights, for the NaN/Inf guard and early stopping's restoreBest.
  const snapshot = params.map((p) => p.data.slice());
  const saveSnapshot = (into: (Float32Array | Float64Array)[]) => params.forEach((p, i) => into[i].set(p.data));
  const restore = (from: (Float32Array | Float64Array)[]) => params.forEach((p, i) => p.data.set(from[i]));
  const best = params.map((p) => p.data.slice());
  let bestValue = Infinity;
  let bestEpoch = -1;
  let sinceBest = 0;
  const es = options.earlyStopping;
  const esMonitor = es?.monitor ?? (options.validationData ? 'valLoss' : 'loss');
  const esSign = (es?.mode ?? (/acc/i.test(esMonitor) ? 'max' : 'min')) === 'max' ? -1 : 1;
  const gradSum = options.stop?.gradNorm !== undefined ? params.map((p) => new Float64Array(p.size)) : null;

  for (const cb of callbacks) cb.onTrainBegin?.();
  let stop = false;
  for (let epoch = startEpoch; epoch < epochs && !stop; epoch++) {
    for (const cb of callbacks) cb.onEpochBegin?.(epoch);
    model.train();
    const t0 = Date.now();
    let lossSum = 0, seen = 0, correct = 0, absSum = 0, stepsThisEpoch = 0;
    gradSum?.forEach((g) => g.fill(0));

    let batchIter: Iterable<XY>;
    let numBatches: number;
    if (isTensors(data)) {
      const n = data.x.shape[0];
      const bs = bsOpt === 'full' ? n : bsOpt;
      const { batches } = tensorBatches(data, bs, options.shuffle ?? true, options.dropLast ?? false);
      numBatches = batches.length;
      batchIter = (function* () {
        for (const idx of batches) yield { x: selectRows(data.x, idx), y: selectRows(data.y, idx) };
      })();
    } else {
      batchIter = data;
      numBatches = data.length;
    }
    progress.epochStart(epoch, epochs, numBatches);

    let b = 0;
    for (const { x: xb, y: yb } of batchIter) {
      const out = model.forward(xb);
      let loss = lossFn(out, yb);
      if (options.l2) loss = ops.add(loss, l2Penalty(weights, options.l2));
      const lv = loss.item();
      if (!Number.isFinite(lv)) {
        restore(snapshot);
        history.stopReason = 'nonFinite';
        history.message = `loss became ${lv} at step ${history.steps + 1} (epoch ${epoch + 1}, batch ${b + 1}); training stopped and the last weights with a finite loss were kept. Try a smaller learning rate or gradient clipping.`;
        stop = true;
        break;
      }
      saveSnapshot(snapshot);
      optimizer.zeroGrad();
      loss.backward();
      if (options.clipGradNorm !== undefined) clipGradNorm(params, options.clipGradNorm);
      if (gradSum) params.forEach((p, i) => { const g = p.grad?.data; if (g) for (let j = 0; j < g.length; j++) gradSum[i][j] += g[j] * xb.shape[0]; });
      optimizer.step();
      history.steps++;
      stepsThisEpoch++;
      const m = xb.shape[0];
      lossSum += lv * m;
      seen += m;
      if (metrics.includes('accuracy')) correct += countCorrect(out, yb, threshold);
      if (metrics.includes('mae')) absSum += meanAbsoluteError(out, yb) * m;
      b++;
      progress.batch(b, lossSum / seen);
      let halt = false;
      for (const cb of callbacks) if (cb.onBatchEnd?.(history.steps, { loss: lv, epoch, batch: b }) === false) halt = true;
      if (halt) {
        history.stopReason = 'callback';
        history.message = `stopped by a callback at step ${history.steps}`;
        stop = true;
        break;
      }
      if (options.maxSteps !== undefined && history.steps >= options.maxSteps) {
        history.stopReason = 'maxSteps';
        history.message = `reached the budget of ${options.maxSteps} steps`;
        stop = true;
        break;
      }
    }
    if (history.stopReason === 'nonFinite') {
      progress.epochEnd(`epoch ${epoch + 1}/${epochs}  stopped: ${history.message}`);
      break;
    }
    if (seen === 0) {
      progress.close();
      continue;
    }

    const logs: EpochLogs = { loss: lossSum / seen };
    if (metrics.includes('accuracy')) logs.accuracy = correct / seen;
    if (metrics.includes('mae')) logs.mae = absSum / seen;
    logs.lr = optimizer.lr;
    if (gradSum) {
      let sq = 0;
      for (const g of gradSum) for (let j = 0; j < g.length; j++) sq += (g[j] / seen) ** 2;
      logs.gradNorm = Math.sqrt(sq);
    }
    if (options.validationData) {
      const v = evaluate(model, options.validationData, { loss: lossFn, metrics, threshold });
      for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
    }
    history.epochs.push({ epoch, ...logs });
    progress.epochEnd(formatLogs(epoch, epochs, logs, (Date.now() - t0) / 1000, stepsThisEpoch));
    options.scheduler?.step();

    if (!stop) {
      const prev = history.epochs.length >= 2 ? history.epochs[history.epochs.length - 2].loss : undefined;
      if (options.stop?.lossDelta !== undefined && prev !== undefined && Math.abs(logs.loss - prev) < options.stop.lossDelta) {
        history.stopReason = 'lossDelta';
        history.message = `|ΔLoss| = ${Math.abs(logs.loss - prev).toExponential(2)} < ${options.stop.lossDelta} after epoch ${epoch + 1}`;
        stop = true;
      } else if (options.stop?.gradNorm !== undefined && logs.gradNorm < options.stop.gradNorm) {
        history.stopReason = 'gradNorm';
        history.message = `‖∇Loss‖ = ${logs.gradNorm.toExponential(2)} < ${options.stop.gradNorm} after epoch ${epoch + 1}`;
        stop = true;
      }
    }
    if (es) {
      const value = logs[esMonitor];
      if (value === undefined) throw new ConfigError(`fit: earlyStopping monitors '${esMonitor}', which is not among the epoch's metrics (${Object.keys(logs).join(', ')})`);
      if (esSign * value < esSign * bestValue - (es.minDelta ?? 0) || bestEpoch < 0) {
        bestValue = value;
        bestEpoch = epoch;
        sinceBest = 0;
        saveSnapshot(best);
      } else if (++sinceBest >= (es.patience ?? 5) && !stop) {
        history.stopReason = 'earlyStopping';
        history.message = `${esMonitor} did not improve for ${sinceBest} epochs; best ${bestValue.toFixed(4)} at epoch ${bestEpoch + 1}`;
        if (es.restoreBest ?? true) restore(best);
        stop = true;
      }
    }
    for (const cb of callbacks) {
      if (cb.onEpochEnd?.(epoch, logs) === false && !stop) {
        history.stopReason = 'callback';
        history.message = `stopped by a callback after epoch ${epoch + 1}`;
        stop = true;
      }
    }
    if (options.checkpoint && ((epoch + 1) % (options.checkpoint.every ?? 1) === 0 || stop || epoch + 1 === epochs)) {
      saveCheckpoint(options.checkpoint.path, {
        model: model.stateDict(),
        optimizer: optimizer.stateDict(),
        epoch: epoch + 1, // epochs completed
        step: history.steps,
        rng: getRngState(),
        history: { epochs: history.epochs, steps: history.steps },
        extra: options.scheduler ? { scheduler: options.scheduler.stateDict() } : {},
      });
    }
  }
  if (history.stopReason === 'epochs') history.message = `finished ${epochs} epochs`;
  if (history.stopReason !== 'epochs') progress.message(history.message);
  progress.close();
  for (const cb of callbacks) cb.onTrainEnd?.(history);
  return history;
}
