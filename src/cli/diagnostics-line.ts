/**
 * `backprop train --diagnostics`: one compact line per diagnostics record (the weights' gradient
 * norms, dead ReLUs, saturated units), printed as the run goes; the records saved in the run's
 * folder as diagnostics.json, and the first NaN/Inf op named at the end.
 */
import { join } from 'node:path';
import { writeFileAtomicSync } from '../io/atomic.js';
import type { Callback, History, TrainContext } from '../train/types.js';
import type { DiagnosticsRecord, FirstNonFinite } from '../diagnostics/types.js';

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

/** A record as one line: `diagnostics epoch 3 (step 120): ‖∇‖ 0.weight 1.2e-3, 2.weight 3.4e-2; dead ReLU 1 12.5 %; saturated —`. */
export function formatDiagnostics(r: DiagnosticsRecord): string {
  // Biases are left out to keep the line short; history.json / diagnostics.json have every tensor.
  const norms = Object.entries(r.gradNorms).filter(([n]) => !n.endsWith('bias'));
  const list = (entries: [string, number][], f: (v: number) => string) => (entries.length === 0 ? '—' : entries.map(([n, v]) => `${n} ${f(v)}`).join(', '));
  return `diagnostics epoch ${r.epoch + 1} (step ${r.step}): ‖∇‖ ${list(norms, (v) => v.toExponential(1))}; dead ReLU ${list(Object.entries(r.deadRelu), pct)}; saturated ${list(Object.entries(r.saturated), pct)}`;
}

/** The first NaN/Inf op as a sentence. */
export function formatFirstNonFinite(f: FirstNonFinite): string {
  return `first NaN/Inf: op '${f.op}' (${f.phase})${f.scope ? ` in ${f.scope}` : ' outside any module'}`;
}

/** Prints each new diagnostics record as fit appends it. */
export class DiagnosticsPrinter implements Callback {
  private printed = 0;
  constructor(private readonly print: (line: string) => void) {}

  onBatchEnd(_step: number, _logs: unknown, ctx: TrainContext): void {
    this.flush(ctx);
  }

  onEpochEnd(_epoch: number, _logs: unknown, ctx: TrainContext): void {
    this.flush(ctx);
  }

  private flush(ctx: TrainContext): void {
    const all = ctx.history.diagnostics ?? [];
    for (; this.printed < all.length; this.printed++) this.print(formatDiagnostics(all[this.printed]));
  }
}

/** Writes the run's diagnostics to outDir/diagnostics.json and says where (and which op first made a NaN/Inf). */
export function saveDiagnostics(history: History, outDir: string, print: (line: string) => void): void {
  const path = join(outDir, 'diagnostics.json');
  const body = { diagnostics: history.diagnostics ?? [], firstNonFinite: history.firstNonFinite ?? null };
  // A diverged run's norms may be NaN/Infinity: written as strings, as the model metadata does.
  writeFileAtomicSync(path, JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));
  if (history.firstNonFinite) print(formatFirstNonFinite(history.firstNonFinite));
  print(`saved diagnostics: ${path} (${history.diagnostics?.length ?? 0} records)`);
}
