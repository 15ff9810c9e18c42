#pragma once
#include <stdint.h>

// Products with a binary left operand (spike matrices), given as bitmaps: row r of a bitmap with
// `wpr` 64-bit words per row holds column c at bit (c % 64) of word bits[r * wpr + c / 64]. Bits
// past the last column are zero.

/// bits[r, :] = (s[r, c] != 0) for r < rows, c < width; s has leading dimension lds.
void sdfa_bits_from_dense(int64_t rows, int64_t width, const float *s, int64_t lds,
                          uint64_t *bits, int64_t wpr);

/// out = transpose of the [rows, cols] bitmap `bits` (wpr words per row): out is [cols, rows]
/// with out_wpr = ceil(rows / 64) words per row, padding bits zero.
void sdfa_bits_transpose(int64_t rows, int64_t cols, const uint64_t *bits, int64_t wpr,
                         uint64_t *out, int64_t out_wpr);

/// out[r, c0..<c1] = (accumulate ? out : 0) + sum over set bits k of row r of m[k, c0..<c1],
/// for r < rows, over k < k_count. Inputs are taken four at a time: the 16 sums of each
/// group's rows of m are tabulated once per 32-column panel and looked up by the row's 4-bit
/// code, so the work does not grow with the density of the bitmap.
void sdfa_binary_gemm(int64_t rows, int64_t k_count, int64_t c0, int64_t c1,
                      const uint64_t *bits, int64_t wpr, const float *m, int64_t ldm, float *out,
                      int64_t ldo, int accumulate);
