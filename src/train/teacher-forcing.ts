/**
 * Training and scoring models that write sequences (SequenceGenerator, Seq2Seq, or any model
 * with the same two methods). Their loss is not loss(model(x), y): in training the decoder reads
 * the true previous token (teacher forcing), so the model computes it from x and y together.
 * `fit(model, data, { trainStep: teacherForcingStep, … })` trains one; evaluateSequences scores
 * it on held-out pairs by what it writes on its own.
 */
import { ConfigError } from '../errors.js';
import * as ops from '../ops/index.js';
import { noGrad } from '../autograd/graph.js';
import { l2Penalty } from '../losses/index.js';
import { clipGradNorm } from '../optim/clip.js';
import { Module, type AnyModule } from '../nn/module.js';
import { PAD_TOKEN } from '../data/sequences.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkData } from './check-data.js';
import type { TrainContext, XY } from './types.js';

/** A model trained by teacher forcing: its own loss of (x, y), and its exact-match accuracy. */
export interface TeacherForcedModel {
  /** The teacher-forced loss of targets y [N, T] (tokens, PAD-padded) for inputs x. */
  trainingLoss(x: Tensor, y: Tensor): Tensor;
  /** Share of inputs whose own (greedy) output equals the target exactly. */
  exactMatch(x: Tensor, y: Tensor): number;
}

/** Whether `model` is a Module with trainingLoss and exactMatch (trained by teacher forcing). */
export function isTeacherForced(model: unknown): model is AnyModule & TeacherForcedModel {
  const m = model as Partial<TeacherForcedModel> | null;
  return model instanceof Module && typeof m?.trainingLoss === 'function' && typeof m.exactMatch === 'function';
}

/**
 * fit's training step for a teacher-forced model: E = model.trainingLoss(x, y) [+ λ Σ w²], ∇E by
 * backward, clipped, one optimiser update. Returns E; a NaN/Inf E makes no update.
 */
export function teacherForcingStep(batch: XY, ctx: TrainContext): number {
  const model = ctx.model;
  if (!isTeacherForced(model)) throw new ConfigError(`teacherForcingStep: ${model.constructor.name} has no trainingLoss(x, y) and exactMatch(x, y) methods`);
  let loss = model.trainingLoss(batch.x, batch.y);
  if (ctx.options.l2) loss = ops.add(loss, l2Penalty(ctx.weights, ctx.options.l2));
  const value = loss.item();
  if (!Number.isFinite(value)) return value;
  ctx.optimizer.zeroGrad();
  loss.backward();
  if (ctx.options.clipGradNorm !== undefined) clipGradNorm(ctx.params as Tensor[], ctx.options.clipGradNorm);
  ctx.optimizer.step();
  return value;
}

/**
 * Scores a teacher-forced model on (x, y) in eval mode, in batches: `loss` is the teacher-forced
 * cross-entropy per real target token, `accuracy` the share of inputs it writes exactly right.
 */
export function evaluateSequences(model: AnyModule & TeacherForcedModel, data: XY, options: { batchSize?: number } = {}): { loss: number; accuracy: number } {
  if (!isTeacherForced(model)) throw new ConfigError('evaluateSequences: the model needs trainingLoss(x, y) and exactMatch(x, y) methods');
  checkData(data, 'evaluateSequences: data');
  const bs = options.batchSize ?? 256;
  const was = model.training;
  model.eval();
  try {
    const n = data.x.shape[0];
    let lossSum = 0, tokens = 0, right = 0;
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(s + bs, n);
      const x = ops.slice(data.x, s, e), y = ops.slice(data.y, s, e);
      // The loss is a mean over real tokens: weigh each batch by its count of them.
      const count = y.data.reduce((k, v) => k + (v === PAD_TOKEN ? 0 : 1), 0);
      lossSum += noGrad(() => model.trainingLoss(x, y)).item() * count;
      tokens += count;
      right += model.exactMatch(x, y) * (e - s);
    }
    return { loss: tokens ? lossSum / tokens : 0, accuracy: n ? right / n : 0 };
  } finally {
    model.train(was);
  }
}
