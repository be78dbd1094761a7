/**
 * The elementwise activations explain() can take apart, each with its derivative f′ written as the
 * lecture writes it and computed independently of the ops (to cross-check autograd's δ).
 */
import type { AnyModule } from '../nn/module.js';
import { ELU, Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh } from '../nn/layers.js';

/** An activation f as explain() shows it: its name, f′ as a formula and f′ as a function. */
export interface ActivationDerivative {
  readonly name: string;
  /** f′ in words, e.g. 'σ(z)(1 − σ(z))'. */
  readonly formula: string;
  /** f′ at one neuron from its input z and output y = f(z). */
  readonly at: (z: number, y: number) => number;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The identity activation (a Linear with nothing after it). */
export const IDENTITY: ActivationDerivative = { name: 'identity', formula: '1', at: () => 1 };

/** The derivative of an elementwise activation layer, or null when the module is not one. */
export function activationDerivative(m: AnyModule): ActivationDerivative | null {
  if (m instanceof Sigmoid) return { name: 'sigmoid', formula: 'σ(z)(1 − σ(z))', at: (_z, y) => y * (1 - y) };
  if (m instanceof Tanh) return { name: 'tanh', formula: '1 − tanh²(z)', at: (_z, y) => 1 - y * y };
  if (m instanceof ReLU) return { name: 'relu', formula: '1 if z > 0, else 0 (0 at z = 0, as PyTorch)', at: (z) => (z > 0 ? 1 : 0) };
  if (m instanceof LeakyReLU) {
    const s = m.slope;
    return { name: 'leakyRelu', formula: `1 if z > 0, else ${s}`, at: (z) => (z > 0 ? 1 : s) };
  }
  if (m instanceof Softplus) {
    const { beta, threshold } = m;
    return { name: 'softplus', formula: `σ(${beta === 1 ? '' : `${beta}·`}z)${` (1 where ${beta === 1 ? '' : `${beta}·`}z > ${threshold})`}`, at: (z) => (beta * z > threshold ? 1 : sigmoid(beta * z)) };
  }
  if (m instanceof ELU) {
    const a = m.alpha;
    return { name: 'elu', formula: `1 if z > 0, else f(z) + ${a}`, at: (z, y) => (z > 0 ? 1 : y + a) };
  }
  if (m instanceof Identity) return IDENTITY;
  return null;
}
