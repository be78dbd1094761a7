/**
 * Dead ReLUs and saturated sigmoid/tanh units, read through forward hooks on the activation
 * layers during training forwards (not evaluation: passes without a graph are skipped).
 *
 * A unit is one element of a sample's output (a neuron of a dense layer, one position of one
 * channel of a convolution). Dead: a ReLU unit whose output was 0 for every sample of the period.
 * Saturated: an activation whose local slope f′(z) is below 0.01 — σ′ = y(1 − y) < 0.01
 * (|z| > 4.6), tanh′ = 1 − y² < 0.01 (|z| > 3.0) — counted over every sample and unit.
 */
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/graph.js';
import type { AnyModule } from '../nn/module.js';
import type { RemovableHandle } from '../nn/hooks.js';
import { ReLU, Sigmoid, Tanh } from '../nn/layers.js';

/** The slope below which a sigmoid/tanh unit counts as saturated. */
export const SATURATION_SLOPE = 0.01;

/** Which units of one ReLU layer fired at least once in the period. */
class ReluStats {
  alive: Uint8Array | null = null;

  add(out: Tensor): void {
    const units = out.size / (out.shape[0] || 1);
    if (!this.alive || this.alive.length !== units) this.alive = new Uint8Array(units);
    const y = out.data;
    const alive = this.alive;
    for (let i = 0, u = 0; i < y.length; i++, u = u + 1 === units ? 0 : u + 1) if (y[i] > 0) alive[u] = 1;
  }

  reset(): void {
    this.alive = null;
  }

  /** Fraction of units that never fired, or undefined before any batch. */
  deadFraction(): number | undefined {
    if (!this.alive || this.alive.length === 0) return undefined;
    let dead = 0;
    for (const a of this.alive) dead += 1 - a;
    return dead / this.alive.length;
  }
}

/** How many activations of one sigmoid/tanh layer were saturated in the period. */
class SaturationStats {
  saturated = 0;
  total = 0;
  constructor(private readonly kind: 'sigmoid' | 'tanh') {}

  add(out: Tensor): void {
    const y = out.data;
    let n = 0;
    if (this.kind === 'sigmoid') for (let i = 0; i < y.length; i++) n += y[i] * (1 - y[i]) < SATURATION_SLOPE ? 1 : 0;
    else for (let i = 0; i < y.length; i++) n += 1 - y[i] * y[i] < SATURATION_SLOPE ? 1 : 0;
    this.saturated += n;
    this.total += y.length;
  }

  reset(): void {
    this.saturated = 0;
    this.total = 0;
  }

  fraction(): number | undefined {
    return this.total === 0 ? undefined : this.saturated / this.total;
  }
}

/** Watches a model's ReLU, sigmoid and tanh layers; read the period's fractions, then reset. */
export class ActivationMonitor {
  private readonly relus = new Map<string, ReluStats>();
  private readonly sats = new Map<string, SaturationStats>();
  private readonly handles: RemovableHandle[] = [];

  constructor(model: AnyModule, options: { deadRelu: boolean; saturation: boolean }) {
    for (const [path, m] of model.namedModules()) {
      const name = path || m.constructor.name;
      if (options.deadRelu && m instanceof ReLU) this.watch(m, this.relus, name, new ReluStats());
      else if (options.saturation && (m instanceof Sigmoid || m instanceof Tanh)) this.watch(m, this.sats, name, new SaturationStats(m instanceof Sigmoid ? 'sigmoid' : 'tanh'));
    }
  }

  private watch<S extends { add(out: Tensor): void; reset(): void }>(m: ReLU | Sigmoid | Tanh, table: Map<string, S>, name: string, stats: S): void {
    table.set(name, stats);
    this.handles.push(m.registerForwardHook((mod, _inputs, out) => {
      if (mod.training && isGradEnabled() && out instanceof Tensor) table.get(name)?.add(out);
    }));
  }

  /** ReLU layer name → fraction of dead units (layers not run in the period left out). */
  deadRelu(): Record<string, number> {
    return collect(this.relus, (s) => s.deadFraction());
  }

  /** Sigmoid/tanh layer name → fraction of saturated activations. */
  saturated(): Record<string, number> {
    return collect(this.sats, (s) => s.fraction());
  }

  /** Starts a new period. */
  reset(): void {
    for (const s of this.relus.values()) s.reset();
    for (const s of this.sats.values()) s.reset();
  }

  /** Takes the hooks off the model. */
  remove(): void {
    for (const h of this.handles) h.remove();
  }
}

function collect<S>(table: Map<string, S>, read: (s: S) => number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of table) {
    const v = read(s);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
