// Convolution-block kernels: spike-driven (sparse) convolution and its weight gradient, layout
// transposes, 2×2 max pooling and training-mode batch norm (CKernelsConv.h).
#include "CKernelsConv.h"
#include <string.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

// a[0..<n] += v · b[0..<n]; n is the output channel count, a multiple of 16 in practice.
static inline __attribute__((always_inline)) void
add_scaled(int64_t n, float v, const float *restrict b, float *restrict a) {
  for (int64_t i = 0; i < n; i++) a[i] += v * b[i];
}

#define TRANSPOSE_TILE 16

static inline __attribute__((always_inline)) void
transpose(int64_t rows, int64_t cols, const float *restrict src, int64_t lds,
          float *restrict dst, int64_t ldd) {
  // Square tiles keep both the rows read and the rows written in L1.
  for (int64_t i0 = 0; i0 < rows; i0 += TRANSPOSE_TILE) {
    const int64_t i1 = i0 + TRANSPOSE_TILE < rows ? i0 + TRANSPOSE_TILE : rows;
    for (int64_t j0 = 0; j0 < cols; j0 += TRANSPOSE_TILE) {
      const int64_t j1 = j0 + TRANSPOSE_TILE < cols ? j0 + TRANSPOSE_TILE : cols;
      for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) dst[j * ldd + i] = src[i * lds + j];
    }
  }
}

MULTIVERSION
void sdfa_transpose(int64_t rows, int64_t cols, const float *src, int64_t lds, float *dst,
                    int64_t ldd) {
  transpose(rows, cols, src, lds, dst, ldd);
}

MULTIVERSION
void sdfa_conv_sparse_forward(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                              int64_t w, int64_t k, int64_t pad, int64_t co, const float *wt,
                              float *acc, float *out) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1, hw = h * w;
  memset(acc, 0, (size_t)(oh * ow * co) * sizeof(float));
  for (int64_t j = 0; j < nnz; j++) {
    const int64_t f = idx[j], c = f / hw, y = (f - c * hw) / w, x = f - c * hw - y * w;
    const float v = val ? val[j] : 1.0f;
    for (int64_t ky = 0; ky < k; ky++) {
      const int64_t oy = y + pad - ky;
      if (oy < 0 || oy >= oh) continue;
      for (int64_t kx = 0; kx < k; kx++) {
        const int64_t ox = x + pad - kx;
        if (ox < 0 || ox >= ow) continue;
        add_scaled(co, v, wt + ((c * k + ky) * k + kx) * co, acc + (oy * ow + ox) * co);
      }
    }
  }
  transpose(oh * ow, co, acc, co, out, oh * ow);
}

MULTIVERSION
void sdfa_conv_sparse_weight_grad(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                                  int64_t w, int64_t k, int64_t pad, int64_t co,
                                  const float *dzt, float *dwt) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1, hw = h * w;
  for (int64_t j = 0; j < nnz; j++) {
    const int64_t f = idx[j], c = f / hw, y = (f - c * hw) / w, x = f - c * hw - y * w;
    const float v = val ? val[j] : 1.0f;
    for (int64_t ky = 0; ky < k; ky++) {
      const int64_t oy = y + pad - ky;
      if (oy < 0 || oy >= oh) continue;
      for (int64_t kx = 0; kx < k; kx++) {
        const int64_t ox = x + pad - kx;
        if (ox < 0 || ox >= ow) continue;
        add_scaled(co, v, dzt + (oy * ow + ox) * co, dwt + ((c * k + ky) * k + kx) * co);
      }
    }
  }
}

// The columns xo of an output row whose tap kx lands inside the image: [*lo, *hi).
static inline void tap_columns(int64_t w, int64_t ow, int64_t kx, int64_t pad, int64_t *lo,
                               int64_t *hi) {
  *lo = pad - kx > 0 ? pad - kx : 0;
  *hi = w + pad - kx < ow ? w + pad - kx : ow;
  if (*lo > ow) *lo = ow;
  if (*hi < *lo) *hi = *lo;
}

MULTIVERSION
void sdfa_im2col(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad, const float *x,
                 float *cols) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  for (int64_t ci = 0; ci < c; ci++)
    for (int64_t ky = 0; ky < k; ky++)
      for (int64_t kx = 0; kx < k; kx++) {
        float *row = cols + ((ci * k + ky) * k + kx) * oh * ow;
        int64_t lo, hi;
        tap_columns(w, ow, kx, pad, &lo, &hi);
        for (int64_t y = 0; y < oh; y++) {
          const int64_t iy = y + ky - pad;
          float *out = row + y * ow;
          if (iy < 0 || iy >= h) {
            memset(out, 0, (size_t)ow * sizeof(float));
            continue;
          }
          const float *src = x + (ci * h + iy) * w + kx - pad;
          for (int64_t xo = 0; xo < lo; xo++) out[xo] = 0;
          for (int64_t xo = lo; xo < hi; xo++) out[xo] = src[xo];
          for (int64_t xo = hi; xo < ow; xo++) out[xo] = 0;
        }
      }
}

MULTIVERSION
void sdfa_col2im(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad, const float *cols,
                 float *dx) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  for (int64_t ci = 0; ci < c; ci++)
    for (int64_t ky = 0; ky < k; ky++)
      for (int64_t kx = 0; kx < k; kx++) {
        const float *row = cols + ((ci * k + ky) * k + kx) * oh * ow;
        int64_t lo, hi;
        tap_columns(w, ow, kx, pad, &lo, &hi);
        for (int64_t y = 0; y < oh; y++) {
          const int64_t iy = y + ky - pad;
          if (iy < 0 || iy >= h) continue;
          float *dst = dx + (ci * h + iy) * w + kx - pad;
          const float *src = row + y * ow;
          for (int64_t xo = lo; xo < hi; xo++) dst[xo] += src[xo];
        }
      }
}

MULTIVERSION
void sdfa_maxpool2x2(int64_t planes, int64_t h, int64_t w, const float *x, float *out,
                     int32_t *argmax) {
  const int64_t oh = h / 2, ow = w / 2;
  for (int64_t p = 0; p < planes; p++) {
    const float *src = x + p * h * w;
    float *dst = out + p * oh * ow;
    int32_t *arg = argmax + p * oh * ow;
    for (int64_t y = 0; y < oh; y++) {
      for (int64_t xo = 0; xo < ow; xo++) {
        const int64_t i0 = 2 * y * w + 2 * xo;
        const int64_t window[3] = {i0 + 1, i0 + w, i0 + w + 1};
        int64_t best = i0;
        float value = src[i0];
        for (int q = 0; q < 3; q++) {
          const float s = src[window[q]];
          if (s > value || s != s) {
            value = s;
            best = window[q];
          }
        }
        dst[y * ow + xo] = value;
        arg[y * ow + xo] = (int32_t)best;
      }
    }
  }
}

void sdfa_maxpool2x2_backward(int64_t planes, int64_t h, int64_t w, const float *grad_out,
                              const int32_t *argmax, float *dx) {
  const int64_t po = (h / 2) * (w / 2);
  memset(dx, 0, (size_t)(planes * h * w) * sizeof(float));
  for (int64_t p = 0; p < planes; p++)
    for (int64_t i = 0; i < po; i++) dx[p * h * w + argmax[p * po + i]] += grad_out[p * po + i];
}

#define LANES 8

// Folds the lanes in a fixed order.
static inline double fold(const double lanes[LANES]) {
  double s = 0;
  for (int l = 0; l < LANES; l++) s += lanes[l];
  return s;
}

MULTIVERSION
void sdfa_batchnorm_forward(int64_t n, int64_t stride, int64_t plane, float *x, float *y,
                            float gamma, float beta, float eps, float *stats) {
  // Elementwise float expressions are evaluated unfused, like the Swift reference.
#pragma clang fp contract(off)
  const int64_t body = plane / LANES * LANES;
  double lanes[LANES] = {0};
  for (int64_t i = 0; i < n; i++) {
    const float *p = x + i * stride;
    for (int64_t j = 0; j < body; j += LANES)
      for (int l = 0; l < LANES; l++) lanes[l] += (double)p[j + l];
    for (int64_t j = body; j < plane; j++) lanes[j - body] += (double)p[j];
  }
  const double m = (double)(n * plane), mean = fold(lanes) / m;
  for (int l = 0; l < LANES; l++) lanes[l] = 0;
  for (int64_t i = 0; i < n; i++) {
    const float *p = x + i * stride;
    for (int64_t j = 0; j < body; j += LANES)
      for (int l = 0; l < LANES; l++) {
        const double d = (double)p[j + l] - mean;
        lanes[l] += d * d;
      }
    for (int64_t j = body; j < plane; j++) {
      const double d = (double)p[j] - mean;
      lanes[j - body] += d * d;
    }
  }
  const double sq = fold(lanes);
  const float inv = (float)(1.0 / __builtin_sqrt(sq / m + (double)eps));
  const float meanf = (float)mean;
  stats[0] = meanf;
  stats[1] = inv;
  stats[2] = (float)(m > 1 ? sq / (m - 1) : 0);
  for (int64_t i = 0; i < n; i++) {
    float *p = x + i * stride, *q = y + i * stride;
    for (int64_t j = 0; j < plane; j++) {
      const float xh = (p[j] - meanf) * inv;
      p[j] = xh;
      q[j] = gamma * xh + beta;
    }
  }
}

MULTIVERSION
void sdfa_batchnorm_backward(int64_t n, int64_t stride, int64_t plane, const float *xhat,
                             float *g, float gamma, float inv_std, float *grads) {
#pragma clang fp contract(off)
  const int64_t body = plane / LANES * LANES;
  double sg_lanes[LANES] = {0}, sgh_lanes[LANES] = {0};
  for (int64_t i = 0; i < n; i++) {
    const float *pg = g + i * stride, *ph = xhat + i * stride;
    for (int64_t j = 0; j < body; j += LANES)
      for (int l = 0; l < LANES; l++) {
        sg_lanes[l] += (double)pg[j + l];
        sgh_lanes[l] += (double)(pg[j + l] * ph[j + l]);
      }
    for (int64_t j = body; j < plane; j++) {
      sg_lanes[j - body] += (double)pg[j];
      sgh_lanes[j - body] += (double)(pg[j] * ph[j]);
    }
  }
  const float sg = (float)fold(sg_lanes), sgh = (float)fold(sgh_lanes);
  grads[0] = sgh;
  grads[1] = sg;
  const float m = (float)(n * plane), k = gamma * inv_std / m;
  for (int64_t i = 0; i < n; i++) {
    float *pg = g + i * stride;
    const float *ph = xhat + i * stride;
    for (int64_t j = 0; j < plane; j++) pg[j] = k * (m * pg[j] - sg - ph[j] * sgh);
  }
}
