/**
 * Batch normalisation of x viewed as [N, C, S] (S = the product of the spatial sizes, 1 for
 * [N, C]): every channel c is normalised over its M = N·S values, ŷ = (x − μ_c)/√(σ²_c + eps), then
 * scaled and shifted, y = γ_c·ŷ + β_c. Statistics are accumulated in float64 whatever x's type.
 */
import { alloc, type FloatArray } from '../types.js';

/** Sizes of one batch normalisation: batch, channels, and positions per channel and sample. */
export interface BatchNormGeometry {
  readonly n: number;
  readonly c: number;
  /** Product of the spatial sizes (1 for [N, C]). */
  readonly s: number;
}

/** Per-channel mean and biased variance (Σ(x − μ)² / M), two-pass; M = N·S must be ≥ 1. */
export function batchNormStats(x: FloatArray, g: BatchNormGeometry): { mean: Float64Array; variance: Float64Array } {
  const { n, c, s } = g;
  const m = n * s;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) sum += x[o + j];
    }
    const mu = sum / m;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        const d = x[o + j] - mu;
        sq += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = sq / m;
  }
  return { mean, variance };
}

/** y = γ·(x − μ)/√(σ² + eps) + β per channel (γ = 1 and β = 0 where null). */
export function batchNorm(
  x: FloatArray, mean: FloatArray, variance: FloatArray, weight: FloatArray | null, bias: FloatArray | null, eps: number, g: BatchNormGeometry,
): FloatArray {
  const { n, c, s } = g;
  const y = alloc(x.length, x);
  for (let ch = 0; ch < c; ch++) {
    const scale = (weight ? weight[ch] : 1) / Math.sqrt(variance[ch] + eps);
    const shift = (bias ? bias[ch] : 0) - mean[ch] * scale;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) y[o + j] = x[o + j] * scale + shift;
    }
  }
  return y;
}

/**
 * Gradients of batchNorm given δ = ∂L/∂y: dβ = Σδ, dγ = Σδ·ŷ, and ∂L/∂x. With batch statistics
 * (`batchStats`) μ and σ² depend on x, and the closed form is, with invStd = 1/√(σ² + eps),
 * ∂L/∂x = γ·invStd/M · (M·δ − dβ − ŷ·dγ); with fixed (running) statistics it is γ·invStd·δ.
 */
export function batchNormGrad(
  dy: FloatArray, x: FloatArray, mean: FloatArray, variance: FloatArray, weight: FloatArray | null, eps: number, g: BatchNormGeometry, batchStats: boolean,
): { dx: FloatArray; dWeight: FloatArray; dBias: FloatArray } {
  const { n, c, s } = g;
  const m = n * s;
  const dx = alloc(x.length, dy);
  const dWeight = alloc(c, dy);
  const dBias = alloc(c, dy);
  for (let ch = 0; ch < c; ch++) {
    const mu = mean[ch];
    const is = 1 / Math.sqrt(variance[ch] + eps);
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        sumDy += dy[o + j];
        sumDyXhat += dy[o + j] * (x[o + j] - mu) * is;
      }
    }
    dBias[ch] = sumDy;
    dWeight[ch] = sumDyXhat;
    const k = (weight ? weight[ch] : 1) * is;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      if (batchStats) {
        for (let j = 0; j < s; j++) dx[o + j] = (k / m) * (m * dy[o + j] - sumDy - (x[o + j] - mu) * is * sumDyXhat);
      } else {
        for (let j = 0; j < s; j++) dx[o + j] = k * dy[o + j];
      }
    }
  }
  return { dx, dWeight, dBias };
}

/**
 * Moves running statistics toward a batch's, in place: running ← (1 − momentum)·running +
 * momentum·batch, the variance taken unbiased (× M/(M − 1)) as PyTorch; M = count ≥ 2.
 */
export function batchNormUpdateRunning(
  runningMean: FloatArray, runningVar: FloatArray, mean: FloatArray, variance: FloatArray, momentum: number, count: number,
): void {
  const correction = count / (count - 1);
  for (let ch = 0; ch < runningMean.length; ch++) {
    runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch];
    runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * variance[ch] * correction;
  }
}
