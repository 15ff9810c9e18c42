// Products with binary spike matrices by table lookup (the "method of four Russians"): a layer's
// input spikes select rows of the weight matrix; taking the inputs four at a time, the 16
// possible sums of each group's rows are computed once per column panel, and each output row
// adds one table entry per group instead of one weight row per active input. The work is
// rows x inputs / 4 lookups whatever the spike rate, which beats both the gather kernels and a
// dense product once more than ~22% of the inputs spike (`snnbench --crossover`).
#include "CKernelsBinary.h"
#include <string.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

typedef float v16 __attribute__((vector_size(64)));

/// Columns per panel (two 16-float vectors: the 16 KiB of tables leave room in L1 for the
/// output rows streaming past; 64 columns measured 15% slower), bits per group, groups per chunk.
#define PANEL 32
#define VECS (PANEL / 16)
#define GROUP_BITS 4
#define GROUPS 8
#define CHUNK (GROUP_BITS * GROUPS)

// Unaligned 16-float loads and stores (macros: a vector-typed function would fix one ABI for
// every clone).
#define LOAD16(dst, p) memcpy(&(dst), (p), sizeof(v16))
#define STORE16(p, src) memcpy((p), &(src), sizeof(v16))

MULTIVERSION
void sdfa_bits_from_dense(int64_t rows, int64_t width, const float *s, int64_t lds,
                          uint64_t *bits, int64_t wpr) {
  for (int64_t r = 0; r < rows; r++) {
    const float *row = s + r * lds;
    uint64_t *out = bits + r * wpr;
    for (int64_t w = 0; w < wpr; w++) {
      const int64_t c0 = w * 64, n = width - c0 < 64 ? width - c0 : 64;
      uint64_t word = 0;
      if (n == 64) {
        for (int i = 0; i < 64; i++) word |= (uint64_t)(row[c0 + i] != 0.0f) << i;
      } else {
        for (int64_t i = 0; i < n; i++) word |= (uint64_t)(row[c0 + i] != 0.0f) << i;
      }
      out[w] = word;
    }
  }
}

// Transposes a 64x64 bit block in place: a[i] bit j <-> a[j] bit i (Hacker's Delight 7-3).
static void transpose64(uint64_t a[64]) {
  uint64_t m = 0x00000000FFFFFFFFULL;
  for (int j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (int k = 0; k < 64; k = (k + j + 1) & ~j) {
      const uint64_t t = ((a[k] >> j) ^ a[k + j]) & m;
      a[k] ^= t << j;
      a[k + j] ^= t;
    }
  }
}

void sdfa_bits_transpose(int64_t rows, int64_t cols, const uint64_t *bits, int64_t wpr,
                         uint64_t *out, int64_t out_wpr) {
  uint64_t block[64];
  for (int64_t rb = 0; rb < out_wpr; rb++) {
    for (int64_t cb = 0; cb * 64 < cols; cb++) {
      for (int i = 0; i < 64; i++) {
        const int64_t r = rb * 64 + i;
        block[i] = r < rows ? bits[r * wpr + cb] : 0;
      }
      transpose64(block);
      for (int i = 0; i < 64 && cb * 64 + i < cols; i++) out[(cb * 64 + i) * out_wpr + rb] = block[i];
    }
  }
}

// Tables of one chunk: for each group g, t[g][code] = sum of the rows k0 + 4g + b of m (columns
// t0 ..< t0 + width, zero-padded to the panel) over the set bits b of code.
static inline __attribute__((always_inline)) void
build_tables(v16 t[GROUPS][16][VECS], int64_t k0, int64_t k_count, const float *m, int64_t ldm,
             int64_t width) {
  for (int g = 0; g < GROUPS; g++) {
    v16 row[GROUP_BITS][VECS];
    for (int b = 0; b < GROUP_BITS; b++) {
      const int64_t k = k0 + g * GROUP_BITS + b;
      if (k < k_count && width == PANEL) {
        for (int v = 0; v < VECS; v++) LOAD16(row[b][v], m + k * ldm + 16 * v);
      } else {
        float pad[PANEL] = {0};
        if (k < k_count) memcpy(pad, m + k * ldm, (size_t)width * sizeof(float));
        for (int v = 0; v < VECS; v++) LOAD16(row[b][v], pad + 16 * v);
      }
    }
    for (int v = 0; v < VECS; v++) t[g][0][v] = (v16){0};
    for (int code = 1; code < 16; code++) {
      const int low = __builtin_ctz((unsigned)code);
      for (int v = 0; v < VECS; v++) t[g][code][v] = t[g][code & (code - 1)][v] + row[low][v];
    }
  }
}

MULTIVERSION
void sdfa_binary_gemm(int64_t rows, int64_t k_count, int64_t c0, int64_t c1,
                      const uint64_t *bits, int64_t wpr, const float *m, int64_t ldm, float *out,
                      int64_t ldo, int accumulate) {
  v16 tables[GROUPS][16][VECS];
  for (int64_t t0 = c0; t0 < c1; t0 += PANEL) {
    const int64_t width = c1 - t0 < PANEL ? c1 - t0 : PANEL;
    for (int64_t k0 = 0; k0 < k_count; k0 += CHUNK) {
      build_tables(tables, k0, k_count, m + t0, ldm, width);
      const int64_t word = k0 / 64, shift = k0 % 64;
      // The first chunk of a product that overwrites `out` starts from zero instead of loading.
      const int fresh = k0 == 0 && !accumulate;
      for (int64_t r = 0; r < rows; r++) {
        const uint32_t code = (uint32_t)(bits[r * wpr + word] >> shift);
        if (code == 0 && !fresh) continue;
        float *o = out + r * ldo + t0;
        v16 acc[VECS];
        if (fresh) {
          for (int v = 0; v < VECS; v++) acc[v] = (v16){0};
        } else if (width == PANEL) {
          for (int v = 0; v < VECS; v++) LOAD16(acc[v], o + 16 * v);
        } else {
          float pad[PANEL] = {0};
          for (int64_t c = 0; c < width; c++) pad[c] = o[c];
          for (int v = 0; v < VECS; v++) LOAD16(acc[v], pad + 16 * v);
        }
        const unsigned g0 = code & 15, g1 = (code >> 4) & 15, g2 = (code >> 8) & 15,
                       g3 = (code >> 12) & 15, g4 = (code >> 16) & 15, g5 = (code >> 20) & 15,
                       g6 = (code >> 24) & 15, g7 = code >> 28;
        // A balanced sum: four independent additions before the accumulator's.
        for (int v = 0; v < VECS; v++)
          acc[v] += ((tables[0][g0][v] + tables[1][g1][v]) + (tables[2][g2][v] + tables[3][g3][v])) +
                    ((tables[4][g4][v] + tables[5][g5][v]) + (tables[6][g6][v] + tables[7][g7][v]));
        if (width == PANEL) {
          for (int v = 0; v < VECS; v++) STORE16(o + 16 * v, acc[v]);
        } else {
          float pad[PANEL];
          for (int v = 0; v < VECS; v++) STORE16(pad + 16 * v, acc[v]);
          for (int64_t c = 0; c < width; c++) o[c] = pad[c];
        }
      }
    }
  }
}
