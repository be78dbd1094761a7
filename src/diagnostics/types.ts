/**
 * The shapes of fit's training diagnostics: the option that turns them on, the record kept per
 * epoch (or per `every` steps) in `history.diagnostics`, and the first op that made a NaN/Inf.
 */

/** Which diagnostics fit collects (`diagnostics: true` turns every one on; in the object form each defaults to true). */
export interface DiagnosticsOptions {
  /** Per named parameter: the mean over the period's steps of the gradient's L2 norm ‖∂E/∂θ‖₂. */
  gradNorms?: boolean;
  /** Per ReLU layer: the fraction of its units whose output was 0 for every sample of the period. */
  deadRelu?: boolean;
  /** Per sigmoid/tanh layer: the fraction of unit activations of the period whose slope f′(z) is below 0.01. */
  saturation?: boolean;
  /** Run training in debug mode and record the first op whose forward or backward made a NaN/Inf (training then stops). */
  nanOp?: boolean;
  /** One record every this many steps (default: one per epoch). */
  every?: number;
}

/** One diagnostics record: the figures of one epoch (or `every` steps), keyed by parameter or layer name. */
export interface DiagnosticsRecord {
  /** The epoch (from 0) the period ended in. */
  epoch: number;
  /** Optimiser steps taken in all when it ended. */
  step: number;
  /** Parameter name (`layers.0.weight`) → mean gradient L2 norm over the period's steps. */
  gradNorms: Record<string, number>;
  /** ReLU layer name → fraction of its units that were 0 for every sample of the period. */
  deadRelu: Record<string, number>;
  /** Sigmoid/tanh layer name → fraction of its unit activations with f′(z) < 0.01 in the period. */
  saturated: Record<string, number>;
}

/** The first op whose output or gradient held a NaN/±Inf (debug mode). */
export interface FirstNonFinite {
  /** The op's name: 'log', 'matmul', 'pow', … */
  op: string;
  /** The module path at forward time, e.g. `Sequential > 2 (Linear)`; '' outside any module. */
  scope: string;
  /** Whether its forward output or its backward gradient was not finite. */
  phase: 'forward' | 'backward';
}

/** DiagnosticsOptions with every field decided. */
export type DiagnosticsSettings = Required<Omit<DiagnosticsOptions, 'every'>> & { every: number | undefined };

/** The settings of fit's `diagnostics` option, or null when it is off (absent or false). */
export function resolveDiagnostics(option: boolean | DiagnosticsOptions | undefined): DiagnosticsSettings | null {
  if (option === undefined || option === false) return null;
  const o = option === true ? {} : option;
  return { gradNorms: o.gradNorms ?? true, deadRelu: o.deadRelu ?? true, saturation: o.saturation ?? true, nanOp: o.nanOp ?? true, every: o.every };
}
