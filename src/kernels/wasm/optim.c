// Optimiser updates for WebAssembly: the loops of src/kernels/cpu/optim.ts, operation for
// operation. Like the cpu kernels they compute each element in double precision and store float32,
// reading stored values back where the cpu kernel does, so the results are identical bit for bit
// (no contraction into fused multiply-adds: built with -ffp-contract=off). Factors that need pow()
// (Adam's bias corrections) come from the caller. `restrict`: the arrays never overlap, which lets
// clang vectorise the loops (f64x2).

// θ ← θ − η·d with d = ∇E (+ λθ); with a momentum buffer (has_buf) through it.
__attribute__((export_name("sgd_step")))
void sgd_step(float *restrict theta, const float *restrict grad, float *restrict buf, int n, int has_buf,
              double lr, double mu, double dampening, int nesterov, double wd, int maximize, int first) {
  if (!has_buf) {
    for (int i = 0; i < n; i++) {
      double d = maximize ? -(double)grad[i] : (double)grad[i];
      if (wd != 0) d += wd * (double)theta[i];
      theta[i] = (float)((double)theta[i] - lr * d);
    }
    return;
  }
  for (int i = 0; i < n; i++) {
    double d = maximize ? -(double)grad[i] : (double)grad[i];
    if (wd != 0) d += wd * (double)theta[i];
    buf[i] = first ? (float)d : (float)(mu * (double)buf[i] + (1 - dampening) * d);
    double v = buf[i];
    d = nesterov ? d + mu * v : v;
    theta[i] = (float)((double)theta[i] - lr * d);
  }
}

// One Adam step (AMSGrad when has_vmax): stepSize = lr / (1 − β₁ᵗ), bc2_sqrt = √(1 − β₂ᵗ), shrink = 1 − lr·λ.
// The body is inlined once per combination of the flags (constants there), so every loop is
// branch-free and vectorises; the AMSGrad maximum is stored unconditionally (max(v, vmax), the
// same value the cpu kernel leaves).
static inline __attribute__((always_inline)) void adam_body(
    float *restrict theta, const float *restrict grad, float *restrict m, float *restrict v, float *restrict vmax,
    int n, const int has_vmax, double beta1, double beta2, double eps, double wd, const int decay,
    const int decoupled, const int maximize, double step_size, double bc2_sqrt, double shrink) {
  for (int i = 0; i < n; i++) {
    double g = maximize ? -(double)grad[i] : (double)grad[i];
    if (decay) {
      if (decoupled) theta[i] = (float)((double)theta[i] * shrink);
      else g += wd * (double)theta[i];
    }
    m[i] = (float)(beta1 * (double)m[i] + (1 - beta1) * g);
    v[i] = (float)(beta2 * (double)v[i] + (1 - beta2) * g * g);
    double second = v[i];
    if (has_vmax) {
      double vm = vmax[i];
      vmax[i] = (float)(second > vm ? second : vm);
      second = vmax[i];
    }
    theta[i] = (float)((double)theta[i] - (step_size * (double)m[i]) / (__builtin_sqrt(second) / bc2_sqrt + eps));
  }
}

__attribute__((export_name("adam_step")))
void adam_step(float *restrict theta, const float *restrict grad, float *restrict m, float *restrict v,
               float *restrict vmax, int n, int has_vmax, double beta1, double beta2, double eps, double wd,
               int decoupled, int maximize, double step_size, double bc2_sqrt, double shrink) {
#define ADAM(H, D, C, X) adam_body(theta, grad, m, v, vmax, n, H, beta1, beta2, eps, wd, D, C, X, step_size, bc2_sqrt, shrink)
  int decay = wd != 0;
  switch ((has_vmax ? 8 : 0) | (decay ? 4 : 0) | (decoupled ? 2 : 0) | (maximize ? 1 : 0)) {
    case 0: ADAM(0, 0, 0, 0); break;
    case 1: ADAM(0, 0, 0, 1); break;
    case 2: ADAM(0, 0, 1, 0); break;
    case 3: ADAM(0, 0, 1, 1); break;
    case 4: ADAM(0, 1, 0, 0); break;
    case 5: ADAM(0, 1, 0, 1); break;
    case 6: ADAM(0, 1, 1, 0); break;
    case 7: ADAM(0, 1, 1, 1); break;
    case 8: ADAM(1, 0, 0, 0); break;
    case 9: ADAM(1, 0, 0, 1); break;
    case 10: ADAM(1, 0, 1, 0); break;
    case 11: ADAM(1, 0, 1, 1); break;
    case 12: ADAM(1, 1, 0, 0); break;
    case 13: ADAM(1, 1, 0, 1); break;
    case 14: ADAM(1, 1, 1, 0); break;
    default: ADAM(1, 1, 1, 1); break;
  }
#undef ADAM
}

// One RMSprop step: running mean of g² in v (and of g in g_avg when centered), momentum buffer when has_buf.
__attribute__((export_name("rmsprop_step")))
void rmsprop_step(float *restrict theta, const float *restrict grad, float *restrict v, float *restrict g_avg,
                  float *restrict buf, int n, int has_g_avg, int has_buf, double lr, double alpha, double eps,
                  double wd, double mu, int maximize) {
  for (int i = 0; i < n; i++) {
    double g = maximize ? -(double)grad[i] : (double)grad[i];
    if (wd != 0) g += wd * (double)theta[i];
    v[i] = (float)(alpha * (double)v[i] + (1 - alpha) * g * g);
    double r;
    if (has_g_avg) {
      g_avg[i] = (float)(alpha * (double)g_avg[i] + (1 - alpha) * g);
      r = __builtin_sqrt((double)v[i] - (double)g_avg[i] * (double)g_avg[i]) + eps;
    } else {
      r = __builtin_sqrt((double)v[i]) + eps;
    }
    if (has_buf) {
      buf[i] = (float)(mu * (double)buf[i] + g / r);
      theta[i] = (float)((double)theta[i] - lr * (double)buf[i]);
    } else {
      theta[i] = (float)((double)theta[i] - (lr * g) / r);
    }
  }
}
