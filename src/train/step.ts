/**
 * One training step, the part of fit a user may replace (options.trainStep): forward pass,
 * loss (plus the L2 penalty), back-propagation, gradient clipping and the optimiser's update.
 */
import * as ops from '../ops/index.js';
import { l2Penalty } from '../losses/index.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Module } from '../nn/module.js';
import type { TrainContext, XY } from './types.js';

/** The weights of a model that L2 regularisation applies to: matrices and kernels, not biases. */
export function decayedWeights(model: Pick<Module, 'namedParameters'>): ReturnType<Module['parameters']> {
  return model.namedParameters().filter(([n, p]) => !n.endsWith('bias') && p.ndim > 1).map(([, p]) => p);
}

/**
 * Trains `model` on one batch: E = loss(model(x), y) [+ λ Σ w²], ∇E by backward, clipped, one
 * optimiser update. Returns E; a NaN/Inf E makes no update (the NaN guard then restores weights).
 */
export function trainStep(model: Module, batch: XY, ctx: TrainContext): number {
  const output = model.call(batch.x);
  ctx.output = output;
  let loss = ctx.loss(output, batch.y);
  if (ctx.options.l2) loss = ops.add(loss, l2Penalty(ctx.weights, ctx.options.l2));
  const value = loss.item();
  if (!Number.isFinite(value)) return value;
  ctx.optimizer.zeroGrad();
  loss.backward();
  if (ctx.options.clipGradNorm !== undefined) clipGradNorm(ctx.params as ReturnType<Module['parameters']>, ctx.options.clipGradNorm);
  ctx.optimizer.step();
  return value;
}
