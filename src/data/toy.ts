/**
 * Small built-in problems from the lectures: the logic gates (AND and OR are linearly
 * separable, XOR is not — the perceptron's limit), and 2-D point clouds (spirals, circles,
 * moons) that need a hidden layer. Random ones draw from the seeded generator.
 */
import { ConfigError } from '../errors.js';
import { randomNormal, randperm } from '../tensor/random.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';
import type { Sample } from './dataset.js';

/** Options of the logic-gate datasets. */
export interface GateOptions {
  /** Targets 0/1 ('01', default) or −1/+1 ('pm1', the perceptron's sign convention). */
  labels?: '01' | 'pm1';
}

const GATE_INPUTS = [0, 0, 0, 1, 1, 0, 1, 1];

function gate(name: string, truth: (a: number, b: number) => boolean, options: GateOptions): Sample {
  const labels = options.labels ?? '01';
  if (labels !== '01' && labels !== 'pm1') throw new ConfigError(`${name}: labels must be '01' or 'pm1', got ${String(labels)}`);
  const x = allocDefault(8);
  x.set(GATE_INPUTS);
  const y = allocDefault(4);
  for (let i = 0; i < 4; i++) {
    const on = truth(GATE_INPUTS[2 * i], GATE_INPUTS[2 * i + 1]);
    y[i] = on ? 1 : labels === 'pm1' ? -1 : 0;
  }
  return { x: new Tensor(x, [4, 2]), y: new Tensor(y, [4, 1]) };
}

/** The AND truth table: x [4, 2] rows 00, 01, 10, 11; y [4, 1] = 0, 0, 0, 1 (or ±1). */
export function andData(options: GateOptions = {}): Sample {
  return gate('andData', (a, b) => a === 1 && b === 1, options);
}

/** The OR truth table: x [4, 2] rows 00, 01, 10, 11; y [4, 1] = 0, 1, 1, 1 (or ±1). */
export function orData(options: GateOptions = {}): Sample {
  return gate('orData', (a, b) => a === 1 || b === 1, options);
}

/** The XOR truth table: x [4, 2] rows 00, 01, 10, 11; y [4, 1] = 0, 1, 1, 0 (or ±1). */
export function xorData(options: GateOptions = {}): Sample {
  return gate('xorData', (a, b) => a !== b, options);
}

/** Options shared by the 2-D point clouds. */
export interface PointCloudOptions {
  /** Total number of points (default 100), shared as evenly as possible among the classes. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** Shuffle the points (default true); otherwise they come grouped by class. */
  shuffle?: boolean;
}

/** Options of spirals(). */
export interface SpiralOptions extends PointCloudOptions {
  /** Number of spiral arms, one class each (default 2). */
  classes?: number;
}

/** Options of circles(). */
export interface CircleOptions extends PointCloudOptions {
  /** Radius of the inner circle relative to the outer one, in [0, 1) (default 0.8). */
  factor?: number;
}

function checkCloud(name: string, o: PointCloudOptions, minN: number): { n: number; noise: number; shuffle: boolean } {
  const { n = 100, noise = 0, shuffle = true } = o;
  if (!Number.isInteger(n) || n < minN) throw new ConfigError(`${name}: n must be a whole number ≥ ${minN}, got ${String(n)}`);
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) throw new ConfigError(`${name}: noise must be a finite number ≥ 0, got ${String(noise)}`);
  return { n, noise, shuffle };
}

/** Adds noise to the points, shuffles if asked, and wraps them as {x [N, 2], y [N]}. */
function finish(xy: Float64Array, labels: Float64Array, noise: number, shuffle: boolean): Sample {
  const n = labels.length;
  if (noise > 0) for (let i = 0; i < xy.length; i++) xy[i] += noise * randomNormal();
  const order = shuffle ? randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
  const x = allocDefault(2 * n);
  const y = allocDefault(n);
  for (let i = 0; i < n; i++) {
    const k = order[i];
    x[2 * i] = xy[2 * k];
    x[2 * i + 1] = xy[2 * k + 1];
    y[i] = labels[k];
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

/** Evenly spaced values from a to b; `endpoint` includes b (like numpy.linspace). */
function linspace(a: number, b: number, m: number, endpoint: boolean): (j: number) => number {
  const steps = endpoint ? m - 1 : m;
  return (j) => (steps <= 0 ? a : a + ((b - a) * j) / steps);
}

/**
 * Interleaved spiral arms, one class per arm: arm c starts at the origin and turns once
 * around it, offset by 2πc/classes. x [N, 2] within about the unit disc, y [N] in 0…classes−1.
 */
export function spirals(options: SpiralOptions = {}): Sample {
  const { n, noise, shuffle } = checkCloud('spirals', options, 1);
  const classes = options.classes ?? 2;
  if (!Number.isInteger(classes) || classes < 1) throw new ConfigError(`spirals: classes must be a whole number ≥ 1, got ${String(classes)}`);
  const xy = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  let k = 0;
  for (let c = 0; c < classes; c++) {
    const m = Math.floor(n / classes) + (c < n % classes ? 1 : 0);
    const radius = linspace(0, 1, m, true);
    for (let j = 0; j < m; j++, k++) {
      const r = radius(j);
      const theta = (2 * Math.PI * c) / classes + 2 * Math.PI * r;
      xy[2 * k] = r * Math.cos(theta);
      xy[2 * k + 1] = r * Math.sin(theta);
      labels[k] = c;
    }
  }
  return finish(xy, labels, noise, shuffle);
}

/**
 * Two concentric circles (scikit-learn's make_circles): class 0 on the unit circle, class 1 on
 * the circle of radius `factor`. x [N, 2], y [N].
 */
export function circles(options: CircleOptions = {}): Sample {
  const { n, noise, shuffle } = checkCloud('circles', options, 2);
  const factor = options.factor ?? 0.8;
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) throw new ConfigError(`circles: factor must be in [0, 1), got ${String(factor)}`);
  const nOuter = Math.floor(n / 2);
  const xy = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const outer = k < nOuter;
    const m = outer ? nOuter : n - nOuter;
    const j = outer ? k : k - nOuter;
    const t = linspace(0, 2 * Math.PI, m, false)(j);
    const r = outer ? 1 : factor;
    xy[2 * k] = r * Math.cos(t);
    xy[2 * k + 1] = r * Math.sin(t);
    labels[k] = outer ? 0 : 1;
  }
  return finish(xy, labels, noise, shuffle);
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 the upper moon centred at
 * (0, 0), class 1 the lower one centred at (1, 0.5). x [N, 2], y [N].
 */
export function moons(options: PointCloudOptions = {}): Sample {
  const { n, noise, shuffle } = checkCloud('moons', options, 2);
  const nOuter = Math.floor(n / 2);
  const xy = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const outer = k < nOuter;
    const m = outer ? nOuter : n - nOuter;
    const t = linspace(0, Math.PI, m, true)(outer ? k : k - nOuter);
    xy[2 * k] = outer ? Math.cos(t) : 1 - Math.cos(t);
    xy[2 * k + 1] = outer ? Math.sin(t) : 1 - Math.sin(t) - 0.5;
    labels[k] = outer ? 0 : 1;
  }
  return finish(xy, labels, noise, shuffle);
}
