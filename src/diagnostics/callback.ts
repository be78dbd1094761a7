/**
 * The fit callback that collects the diagnostics: gradient norms after each step, activation
 * statistics from hooks, and one DiagnosticsRecord per epoch (or per `every` steps) appended to
 * `history.diagnostics`. fit adds it only when the diagnostics option is on.
 */
import type { AnyModule } from '../nn/module.js';
import type { Callback, History, TrainContext } from '../train/types.js';
import { GradNormMeter } from './grad-norms.js';
import { ActivationMonitor } from './activation-stats.js';
import type { DiagnosticsRecord, DiagnosticsSettings } from './types.js';

/** Collects gradient norms, dead ReLUs and saturation into history.diagnostics. */
export class DiagnosticsCollector implements Callback {
  private norms: GradNormMeter | null = null;
  private acts: ActivationMonitor | null = null;
  private pending = 0;

  constructor(private readonly settings: DiagnosticsSettings) {}

  onTrainBegin(ctx: TrainContext): void {
    const model = ctx.model as AnyModule;
    if (this.settings.gradNorms) this.norms = new GradNormMeter(model.namedParameters());
    if (this.settings.deadRelu || this.settings.saturation) this.acts = new ActivationMonitor(model, this.settings);
    ctx.history.diagnostics ??= [];
  }

  onBatchEnd(step: number, _logs: unknown, ctx: TrainContext): void {
    this.norms?.add();
    this.pending++;
    if (this.settings.every !== undefined && step % this.settings.every === 0) this.emit(ctx);
  }

  onEpochEnd(_epoch: number, _logs: unknown, ctx: TrainContext): void {
    if (this.settings.every === undefined) this.emit(ctx);
  }

  onTrainEnd(_history: History, ctx: TrainContext): void {
    // A run that stopped inside an epoch still reports that epoch's steps.
    if (this.settings.every === undefined) this.emit(ctx);
    this.release();
  }

  /** Takes the activation hooks off the model (fit calls it however training ends; calling it again does nothing). */
  release(): void {
    this.acts?.remove();
    this.acts = null;
  }

  /** Appends the period's record and starts a new period. */
  private emit(ctx: TrainContext): void {
    if (this.pending === 0) return;
    const record: DiagnosticsRecord = {
      epoch: ctx.position.epoch,
      step: ctx.history.steps,
      gradNorms: this.norms?.mean() ?? {},
      deadRelu: this.acts?.deadRelu() ?? {},
      saturated: this.acts?.saturated() ?? {},
    };
    (ctx.history.diagnostics ??= []).push(record);
    this.norms?.reset();
    this.acts?.reset();
    this.pending = 0;
  }
}
