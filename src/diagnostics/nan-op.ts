/**
 * The debug mode wired into fit: each training step runs under detectAnomaly, and the first op
 * whose forward output or backward gradient holds a NaN/Inf is recorded in the History
 * (`history.firstNonFinite`) and ends the run, instead of the error escaping fit.
 */
import { NonFiniteError } from '../errors.js';
import { detectAnomaly } from '../autograd/debug.js';
import type { History, TrainContext, TrainStepFn, XY } from '../train/types.js';
import type { AnyModule } from '../nn/module.js';

/** `step` run in debug mode; a NonFiniteError is recorded in the history and aborts the run (the step returns NaN). */
export function withNonFiniteOp<M extends AnyModule>(step: TrainStepFn<M>): TrainStepFn<M> {
  return (batch: XY, ctx: TrainContext<M>): number => {
    try {
      return detectAnomaly(() => step(batch, ctx));
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      (ctx.history as History).firstNonFinite = { op: e.op, scope: e.scope, phase: e.pass };
      ctx.abort('nonFinite', `${e.message}; training stopped at step ${ctx.history.steps + 1} (epoch ${ctx.position.epoch + 1}), before any update from that step`);
      return NaN;
    }
  };
}
