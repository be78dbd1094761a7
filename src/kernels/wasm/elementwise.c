// Reductions and accumulations for WebAssembly, bit for bit the cpu kernels' results
// (src/kernels/cpu/reduce.ts sumAxis, elementwise.ts addRowInPlace).

// x viewed as [outer, n, inner] summed over the middle axis into out [outer, inner]: each sum in
// double precision in order j = 0, 1, … as the cpu kernel (acc: inner doubles of scratch). The
// inner > 1 loops run across k, so they vectorise without reordering any one sum.
__attribute__((export_name("sum_axis")))
void sum_axis(const float *restrict x, float *restrict out, int outer, int n, int inner, double *restrict acc) {
  if (inner == 1) {
    for (int o = 0; o < outer; o++) {
      double s = 0;
      const float *xo = x + (long)o * n;
      for (int j = 0; j < n; j++) s += (double)xo[j];
      out[o] = (float)s;
    }
    return;
  }
  for (int o = 0; o < outer; o++) {
    for (int k = 0; k < inner; k++) acc[k] = 0;
    for (int j = 0; j < n; j++) {
      const float *xj = x + ((long)o * n + j) * inner;
      for (int k = 0; k < inner; k++) acc[k] += (double)xj[k];
    }
    float *oo = out + (long)o * inner;
    for (int k = 0; k < inner; k++) oo[k] = (float)acc[k];
  }
}

// x [rows, cols] += bias [cols] on every row. A float32 sum rounded once equals the cpu kernel's
// double sum stored as float32 (double has more than 2·24 + 2 bits), so f32x4.add is exact here.
__attribute__((export_name("add_row")))
void add_row(float *restrict x, const float *restrict bias, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    float *xr = x + (long)r * cols;
    for (int j = 0; j < cols; j++) xr[j] = xr[j] + bias[j];
  }
}
