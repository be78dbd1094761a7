/** Per-parameter gradient norms, averaged over the steps of a diagnostics period. */
import type { Tensor } from '../tensor/tensor.js';

/** Sums ‖∂E/∂θ‖₂ per named parameter step by step; mean() gives the period's average. */
export class GradNormMeter {
  private readonly sums: Float64Array;
  private steps = 0;

  constructor(private readonly named: readonly (readonly [string, Tensor])[]) {
    this.sums = new Float64Array(named.length);
  }

  /** Adds the current gradients (a parameter without one counts as 0). */
  add(): void {
    this.named.forEach(([, p], i) => {
      const g = p.grad?.data;
      if (!g) return;
      let sq = 0;
      for (let j = 0; j < g.length; j++) sq += g[j] * g[j];
      this.sums[i] += Math.sqrt(sq);
    });
    this.steps++;
  }

  /** Name → mean norm over the steps added since the last reset (empty before any step). */
  mean(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.steps === 0) return out;
    this.named.forEach(([name], i) => {
      out[name] = this.sums[i] / this.steps;
    });
    return out;
  }

  /** Starts a new period. */
  reset(): void {
    this.sums.fill(0);
    this.steps = 0;
  }
}
