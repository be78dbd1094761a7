// Batch normalisation for WebAssembly over x viewed as [N, C, S], bit for bit the results of
// src/kernels/cpu/batchnorm.ts: the cpu kernels compute in JavaScript numbers (double), so every
// expression here is the same double expression in the same order (no contraction: the build
// compiles with -ffp-contract=off), rounded to float32 where the cpu kernel stores into a float32
// array. Each entry point takes a range of channels [c0, c1), so channels can be split across threads.

// Per-channel mean and biased variance (two passes, double sums in order); m = n·s ≥ 1.
__attribute__((export_name("batch_norm_stats")))
void batch_norm_stats(const float *x, double *mean, double *variance, int n, int c, int s, int c0, int c1) {
  double m = (double)n * s;
  for (int ch = c0; ch < c1; ch++) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      const float *xo = x + ((long)i * c + ch) * s;
      for (int j = 0; j < s; j++) sum += (double)xo[j];
    }
    double mu = sum / m;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      const float *xo = x + ((long)i * c + ch) * s;
      for (int j = 0; j < s; j++) {
        double d = (double)xo[j] - mu;
        sq += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = sq / m;
  }
}

// y = γ·(x − μ)/√(σ² + eps) + β per channel, as x·scale + shift (γ = 1, β = 0 where null).
__attribute__((export_name("batch_norm")))
void batch_norm(const float *x, const double *mean, const double *variance, const float *weight, const float *bias,
                double eps, float *y, int n, int c, int s, int c0, int c1) {
  for (int ch = c0; ch < c1; ch++) {
    double scale = (weight ? (double)weight[ch] : 1.0) / __builtin_sqrt(variance[ch] + eps);
    double shift = (bias ? (double)bias[ch] : 0.0) - mean[ch] * scale;
    for (int i = 0; i < n; i++) {
      long o = ((long)i * c + ch) * s;
      for (int j = 0; j < s; j++) y[o + j] = (float)((double)x[o + j] * scale + shift);
    }
  }
}

// ∂L/∂x, dγ = Σδ·ŷ and dβ = Σδ of batch_norm; with batch statistics (batchStats) the closed form
// γ·invStd/M · (M·δ − dβ − ŷ·dγ), with fixed statistics γ·invStd·δ.
__attribute__((export_name("batch_norm_grad")))
void batch_norm_grad(const float *dy, const float *x, const double *mean, const double *variance, const float *weight,
                     double eps, int batchStats, float *dx, float *dWeight, float *dBias, int n, int c, int s, int c0,
                     int c1) {
  double m = (double)n * s;
  for (int ch = c0; ch < c1; ch++) {
    double mu = mean[ch];
    double is = 1 / __builtin_sqrt(variance[ch] + eps);
    double sumDy = 0, sumDyXhat = 0;
    for (int i = 0; i < n; i++) {
      long o = ((long)i * c + ch) * s;
      for (int j = 0; j < s; j++) {
        double d = (double)dy[o + j];
        sumDy += d;
        sumDyXhat += d * ((double)x[o + j] - mu) * is;
      }
    }
    dBias[ch] = (float)sumDy;
    dWeight[ch] = (float)sumDyXhat;
    double k = (weight ? (double)weight[ch] : 1.0) * is;
    for (int i = 0; i < n; i++) {
      long o = ((long)i * c + ch) * s;
      if (batchStats) {
        for (int j = 0; j < s; j++)
          dx[o + j] = (float)((k / m) * (m * (double)dy[o + j] - sumDy - ((double)x[o + j] - mu) * is * sumDyXhat));
      } else {
        for (int j = 0; j < s; j++) dx[o + j] = (float)(k * (double)dy[o + j]);
      }
    }
  }
}
