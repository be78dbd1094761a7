/** Evaluation and prediction: a model run in eval mode, without recording a graph, in batches. */
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import type { Module } from '../nn/module.js';
import type { LossFn, LossName } from '../losses/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkData } from './check-data.js';
import { METRIC_NAMES, countCorrect, meanAbsoluteError, type MetricName } from './metrics.js';
import { defaultThreshold, resolveLoss } from './options.js';
import { didYouMean } from './suggest.js';
import { ConfigError } from '../errors.js';
import type { EpochLogs, XY } from './types.js';

/** Runs fn with the model in eval mode and no graph, then puts its mode back. */
function inEvalMode<T>(model: Module, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

function checkMetrics(metrics: readonly unknown[]): void {
  for (const m of metrics) {
    if (typeof m !== 'string' || !(METRIC_NAMES as readonly string[]).includes(m)) {
      throw new ConfigError(`evaluate: unknown metric ${JSON.stringify(m)}${typeof m === 'string' ? didYouMean(m, METRIC_NAMES) : ''}; known: ${METRIC_NAMES.join(', ')}`);
    }
  }
}

/** Evaluates loss and metrics of a model on data, in eval mode without recording a graph. */
export function evaluate(
  model: Module,
  data: XY,
  options: { loss?: LossName | LossFn; metrics?: MetricName[]; batchSize?: number; threshold?: number } = {},
): EpochLogs {
  checkData(data, 'evaluate: data');
  const metrics = options.metrics ?? [];
  checkMetrics(metrics);
  const { fn, name } = resolveLoss(options.loss);
  const threshold = options.threshold ?? defaultThreshold(name);
  return inEvalMode(model, () => {
    const n = data.x.shape[0];
    const bs = options.batchSize ?? 1024;
    let loss = 0, correct = 0, abs = 0;
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(s + bs, n);
      const xb = e - s === n ? data.x : ops.slice(data.x, s, e);
      const yb = e - s === n ? data.y : ops.slice(data.y, s, e);
      const out = model.call(xb);
      loss += fn(out, yb).item() * (e - s);
      if (metrics.includes('accuracy')) correct += countCorrect(out, yb, threshold);
      if (metrics.includes('mae')) abs += meanAbsoluteError(out, yb) * (e - s);
    }
    const logs: EpochLogs = { loss: loss / n };
    if (metrics.includes('accuracy')) logs.accuracy = correct / n;
    if (metrics.includes('mae')) logs.mae = abs / n;
    return logs;
  });
}

/** The model's outputs for x, in eval mode without a graph, computed in batches. */
export function predict(model: Module, x: Tensor, batchSize = 1024): Tensor {
  return inEvalMode(model, () => {
    const n = x.shape[0];
    if (n <= batchSize) return model.call(x);
    const parts: Tensor[] = [];
    for (let s = 0; s < n; s += batchSize) parts.push(model.call(ops.slice(x, s, Math.min(s + batchSize, n))));
    return ops.concat(parts, 0);
  });
}
