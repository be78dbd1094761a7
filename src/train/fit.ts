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

/** The accuracy threshold a loss implies: 0 for logits (…WithLogits), 0.5 for probabilities. */
export function defaultThreshold(loss: string): number {
  return loss === 'binaryCrossEntropyWithLogits' ? 0 : 0.5;
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
  const { fn, name } = resolveLoss(options.loss);
  const threshold = options.threshold ?? defaultThreshold(name);
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
        const out = model.call(xb);
        loss += fn(out, yb).item() * (e - s);
        if (options.metrics?.includes('accuracy')) correct += countCorrect(out, yb, threshold);
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
      if (n <= batchSize) return model.call(x);
      const parts: Tensor[] = [];
      for (let s = 0; s < n; s += batchSize) parts.push(model.call(ops.slice(x, s, Math.min(s + batchSize, n))));
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
  parts.push(`${seconds.toFixed(1)}s`);
  if (seconds >= 0.05) parts.push(`${Math.round(steps / seconds)} steps/s`); // meaningless for tiny epochs
  return parts.join('  ');
}

/** Early stopping's memory: the best value so far, when, and the weights then. */
interface EarlyStoppingState {
  bestValue: number;
  bestEpoch: number;
  sinceBest: number;
  best: Tensor[];
}

/** Where an epoch stopped early (a step budget or a callback), so a resumed run finishes it. */
interface PartialEpoch {
  /** Batches of the epoch already trained on. */
  batch: number;
  /** Generator state when the epoch began: replaying it reproduces the epoch's batch order. */
  rngAtEpochStart: number[];
  lossSum: number;
  seen: number;
  correct: number;
  absSum: number;
  seconds: number;
  gradSum?: number[][];
}

/** What fit keeps in a checkpoint's `extra`, beside weights, optimiser, RNG and history. */
interface FitExtra {
  scheduler?: unknown;
  earlyStopping?: EarlyStoppingState;
  partial?: PartialEpoch;
}

/** Trains `model` on `data` ({x, y} tensors, or a DataLoader) and returns the History. */
export function fit(model: Module, data: XY | BatchSource, options: FitOptions): History {
  if (!options || typeof options.optimizer?.step !== 'function') throw new ConfigError('fit: options.optimizer is required (e.g. new SGD(model.parameters(), { lr: 0.1 }))');
  const { fn: lossFn, name: lossName } = resolveLoss(options.loss);
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  if (options.maxSteps !== undefined && !(Number.isInteger(options.maxSteps) && options.maxSteps >= 0)) {
    throw new ConfigError(`fit: maxSteps must be a whole number ≥ 0, got ${options.maxSteps}`);
  }
  const isTensors = (d: XY | BatchSource): d is XY => (d as XY).x instanceof Tensor;
  if (isTensors(data)) checkData(data, 'training data');
  if (options.validationData) checkData(options.validationData, 'validationData');
  const bsOpt = options.batchSize ?? 32;
  if (bsOpt !== 'full' && (!Number.isInteger(bsOpt) || bsOpt < 1)) throw new ConfigError(`fit: batchSize must be a whole number ≥ 1 or 'full', got ${String(bsOpt)}`);
  if (isTensors(data) && options.dropLast && bsOpt !== 'full' && bsOpt > data.x.shape[0]) {
    throw new ConfigError(`fit: batchSize ${bsOpt} is larger than the ${data.x.shape[0]} samples and dropLast is set, so no batch would ever be trained on`);
  }
  if (!isTensors(data) && data.length === 0) throw new ConfigError('fit: the data loader yields no batches (is dropLast set with a batch larger than the data?)');
  const metrics = options.metrics ?? [];
  const threshold = options.threshold ?? defaultThreshold(lossName);
  const params = model.parameters();
  const weights = model.namedParameters().filter(([n, p]) => !n.endsWith('bias') && p.ndim > 1).map(([, p]) => p);
  const progress = makeProgress(options.progress ?? 'auto');
  const callbacks = options.callbacks ?? [];
  const optimizer = options.optimizer;

  const es = options.earlyStopping;
  const esMonitor = es?.monitor ?? (options.validationData ? 'valLoss' : 'loss');
  const esSign = (es?.mode ?? (/acc/i.test(esMonitor) ? 'max' : 'min')) === 'max' ? -1 : 1;
  const esState: EarlyStoppingState = { bestValue: Infinity, bestEpoch: -1, sinceBest: 0, best: params.map((p) => new Tensor(p.data.slice(), p.shape)) };

  const history: History = { epochs: [], steps: 0, stopReason: 'epochs', message: '' };
  let startEpoch = 0;
  let resumePartial: PartialEpoch | undefined;
  let resumeRng: number[] | undefined;
  if (options.resumeFrom) {
    const ck = loadCheckpoint(options.resumeFrom);
    model.loadStateDict(ck.model);
    if (ck.optimizer !== undefined) optimizer.loadStateDict(ck.optimizer as never);
    const extra = (ck.extra ?? {}) as FitExtra;
    if (options.scheduler && extra.scheduler !== undefined) options.scheduler.loadStateDict(extra.scheduler as never);
    if (extra.earlyStopping) {
      Object.assign(esState, { ...extra.earlyStopping, best: esState.best });
      extra.earlyStopping.best.forEach((t, i) => esState.best[i]?.data.set(t.data));
    }
    resumeRng = ck.rng;
    if (ck.rng) setRngState(ck.rng);
    const h = ck.history as History | undefined;
    if (h) {
      // A partial epoch is finished by this run, so its provisional entry is dropped.
      history.epochs = h.epochs.filter((e) => !e.partial);
      history.steps = h.steps;
    }
    startEpoch = ck.epoch;
    resumePartial = extra.partial;
  }

  // The last weights that gave a finite loss, for the NaN/Inf guard.
  const snapshot = params.map((p) => p.data.slice());
  const saveSnapshot = () => params.forEach((p, i) => snapshot[i].set(p.data));
  const restore = (from: ArrayLike<number>[]) => params.forEach((p, i) => p.data.set(from[i]));
  const gradSum = options.stop?.gradNorm !== undefined ? params.map((p) => new Float64Array(p.size)) : null;
  const budgetSpent = () => options.maxSteps !== undefined && history.steps >= options.maxSteps;
  const stopWith = (reason: string, message: string) => {
    history.stopReason = reason;
    history.message = message;
  };

  for (const cb of callbacks) cb.onTrainBegin?.();
  let stop = false;
  for (let epoch = startEpoch; epoch < epochs && !stop; epoch++) {
    for (const cb of callbacks) cb.onEpochBegin?.(epoch);
    model.train();
    const partial = resumePartial;
    resumePartial = undefined;
    // Replaying the epoch's start state reproduces its batch order when resuming mid-epoch.
    if (partial) setRngState(partial.rngAtEpochStart);
    const rngAtEpochStart = getRngState();
    const t0 = Date.now() - (partial?.seconds ?? 0) * 1000;
    let lossSum = partial?.lossSum ?? 0, seen = partial?.seen ?? 0, correct = partial?.correct ?? 0, absSum = partial?.absSum ?? 0;
    let stepsThisEpoch = 0;
    gradSum?.forEach((g, i) => (partial?.gradSum ? g.set(partial.gradSum[i]) : g.fill(0)));

    let batches: Iterator<XY>;
    let numBatches: number;
    if (isTensors(data)) {
      const n = data.x.shape[0];
      const { batches: idx } = tensorBatches(data, bsOpt === 'full' ? n : bsOpt, options.shuffle ?? true, options.dropLast ?? false);
      numBatches = idx.length;
      batches = (function* () {
        for (const rows of idx) yield { x: selectRows(data.x, rows), y: selectRows(data.y, rows) };
      })();
    } else {
      batches = data[Symbol.iterator]();
      numBatches = data.length;
    }
    let b = 0;
    if (partial) {
      for (; b < partial.batch; b++) batches.next(); // already trained on before the interruption
      if (resumeRng) setRngState(resumeRng);
    }
    progress.epochStart(epoch, epochs, numBatches);

    let finished = true; // false when the epoch stops before its last batch
    for (;;) {
      if (budgetSpent()) {
        stopWith('maxSteps', `reached the budget of ${options.maxSteps} steps`);
        finished = false;
        break;
      }
      const next = batches.next();
      if (next.done) break;
      const { x: xb, y: yb } = next.value;
      const out = model.call(xb);
      let loss = lossFn(out, yb);
      if (options.l2) loss = ops.add(loss, l2Penalty(weights, options.l2));
      const lv = loss.item();
      if (!Number.isFinite(lv)) {
        restore(snapshot);
        stopWith('nonFinite', `loss became ${lv} at step ${history.steps + 1} (epoch ${epoch + 1}, batch ${b + 1}); training stopped and the last weights with a finite loss were kept. Try a smaller learning rate or gradient clipping.`);
        stop = true;
        break;
      }
      saveSnapshot();
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
      if (halt && b < numBatches) {
        stopWith('callback', `stopped by a callback at step ${history.steps}`);
        finished = false;
        break;
      }
      if (halt) {
        stopWith('callback', `stopped by a callback at step ${history.steps}`);
        stop = true;
      }
    }
    if (history.stopReason === 'nonFinite') {
      progress.epochEnd(`epoch ${epoch + 1}/${epochs}  stopped: ${history.message}`);
      break;
    }
    if (!finished) stop = true;
    // An update can also turn the weights into NaN/Inf without the loss showing it yet.
    if (params.some((p) => !p.data.every(Number.isFinite))) {
      restore(snapshot);
      stopWith('nonFinite', `the weights became NaN/Inf at step ${history.steps} (epoch ${epoch + 1}); the last weights with a finite loss were kept. Try a smaller learning rate or gradient clipping.`);
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
    const seconds = (Date.now() - t0) / 1000;
    if (!finished) {
      // A provisional entry: a resumed run finishes the epoch and replaces it.
      history.epochs.push({ epoch, ...logs, partial: 1 });
      progress.epochEnd(`${formatLogs(epoch, epochs, logs, seconds, stepsThisEpoch)}  (stopped after batch ${b}/${numBatches})`);
      if (options.checkpoint) {
        writeCheckpoint(epoch, { batch: b, rngAtEpochStart, lossSum, seen, correct, absSum, seconds, gradSum: gradSum?.map((g) => Array.from(g)) });
      }
      break;
    }
    if (options.validationData) {
      const v = evaluate(model, options.validationData, { loss: lossFn, metrics, threshold });
      for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
    }
    history.epochs.push({ epoch, ...logs });
    progress.epochEnd(formatLogs(epoch, epochs, logs, seconds, stepsThisEpoch));
    options.scheduler?.step();

    if (!stop) {
      const prev = history.epochs.length >= 2 ? history.epochs[history.epochs.length - 2].loss : undefined;
      if (options.stop?.lossDelta !== undefined && prev !== undefined && Math.abs(logs.loss - prev) < options.stop.lossDelta) {
        stopWith('lossDelta', `|ΔLoss| = ${Math.abs(logs.loss - prev).toExponential(2)} < ${options.stop.lossDelta} after epoch ${epoch + 1}`);
        stop = true;
      } else if (options.stop?.gradNorm !== undefined && logs.gradNorm < options.stop.gradNorm) {
        stopWith('gradNorm', `‖∇Loss‖ = ${logs.gradNorm.toExponential(2)} < ${options.stop.gradNorm} after epoch ${epoch + 1}`);
        stop = true;
      }
    }
    if (es) {
      const value = logs[esMonitor];
      if (value === undefined) throw new ConfigError(`fit: earlyStopping monitors '${esMonitor}', which is not among the epoch's metrics (${Object.keys(logs).join(', ')})`);
      if (esState.bestEpoch < 0 || esSign * value < esSign * esState.bestValue - (es.minDelta ?? 0)) {
        esState.bestValue = value;
        esState.bestEpoch = epoch;
        esState.sinceBest = 0;
        params.forEach((p, i) => esState.best[i].data.set(p.data));
      } else if (++esState.sinceBest >= (es.patience ?? 5) && !stop) {
        stopWith('earlyStopping', `${esMonitor} did not improve for ${esState.sinceBest} epochs; best ${esState.bestValue.toFixed(4)} at epoch ${esState.bestEpoch + 1}`);
        if (es.restoreBest ?? true) restore(esState.best.map((t) => t.data));
        stop = true;
      }
    }
    for (const cb of callbacks) {
      if (cb.onEpochEnd?.(epoch, logs) === false && !stop) {
        stopWith('callback', `stopped by a callback after epoch ${epoch + 1}`);
        stop = true;
      }
    }
    if (!stop && budgetSpent() && epoch + 1 < epochs) {
      stopWith('maxSteps', `reached the budget of ${options.maxSteps} steps`);
      stop = true;
    }
    if (options.checkpoint && ((epoch + 1) % (options.checkpoint.every ?? 1) === 0 || stop || epoch + 1 === epochs)) writeCheckpoint(epoch + 1);
  }
  if (history.stopReason === 'epochs') history.message = `finished ${epochs} epochs`;
  if (history.stopReason !== 'epochs') progress.message(history.message);
  progress.close();
  for (const cb of callbacks) cb.onTrainEnd?.(history);
  return history;

  /** Saves everything a resumed run needs; `epochsDone` counts complete epochs. */
  function writeCheckpoint(epochsDone: number, partial?: PartialEpoch): void {
    const extra: FitExtra = {};
    if (options.scheduler) extra.scheduler = options.scheduler.stateDict();
    if (es) extra.earlyStopping = esState;
    if (partial) extra.partial = partial;
    saveCheckpoint(options.checkpoint!.path, {
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      epoch: epochsDone,
      step: history.steps,
      rng: getRngState(),
      history: { epochs: history.epochs, steps: history.steps },
      extra,
    });
  }
}
