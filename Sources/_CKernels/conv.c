// Convolution-block kernels (CKernelsConv.h): spike-driven (sparse) convolution and its weight
// gradient, layout transposes, im2col, 2×2 max pooling, training-mode batch norm, and the
// neuron passes of pooled blocks with batch norm's affine map and the pooling backward fused in.
#include "CKernelsConv.h"
#include <string.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

// Eight floats; aligned(4) makes loads and stores through it unaligned.
typedef float v8f __attribute__((vector_size(32), aligned(4)));

// dst[j·ldd + i] = src[i·lds + j] for an 8×8 block, in registers: interleave pairs of rows,
// then pairs of pairs, then swap 128-bit halves.
static inline __attribute__((always_inline)) void
transpose8x8(const float *src, int64_t lds, float *dst, int64_t ldd) {
  v8f r[8], t[8], u[8];
  for (int i = 0; i < 8; i++) r[i] = *(const v8f *)(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int j = 0; j < 4; j++) {
    *(v8f *)(dst + j * ldd) = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    *(v8f *)(dst + (j + 4) * ldd) =
        __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

static inline __attribute__((always_inline)) void
transpose(int64_t rows, int64_t cols, const float *restrict src, int64_t lds,
          float *restrict dst, int64_t ldd) {
  const int64_t rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  // Walk along the side with the longer rows: hopping across long rows (e.g. NCHW planes of
  // 16–64 KiB) lands every access in the same few cache sets.
  if (ldd > lds) {
    for (int64_t j0 = 0; j0 < cols8; j0 += 8)
      for (int64_t i0 = 0; i0 < rows8; i0 += 8)
        transpose8x8(src + i0 * lds + j0, lds, dst + j0 * ldd + i0, ldd);
  } else {
    for (int64_t i0 = 0; i0 < rows8; i0 += 8)
      for (int64_t j0 = 0; j0 < cols8; j0 += 8)
        transpose8x8(src + i0 * lds + j0, lds, dst + j0 * ldd + i0, ldd);
  }
  // Edges: the last rows % 8 rows, and the last cols % 8 columns of the others.
  for (int64_t i = rows8; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
  for (int64_t j = cols8; j < cols; j++)
    for (int64_t i = 0; i < rows8; i++) dst[j * ldd + i] = src[i * lds + j];
}

MULTIVERSION
void sdfa_transpose(int64_t rows, int64_t cols, const float *src, int64_t lds, float *dst,
                    int64_t ldd) {
  transpose(rows, cols, src, lds, dst, ldd);
}

// Both sparse kernels accumulate cOut-vectors in registers, a tile of TILE columns at a time,
// and read or write memory once per output pixel (forward) or kernel row (weight gradient).
#define TILE 64

// Widest tile (64, 32 or 16 columns) that divides n; 0 when none does.
static inline int64_t tile_width(int64_t n) {
  return n % 64 == 0 ? 64 : n % 32 == 0 ? 32 : n % 16 == 0 ? 16 : 0;
}

// acc[0..<W] += v · b[0..<W], W a compile-time constant after inlining (or `width` when 0).
#define ACCUMULATE(W, width, acc, v, b)                                                         \
  do {                                                                                          \
    if (W) {                                                                                    \
      for (int q_ = 0; q_ < W; q_++) (acc)[q_] += (v) * (b)[q_];                                \
    } else {                                                                                    \
      for (int64_t q_ = 0; q_ < (width); q_++) (acc)[q_] += (v) * (b)[q_];                      \
    }                                                                                           \
  } while (0)

int64_t sdfa_conv_sparse_forward_scratch(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad,
                                         int64_t co) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  // Channels-last output, then (as int32) the padded grid's list starts and the entries.
  return oh * ow * co + (h + 2 * pad) * (w + 2 * pad) + 1 + 2 * c * h * w;
}

// Lists one image's entries by input pixel on the zero-padded grid [(h + 2·pad), (w + 2·pad)]:
// pixel q's entries are chan/value[start[q] ..< start[q + 1]] (stable).
static void list_by_pixel(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                          int64_t w, int64_t pad, int32_t *start, int32_t *chan, float *value) {
  const int64_t hw = h * w, wp = w + 2 * pad, grid = (h + 2 * pad) * wp;
  memset(start, 0, (size_t)(grid + 1) * sizeof(int32_t));
  for (int64_t j = 0; j < nnz; j++) {
    const int64_t q = idx[j] % hw;
    start[(q / w + pad) * wp + q % w + pad + 1]++;
  }
  for (int64_t q = 0; q < grid; q++) start[q + 1] += start[q];
  for (int64_t j = 0; j < nnz; j++) {
    const int64_t q = idx[j] % hw, g = (q / w + pad) * wp + q % w + pad;
    chan[start[g]] = (int32_t)(idx[j] / hw);
    value[start[g]] = val ? val[j] : 1.0f;
    start[g]++;
  }
  for (int64_t q = grid; q > 0; q--) start[q] = start[q - 1];
  start[0] = 0;
}

static inline __attribute__((always_inline)) void
pull_pixels(const int W, int64_t oh, int64_t ow, int64_t wp, int64_t k, int64_t co,
            const int32_t *start, const int32_t *chan, const float *value, const float *wt,
            float *cl) {
  for (int64_t oy = 0; oy < oh; oy++)
    for (int64_t ox = 0; ox < ow; ox++)
      for (int64_t t0 = 0; t0 < co; t0 += W ? W : TILE) {
        const int64_t width = W ? W : (co - t0 < TILE ? co - t0 : TILE);
        float acc[TILE];
        for (int64_t q = 0; q < width; q++) acc[q] = 0;
        for (int64_t ky = 0; ky < k; ky++)
          for (int64_t kx = 0; kx < k; kx++) {
            // Output (oy, ox) reads padded input (oy + ky, ox + kx) through tap (ky, kx).
            const int64_t q = (oy + ky) * wp + ox + kx;
            for (int32_t e = start[q]; e < start[q + 1]; e++)
              ACCUMULATE(W, width, acc, value[e], wt + ((chan[e] * k + ky) * k + kx) * co + t0);
          }
        float *o = cl + (oy * ow + ox) * co + t0;
        for (int64_t q = 0; q < width; q++) o[q] = acc[q];
      }
}

MULTIVERSION
void sdfa_conv_sparse_forward(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                              int64_t w, int64_t k, int64_t pad, int64_t co, const float *wt,
                              float *scratch, float *out) {
  const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1, wp = w + 2 * pad;
  float *cl = scratch;
  int32_t *start = (int32_t *)(cl + oh * ow * co);
  int32_t *chan = start + (h + 2 * pad) * wp + 1;
  float *value = (float *)(chan + nnz);
  list_by_pixel(nnz, idx, val, h, w, pad, start, chan, value);
  switch (tile_width(co)) {
  case 64: pull_pixels(64, oh, ow, wp, k, co, start, chan, value, wt, cl); break;
  case 32: pull_pixels(32, oh, ow, wp, k, co, start, chan, value, wt, cl); break;
  case 16: pull_pixels(16, oh, ow, wp, k, co, start, chan, value, wt, cl); break;
  default: pull_pixels(0, oh, ow, wp, k, co, start, chan, value, wt, cl); break;
  }
  transpose(oh * ow, co, cl, co, out, oh * ow);
}

int64_t sdfa_conv_sparse_weight_grad_scratch(int64_t c, int64_t h, int64_t w, int64_t k,
                                             int64_t pad, int64_t co) {
  const int64_t m = k - 1 - pad, oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  // Padded channels-last dY, then (as int32) each entry's padded base pixel.
  return (oh + 2 * m) * (ow + 2 * m) * co + c * h * w;
}

static inline __attribute__((always_inline)) void
pull_taps(const int W, int64_t nnz, const int32_t *idx, const float *val, const int32_t *base,
          int64_t hw, int64_t k, int64_t owp, int64_t co, const float *dzt, float *dwt) {
  // Entries of one channel are usually adjacent (NCHW order): each run adds, per tap, the sum
  // of its entries' dY rows to the tap's dW row.
  for (int64_t j0 = 0, j1; j0 < nnz; j0 = j1) {
    const int64_t c = idx[j0] / hw;
    for (j1 = j0 + 1; j1 < nnz && idx[j1] / hw == c; j1++) {}
    for (int64_t ky = 0; ky < k; ky++)
      for (int64_t kx = 0; kx < k; kx++) {
        const int64_t offset = ky * owp + kx;
        float *row = dwt + ((c * k + ky) * k + kx) * co;
        for (int64_t t0 = 0; t0 < co; t0 += W ? W : TILE) {
          const int64_t width = W ? W : (co - t0 < TILE ? co - t0 : TILE);
          float acc[TILE];
          for (int64_t q = 0; q < width; q++) acc[q] = 0;
          for (int64_t j = j0; j < j1; j++)
            ACCUMULATE(W, width, acc, val ? val[j] : 1.0f, dzt + (base[j] - offset) * co + t0);
          for (int64_t q = 0; q < width; q++) row[t0 + q] += acc[q];
        }
      }
  }
}

MULTIVERSION
void sdfa_conv_sparse_weight_grad(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                                  int64_t w, int64_t k, int64_t pad, int64_t co,
                                  const float *dy, float *scratch, float *dwt) {
  // dY channels-last on a grid with a zero margin m = k − 1 − pad, which every tap of every
  // input lands in: no bounds checks in the loop.
  const int64_t m = k - 1 - pad, oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  const int64_t owp = ow + 2 * m, hw = h * w;
  float *dzt = scratch;
  int32_t *base = (int32_t *)(dzt + (oh + 2 * m) * owp * co);
  memset(dzt, 0, (size_t)(m * owp * co) * sizeof(float));
  memset(dzt + (m + oh) * owp * co, 0, (size_t)(m * owp * co) * sizeof(float));
  for (int64_t oy = 0; oy < oh; oy++) {
    float *row = dzt + (oy + m) * owp * co;
    memset(row, 0, (size_t)(m * co) * sizeof(float));
    memset(row + (m + ow) * co, 0, (size_t)(m * co) * sizeof(float));
    transpose(co, ow, dy + oy * ow, oh * ow, row + m * co, co);
  }
  for (int64_t j = 0; j < nnz; j++) {
    const int64_t q = idx[j] % hw;
    base[j] = (int32_t)((q / w + pad + m) * owp + q % w + pad + m);
  }
  switch (tile_width(co)) {
  case 64: pull_taps(64, nnz, idx, val, base, hw, k, owp, co, dzt, dwt); break;
  case 32: pull_taps(32, nnz, idx, val, base, hw, k, owp, co, dzt, dwt); break;
  case 16: pull_taps(16, nnz, idx, val, base, hw, k, owp, co, dzt, dwt); break;
  default: pull_taps(0, nnz, idx, val, base, hw, k, owp, co, dzt, dwt); break;
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

// Pools one plane [h, w] into dst [h/2, w/2] with the argmax (not recorded when `arg` is
// NULL); when `spiking`, the plane is a membrane and the values pooled are its spikes,
// (src − threshold ≥ 0) ? 1 : 0.
static inline __attribute__((always_inline)) void
pool_plane(int spiking, float threshold, int64_t h, int64_t w, const float *src, float *dst,
           int32_t *arg) {
  const int64_t oh = h / 2, ow = w / 2;
  for (int64_t y = 0; y < oh; y++) {
    for (int64_t xo = 0; xo < ow; xo++) {
      const int64_t i0 = 2 * y * w + 2 * xo;
      const int64_t window[3] = {i0 + 1, i0 + w, i0 + w + 1};
      int64_t best = i0;
      float value = spiking ? ((src[i0] - threshold) >= 0.0f ? 1.0f : 0.0f) : src[i0];
      for (int q = 0; q < 3; q++) {
        const float v = src[window[q]];
        const float s = spiking ? ((v - threshold) >= 0.0f ? 1.0f : 0.0f) : v;
        if (s > value || s != s) {
          value = s;
          best = window[q];
        }
      }
      dst[y * ow + xo] = value;
      if (arg) arg[y * ow + xo] = (int32_t)best;
    }
  }
}

MULTIVERSION
void sdfa_maxpool2x2(int64_t planes, int64_t h, int64_t w, const float *x, float *out,
                     int32_t *argmax) {
  const int64_t po = (h / 2) * (w / 2);
  for (int64_t p = 0; p < planes; p++)
    pool_plane(0, 0.0f, h, w, x + p * h * w, out + p * po, argmax + p * po);
}

MULTIVERSION
int64_t sdfa_spike_maxpool2x2(int64_t planes, int64_t h, int64_t w, const float *membrane,
                              float threshold, float *out, int32_t *argmax, int32_t *idx) {
  const int64_t po = (h / 2) * (w / 2);
  int64_t n = 0;
  for (int64_t p = 0; p < planes; p++) {
    float *dst = out + p * po;
    pool_plane(1, threshold, h, w, membrane + p * h * w, dst, argmax ? argmax + p * po : NULL);
    // Listed while the plane is in L1; branch-free: the slot past the last active output is
    // overwritten or unused.
    for (int64_t i = 0; i < po; i++) {
      idx[n] = (int32_t)(p * po + i);
      n += dst[i] != 0.0f;
    }
  }
  return n;
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

// Batch norm in three parts — the per-channel sums, the statistics from them, the
// normalisation — so that data-parallel training can sum the sums over processes between the
// first two (synchronised batch norm). `sdfa_batchnorm_forward` runs the three in a row.
static inline __attribute__((always_inline)) void
batchnorm_sums_body(int64_t n, int64_t stride, int64_t plane, const float *x, double *sums) {
#pragma clang fp contract(off)
  // One pass for both sums: in double, E[x²] − mean² loses nothing a float result would keep.
  const int64_t body = plane / LANES * LANES;
  double sum[LANES] = {0}, sq[LANES] = {0};
  for (int64_t i = 0; i < n; i++) {
    const float *p = x + i * stride;
    for (int64_t j = 0; j < body; j += LANES)
      for (int l = 0; l < LANES; l++) {
        const double d = (double)p[j + l];
        sum[l] += d;
        sq[l] += d * d;
      }
    for (int64_t j = body; j < plane; j++) {
      const double d = (double)p[j];
      sum[j - body] += d;
      sq[j - body] += d * d;
    }
  }
  sums[0] = fold(sum);
  sums[1] = fold(sq);
}

static inline __attribute__((always_inline)) void
batchnorm_apply_body(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                     float gamma, float beta, float meanf, float inv) {
  // Elementwise float expressions are evaluated unfused, like the Swift reference.
#pragma clang fp contract(off)
  for (int64_t i = 0; i < n; i++) {
    const float *p = x + i * stride;
    float *q = y + i * stride;
    for (int64_t j = 0; j < plane; j++) q[j] = gamma * ((p[j] - meanf) * inv) + beta;
  }
}

void sdfa_batchnorm_statistics(double sum, double sq, double m, float eps, float *stats) {
#pragma clang fp contract(off)
  const double mean = sum / m;
  const double ss = sq - mean * mean * m, centered = ss > 0 ? ss : 0;
  stats[0] = (float)mean;
  stats[1] = (float)(1.0 / __builtin_sqrt(centered / m + (double)eps));
  stats[2] = (float)(m > 1 ? centered / (m - 1) : 0);
}

MULTIVERSION
void sdfa_batchnorm_sums(int64_t n, int64_t stride, int64_t plane, const float *x, double *sums) {
  batchnorm_sums_body(n, stride, plane, x, sums);
}

MULTIVERSION
void sdfa_batchnorm_apply(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                          float gamma, float beta, float mean, float inv_std) {
  batchnorm_apply_body(n, stride, plane, x, y, gamma, beta, mean, inv_std);
}

MULTIVERSION
void sdfa_batchnorm_forward(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                            float gamma, float beta, float eps, float *stats) {
  double sums[2];
  batchnorm_sums_body(n, stride, plane, x, sums);
  sdfa_batchnorm_statistics(sums[0], sums[1], (double)(n * plane), eps, stats);
  if (!y) return;
  batchnorm_apply_body(n, stride, plane, x, y, gamma, beta, stats[0], stats[1]);
}

// The backward pass in two parts likewise: the per-channel sums of dL/dy and dL/dy · x̂, then
// dL/dx from them.
static inline __attribute__((always_inline)) void
batchnorm_backward_sums_body(int64_t n, int64_t stride, int64_t plane, const float *x,
                             float mean, float inv_std, const float *g, double *sums) {
  // x̂ = (x − mean) · invStd recomputed unfused: bit for bit the forward pass's.
#pragma clang fp contract(off)
  const int64_t body = plane / LANES * LANES;
  double sg_lanes[LANES] = {0}, sgh_lanes[LANES] = {0};
  for (int64_t i = 0; i < n; i++) {
    const float *pg = g + i * stride, *px = x + i * stride;
    for (int64_t j = 0; j < body; j += LANES)
      for (int l = 0; l < LANES; l++) {
        const float xh = (px[j + l] - mean) * inv_std;
        sg_lanes[l] += (double)pg[j + l];
        sgh_lanes[l] += (double)(pg[j + l] * xh);
      }
    for (int64_t j = body; j < plane; j++) {
      const float xh = (px[j] - mean) * inv_std;
      sg_lanes[j - body] += (double)pg[j];
      sgh_lanes[j - body] += (double)(pg[j] * xh);
    }
  }
  sums[0] = fold(sg_lanes);
  sums[1] = fold(sgh_lanes);
}

static inline __attribute__((always_inline)) void
batchnorm_backward_apply_body(int64_t n, int64_t stride, int64_t plane, const float *x,
                              float mean, float inv_std, float *g, float gamma, float sg,
                              float sgh, float m) {
#pragma clang fp contract(off)
  const float k = gamma * inv_std / m;
  for (int64_t i = 0; i < n; i++) {
    float *pg = g + i * stride;
    const float *px = x + i * stride;
    for (int64_t j = 0; j < plane; j++) {
      const float xh = (px[j] - mean) * inv_std;
      pg[j] = k * (m * pg[j] - sg - xh * sgh);
    }
  }
}

MULTIVERSION
void sdfa_batchnorm_backward_sums(int64_t n, int64_t stride, int64_t plane, const float *x,
                                  float mean, float inv_std, const float *g, double *sums) {
  batchnorm_backward_sums_body(n, stride, plane, x, mean, inv_std, g, sums);
}

MULTIVERSION
void sdfa_batchnorm_backward_apply(int64_t n, int64_t stride, int64_t plane, const float *x,
                                   float mean, float inv_std, float *g, float gamma, float sg,
                                   float sgh, float count) {
  batchnorm_backward_apply_body(n, stride, plane, x, mean, inv_std, g, gamma, sg, sgh, count);
}

MULTIVERSION
void sdfa_batchnorm_backward(int64_t n, int64_t stride, int64_t plane, const float *x,
                             float mean, float inv_std, float *g, float gamma, float *grads) {
  double sums[2];
  batchnorm_backward_sums_body(n, stride, plane, x, mean, inv_std, g, sums);
  const float sg = (float)sums[0], sgh = (float)sums[1];
  grads[0] = sgh;
  grads[1] = sg;
  batchnorm_backward_apply_body(n, stride, plane, x, mean, inv_std, g, gamma, sg, sgh,
                                (float)(n * plane));
}

static inline __attribute__((always_inline)) int64_t
batchnorm_neuron_charge_body(int64_t T, int64_t m, int64_t channels, int64_t plane,
                                     int64_t p0, int64_t p1, const float *x, const float *mean,
                                     const float *inv_std, const float *gamma,
                                     const float *beta, float *h, float *v, int lif, float tau,
                                     float v_threshold) {
  // γ·((x − mean)·invStd) + β unfused, as sdfa_batchnorm_forward; the neuron as
  // sdfa_neuron_forward.
#pragma clang fp contract(off)
  memset(v + p0 * plane, 0, (size_t)((p1 - p0) * plane) * sizeof(float));
  int64_t count = 0;
  for (int64_t t = 0; t < T; t++) {
    for (int64_t p = p0; p < p1; p++) {
      const int64_t o = t * m + p * plane, c = p % channels;
      const int norm = mean != 0;
      const float mu = norm ? mean[c] : 0.0f, s = norm ? inv_std[c] : 1.0f;
      const float g = norm ? gamma[c] : 1.0f, b = norm ? beta[c] : 0.0f;
      const float *xt = x + o;
      float *ht = h + o, *vt = v + p * plane;
      int32_t spikes = 0;
      for (int64_t j = 0; j < plane; j++) {
        const float in = norm ? g * ((xt[j] - mu) * s) + b : xt[j];
        const float hv = lif ? vt[j] + (in - vt[j]) / tau : vt[j] + in;
        const float sp = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
        ht[j] = hv;
        vt[j] = hv * (1.0f - sp);
        spikes += (int32_t)sp;
      }
      count += spikes;
    }
  }
  return count;
}

// In place (the engine's memory-lean mode passes one buffer for both): the same body with
// one pointer, so that the compiler sees the aliasing and still vectorizes (with two equal
// pointers its runtime overlap check would pick the scalar loop).
MULTIVERSION
int64_t sdfa_batchnorm_neuron_charge(int64_t T, int64_t m, int64_t channels, int64_t plane,
                                     int64_t p0, int64_t p1, const float *x, const float *mean,
                                     const float *inv_std, const float *gamma,
                                     const float *beta, float *h, float *v, int lif, float tau,
                                     float v_threshold) {
  if ((const float *)h == x) return batchnorm_neuron_charge_body(T, m, channels, plane, p0, p1, h, mean, inv_std, gamma, beta, h, v, lif, tau, v_threshold);
  return batchnorm_neuron_charge_body(T, m, channels, plane, p0, p1, x, mean, inv_std, gamma, beta, h, v, lif, tau, v_threshold);
}

static inline __attribute__((always_inline)) void
pooled_neuron_backward_body(int64_t T, int64_t planes, int64_t h, int64_t w, int64_t p0,
                                 int64_t p1, const float *hm, const float *grad_pooled,
                                 int64_t grad_tstride, const int32_t *argmax, float *grad_x,
                                 int lif, float tau, float v_threshold, float alpha,
                                 int detach_reset, int through_time) {
  // The surrogate gradient exactly as sdfa_neuron_backward; the spike is recomputed from H
  // (S = H − v_th ≥ 0, as the forward pass set it).
  const float half_alpha = alpha / 2.0f;
  const float k = 1.5707963267948966f * alpha;
  const float decay = !through_time ? 0.0f : lif ? 1.0f - 1.0f / tau : 1.0f;
  const float reset = detach_reset ? 0.0f : 1.0f;
  const float scale_x = lif ? 1.0f / tau : 1.0f;
  const int64_t ho = h / 2, wo = w / 2, plane = h * w, po = ho * wo;
  const int64_t m = planes * plane, mp = planes * po;
  float gs[2 * w], gv[2 * w];
  for (int64_t p = p0; p < p1; p++) {
    // Row pairs under a pooled row, then (odd h) the last row, which pooling drops.
    for (int64_t y0 = 0; y0 < h; y0 += 2) {
      const int64_t rows = y0 + 1 < h ? 2 : 1, n = rows * w, py = y0 / 2;
      const int pooled = py < ho;
      for (int64_t j = 0; j < n; j++) gv[j] = 0;
      for (int64_t t = T - 1; t >= 0; t--) {
        for (int64_t j = 0; j < n; j++) gs[j] = 0;
        const int64_t o = t * m + p * plane + y0 * w;
        const float *ht = hm + o;
        if (pooled && argmax) {
          const float *g = grad_pooled + t * grad_tstride + p * po + py * wo;
          const int32_t *a = argmax + t * mp + p * po + py * wo;
          for (int64_t px = 0; px < wo; px++) gs[a[px] - y0 * w] = g[px];
        } else if (pooled) {
          // The maximum pool_plane took, from the spikes of this row pair (not yet overwritten
          // when in place): the window's first spiking unit in row-major order, else its first.
          const float *g = grad_pooled + t * grad_tstride + p * po + py * wo;
          for (int64_t px = 0; px < wo; px++) {
            const int64_t x0 = 2 * px;
            const int64_t best = (ht[x0] - v_threshold) >= 0.0f            ? x0
                                 : (ht[x0 + 1] - v_threshold) >= 0.0f     ? x0 + 1
                                 : (ht[w + x0] - v_threshold) >= 0.0f     ? w + x0
                                 : (ht[w + x0 + 1] - v_threshold) >= 0.0f ? w + x0 + 1
                                                                          : x0;
            gs[best] = g[px];
          }
        }
        float *gxt = grad_x + o;
        for (int64_t j = 0; j < n; j++) {
          const float hv = ht[j];
          const float st = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
          const float z = k * (hv - v_threshold);
          const float sg = half_alpha / (1.0f + z * z);
          const float gh = gs[j] * sg + gv[j] * ((1.0f - st) - reset * hv * sg);
          gxt[j] = gh * scale_x;
          gv[j] = gh * decay;
        }
      }
    }
  }
}

// In place (the engine's memory-lean mode passes one buffer for both): the same body with
// one pointer, so that the compiler sees the aliasing and still vectorizes (with two equal
// pointers its runtime overlap check would pick the scalar loop).
MULTIVERSION
void sdfa_pooled_neuron_backward(int64_t T, int64_t planes, int64_t h, int64_t w, int64_t p0,
                                 int64_t p1, const float *hm, const float *grad_pooled,
                                 int64_t grad_tstride, const int32_t *argmax, float *grad_x,
                                 int lif, float tau, float v_threshold, float alpha,
                                 int detach_reset, int through_time) {
  if (hm == (const float *)grad_x) { pooled_neuron_backward_body(T, planes, h, w, p0, p1, grad_x, grad_pooled, grad_tstride, argmax, grad_x, lif, tau, v_threshold, alpha, detach_reset, through_time); return; }
  pooled_neuron_backward_body(T, planes, h, w, p0, p1, hm, grad_pooled, grad_tstride, argmax, grad_x, lif, tau, v_threshold, alpha, detach_reset, through_time);
}
