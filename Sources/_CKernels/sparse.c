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

MULTIVERSION
void sdfa_gather_rows(int64_t rows, int64_t c0, int64_t c1, const int64_t *row_start,
                      const int32_t *idx, const float *val, const float *w, int64_t ldw,
                      float *out, int64_t ldo, int accumulate) {
  for (int64_t t0 = c0; t0 < c1; t0 += TILE) {
    int64_t width = c1 - t0 < TILE ? c1 - t0 : TILE;
    if (width == TILE) {
      for (int64_t r = 0; r < rows; r++) {
        float acc[TILE];
        float *o = out + r * ldo + t0;
        if (accumulate) {
          for (int c = 0; c < TILE; c++) acc[c] = o[c];
        } else {
          for (int c = 0; c < TILE; c++) acc[c] = 0.0f;
        }
        const int64_t e = row_start[r + 1];
        if (val) {
          for (int64_t j = row_start[r]; j < e; j++) {
            const float *wr = w + (int64_t)idx[j] * ldw + t0;
            const float a = val[j];
            for (int c = 0; c < TILE; c++) acc[c] += a * wr[c];
          }
        } else {
          for (int64_t j = row_start[r]; j < e; j++) {
            const float *wr = w + (int64_t)idx[j] * ldw + t0;
            for (int c = 0; c < TILE; c++) acc[c] += wr[c];
          }
        }
        for (int c = 0; c < TILE; c++) o[c] = acc[c];
      }
    } else {
      for (int64_t r = 0; r < rows; r++) {
        float *o = out + r * ldo + t0;
        if (!accumulate)
          for (int64_t c = 0; c < width; c++) o[c] = 0.0f;
        for (int64_t j = row_start[r]; j < row_start[r + 1]; j++) {
          const float *wr = w + (int64_t)idx[j] * ldw + t0;
          const float a = val ? val[j] : 1.0f;
          for (int64_t c = 0; c < width; c++) o[c] += a * wr[c];
        }
      }
    }
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
