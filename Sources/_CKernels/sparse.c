// Spike-driven sparse kernels: the products of SNN layers are sums of weight rows over the
// active inputs. Column tiles keep the accumulators in registers and the weight tile in L2.
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

#define TILE 64

// One column tile: out[r, 0..<width] (+)= sum_j val[j] * w[idx[j], 0..<width].
static inline __attribute__((always_inline)) void
gather_tile(int64_t rows, int64_t width, const int64_t *row_start, const int32_t *idx,
            const float *val, const float *w, int64_t ldw, float *out, int64_t ldo,
            int accumulate) {
  if (width == TILE) {
    for (int64_t r = 0; r < rows; r++) {
      float acc[TILE];
      float *o = out + r * ldo;
      if (accumulate) {
        for (int c = 0; c < TILE; c++) acc[c] = o[c];
      } else {
        for (int c = 0; c < TILE; c++) acc[c] = 0.0f;
      }
      const int64_t e = row_start[r + 1];
      if (val) {
        for (int64_t j = row_start[r]; j < e; j++) {
          const float *wr = w + (int64_t)idx[j] * ldw;
          const float a = val[j];
          for (int c = 0; c < TILE; c++) acc[c] += a * wr[c];
        }
      } else {
        for (int64_t j = row_start[r]; j < e; j++) {
          const float *wr = w + (int64_t)idx[j] * ldw;
          for (int c = 0; c < TILE; c++) acc[c] += wr[c];
        }
      }
      for (int c = 0; c < TILE; c++) o[c] = acc[c];
    }
  } else {
    for (int64_t r = 0; r < rows; r++) {
      float *o = out + r * ldo;
      if (!accumulate)
        for (int64_t c = 0; c < width; c++) o[c] = 0.0f;
      for (int64_t j = row_start[r]; j < row_start[r + 1]; j++) {
        const float *wr = w + (int64_t)idx[j] * ldw;
        const float a = val ? val[j] : 1.0f;
        for (int64_t c = 0; c < width; c++) o[c] += a * wr[c];
      }
    }
  }
}

MULTIVERSION
void sdfa_gather_rows(int64_t rows, int64_t c0, int64_t c1, const int64_t *row_start,
                      const int32_t *idx, const float *val, const float *w, int64_t ldw,
                      float *out, int64_t ldo, int accumulate) {
  for (int64_t t0 = c0; t0 < c1; t0 += TILE) {
    int64_t width = c1 - t0 < TILE ? c1 - t0 : TILE;
    gather_tile(rows, width, row_start, idx, val, w + t0, ldw, out + t0, ldo, accumulate);
  }
}

MULTIVERSION
void sdfa_pack_panels(int64_t k, int64_t n, const float *w, int64_t ldw, float *panels) {
  for (int64_t p = 0; p * TILE < n; p++) {
    const int64_t c0 = p * TILE, width = n - c0 < TILE ? n - c0 : TILE;
    float *dst = panels + p * k * TILE;
    for (int64_t r = 0; r < k; r++) {
      const float *src = w + r * ldw + c0;
      for (int64_t c = 0; c < width; c++) dst[r * TILE + c] = src[c];
      for (int64_t c = width; c < TILE; c++) dst[r * TILE + c] = 0.0f;
    }
  }
}

MULTIVERSION
void sdfa_gather_panels(int64_t rows, int64_t k, int64_t n, int64_t p0, int64_t p1,
                        const int64_t *row_start, const int32_t *idx, const float *val,
                        const float *panels, float *out, int64_t ldo, int accumulate) {
  for (int64_t p = p0; p < p1; p++) {
    const int64_t c0 = p * TILE, width = n - c0 < TILE ? n - c0 : TILE;
    gather_tile(rows, width, row_start, idx, val, panels + p * k * TILE, TILE, out + c0, ldo,
                accumulate);
  }
}

MULTIVERSION
void sdfa_scatter_rows(int64_t rows, int64_t c0, int64_t c1, const int64_t *row_start,
                       const int32_t *idx, const float *val, const float *dy, int64_t lddy,
                       float *dw, int64_t lddw) {
  for (int64_t t0 = c0; t0 < c1; t0 += TILE) {
    int64_t width = c1 - t0 < TILE ? c1 - t0 : TILE;
    for (int64_t r = 0; r < rows; r++) {
      const float *g = dy + r * lddy + t0;
      const int64_t e = row_start[r + 1];
      if (width == TILE) {
        float gr[TILE];
        for (int c = 0; c < TILE; c++) gr[c] = g[c];
        for (int64_t j = row_start[r]; j < e; j++) {
          float *d = dw + (int64_t)idx[j] * lddw + t0;
          const float a = val ? val[j] : 1.0f;
          for (int c = 0; c < TILE; c++) d[c] += a * gr[c];
        }
      } else {
        for (int64_t j = row_start[r]; j < e; j++) {
          float *d = dw + (int64_t)idx[j] * lddw + t0;
          const float a = val ? val[j] : 1.0f;
          for (int64_t c = 0; c < width; c++) d[c] += a * g[c];
        }
      }
    }
  }
}
