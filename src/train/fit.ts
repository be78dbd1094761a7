/**
 * The fit loop: epochs of batches, each batch one training step (the built-in trainStep or the
 * user's), with callbacks for everything else — the NaN guard, progress, early stopping, the
 * user's hooks and checkpoints, called in that order. Full-batch GD, stochastic GD (batch 1) and
 * mini-batch SGD come from batchSize; stopping rules |ΔLoss| < ε and ‖∇‖ < ε and a step budget
 * live here; resume continues exactly, even inside an epoch.
 */
import { ConfigError } from '../errors.js';
import { Module, type AnyModule } from '../nn/module.js';
import { getRngState, setRngState } from '../tensor/random.js';
import { makeProgress } from './progress.js';
import { checkData } from './check-data.js';
import { checkedBatches, prepareData } from './batches.js';
import { defaultThreshold, resolveLoss, validateFitOptions } from './options.js';
import { EpochMeter } from './meter.js';
import { FitRun } from './context.js';
import { decayedWeights, trainStep } from './step.js';
import { evaluate } from './evaluate.js';
import { resumeFrom, type PartialEpoch } from './resume.js';
import { NanGuard } from './callbacks/nan-guard.js';
import { EarlyStopping } from './callbacks/early-stopping.js';
import { ProgressLogger } from './callbacks/progress-logger.js';
import { CheckpointSaver, checkCheckpointPath } from './callbacks/checkpoint.js';
import { DiagnosticsCollector } from '../diagnostics/callback.js';
import { withNonFiniteOp } from '../diagnostics/nan-op.js';
import { resolveDiagnostics } from '../diagnostics/types.js';
import type { BatchSource, Callback, EpochLogs, FitOptions, History, TrainStepFn, XY } from './types.js';

export type * from './types.js';
export { evaluate, predict } from './evaluate.js';

/** The keys an epoch's logs will have (what early stopping may monitor). */
function logKeys(options: FitOptions<AnyModule>): string[] {
  const base = ['loss', ...(options.metrics ?? [])];
  const keys = [...base, 'lr'];
  if (options.stop?.gradNorm !== undefined) keys.push('gradNorm');
  if (options.validationData) keys.push(...base.map((k) => `val${k[0].toUpperCase()}${k.slice(1)}`));
  return keys;
}

/** Stops on |Loss(k) − Loss(k−1)| < lossDelta or ‖∇Loss‖ < gradNorm after an epoch. */
function applyStopRules(run: FitRun<AnyModule>, logs: EpochLogs, epoch: number): void {
  const stop = run.options.stop;
  if (!stop || run.stopping) return;
  const e = run.history.epochs;
  const prev = e.length >= 2 ? e[e.length - 2].loss : undefined;
  if (stop.lossDelta !== undefined && prev !== undefined && Math.abs(logs.loss - prev) < stop.lossDelta) {
    run.stop('lossDelta', `|ΔLoss| = ${Math.abs(logs.loss - prev).toExponential(2)} < ${stop.lossDelta} after epoch ${epoch + 1}`);
  } else if (stop.gradNorm !== undefined && logs.gradNorm < stop.gradNorm) {
    run.stop('gradNorm', `‖∇Loss‖ = ${logs.gradNorm.toExponential(2)} < ${stop.gradNorm} after epoch ${epoch + 1}`);
  }
}

/** Trains `model` on `data` ({x, y} tensors, or a DataLoader) and returns the History. */
export function fit(model: Module, data: XY | BatchSource, options: FitOptions): History;
/** Trains with a custom step: `options.trainStep(batch, ctx)` does the work and returns the batch's loss. */
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M> & { trainStep: TrainStepFn<M> }): History;
export function fit<M extends AnyModule>(model: M, data: XY | BatchSource, options: FitOptions<M>): History {
  validateFitOptions(options);
  if (!(model instanceof Module)) throw new ConfigError('fit: model must be a Module');
  const { source, checkEach } = prepareData(data, options);
  if (options.validationData) checkData(options.validationData, 'fit: validationData');
  if (options.checkpoint) checkCheckpointPath(options.checkpoint.path);
  const { fn: loss, name: lossName } = resolveLoss(options.loss);
  const metrics = options.metrics ?? [];
  const threshold = options.threshold ?? defaultThreshold(lossName);
  const params = model.parameters();
  const epochs = options.epochs ?? 10;
  const meter = new EpochMeter(metrics, threshold, params, options.stop?.gradNorm !== undefined);
  const run = new FitRun<M>({ model, options, loss, lossName, params, weights: decayedWeights(model), epochs, meter });
  const history = run.history;
  const baseStep: TrainStepFn<M> = options.trainStep ?? ((batch, ctx) => trainStep(ctx.model as unknown as Module, batch, ctx));
  const diagnostics = resolveDiagnostics(options.diagnostics);
  const step = diagnostics?.nanOp ? withNonFiniteOp(baseStep) : baseStep;
  const collector = diagnostics ? new DiagnosticsCollector(diagnostics) : undefined;

  const es = options.earlyStopping
    ? new EarlyStopping(options.earlyStopping, options.validationData ? 'valLoss' : 'loss', logKeys(options as FitOptions<AnyModule>))
    : undefined;
  const callbacks: Callback[] = [
    ...(options.nanGuard === false ? [] : [new NanGuard(options.nanGuard)]),
    ...(collector ? [collector] : []),
    new ProgressLogger(makeProgress(options.progress ?? 'auto')),
    ...(es ? [es] : []),
    ...(options.callbacks ?? []),
    ...(options.checkpoint ? [new CheckpointSaver(options.checkpoint.path, options.checkpoint.every ?? 1, { scheduler: options.scheduler, earlyStopping: es })] : []),
  ];

  const numBatches = source.length;
  let startEpoch = 0;
  let resumePartial: PartialEpoch | undefined;
  let resumeRng: number[] | undefined;
  if (options.resumeFrom) {
    const r = resumeFrom(options.resumeFrom, { model, optimizer: options.optimizer, scheduler: options.scheduler, earlyStopping: es, params, numBatches });
    history.epochs = r.history.epochs;
    history.steps = r.history.steps;
    startEpoch = r.epoch;
    resumePartial = r.partial;
    resumeRng = r.rng;
  }

  try {
    for (const cb of callbacks) cb.onTrainBegin?.(run);
    for (let epoch = startEpoch; epoch < epochs && !run.stopping; epoch++) {
      const partial = resumePartial;
      resumePartial = undefined;
      Object.assign(run.position, { epoch, batch: 0, numBatches, steps: 0 });
      for (const cb of callbacks) cb.onEpochBegin?.(epoch, run);
      model.train();
      // Replaying the epoch's start state reproduces its batch order when resuming mid-epoch.
      if (partial) setRngState(partial.rngAtEpochStart);
      run.position.rngAtEpochStart = getRngState();
      run.position.startedAt = Date.now() - (partial?.seconds ?? 0) * 1000;
      meter.reset(partial);
      const batches = (checkEach ? checkedBatches(source) : source)[Symbol.iterator]();
      if (partial) {
        for (; run.position.batch < partial.batch; run.position.batch++) batches.next(); // trained on before the interruption
        if (resumeRng) setRngState(resumeRng);
      }
      const finished = runEpoch(batches);
      if (run.aborted) {
        run.unfinished = 'aborted';
        break;
      }
      if (meter.seen === 0) continue;
      const logs = meter.logs();
      logs.lr = options.optimizer.lr;
      const gradNorm = meter.gradNorm();
      if (gradNorm !== undefined) logs.gradNorm = gradNorm;
      if (!finished) {
        // A provisional entry: a resumed run finishes the epoch and replaces it.
        history.epochs.push({ epoch, ...logs, partial: 1 });
        run.unfinished = 'partial';
        break;
      }
      if (options.validationData) {
        const v = evaluate(model as unknown as Module, options.validationData, { loss, metrics, threshold });
        for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
      }
      history.epochs.push({ epoch, ...logs });
      options.scheduler?.step();
      applyStopRules(run as unknown as FitRun<AnyModule>, logs, epoch);
      for (const cb of callbacks) {
        if (cb.onEpochEnd?.(epoch, logs, run) === false) run.stop('callback', `stopped by a callback after epoch ${epoch + 1}`);
      }
      if (run.budgetSpent() && epoch + 1 < epochs) run.stop('maxSteps', `reached the budget of ${options.maxSteps} steps`);
    }
    if (history.stopReason === 'epochs') history.message = `finished ${epochs} epochs`;
    for (const cb of callbacks) cb.onTrainEnd?.(history, run);
    return history;
  } finally {
    collector?.release(); // its hooks come off the model even when a step or callback throws
  }

  /** Trains on the epoch's remaining batches; false when it stopped before its last batch. */
  function runEpoch(batches: Iterator<XY>): boolean {
    const pos = run.position;
    for (;;) {
      if (run.budgetSpent()) {
        run.stop('maxSteps', `reached the budget of ${options.maxSteps} steps`);
        return false;
      }
      const next = batches.next();
      if (next.done) return true;
      const batch = next.value;
      run.output = undefined;
      const value = step(batch, run);
      if (typeof value !== 'number') throw new ConfigError(`fit: trainStep must return the batch's loss as a number, got ${typeof value}`);
      if (metrics.length > 0 && run.output === undefined) {
        throw new ConfigError(`fit: metrics ${metrics.join(', ')} need the model's output: a custom trainStep must set ctx.output`);
      }
      history.steps++;
      pos.steps++;
      pos.batch++;
      meter.add(batch.x.shape[0], value, run.output, batch.y);
      let halt = false;
      for (const cb of callbacks) {
        if (cb.onBatchEnd?.(history.steps, { loss: value, epoch: pos.epoch, batch: pos.batch }, run) === false) halt = true;
        if (run.aborted) break;
      }
      if (run.aborted) {
        history.steps--; // the discarded step is not counted
        return false;
      }
      if (halt) run.stop('callback', `stopped by a callback at step ${history.steps}`);
      if (run.stopping) return pos.batch >= pos.numBatches;
    }
  }
}
