#pragma once
#include <stdint.h>

/// Whether this CPU executes AVX-512F instructions (the multiversioned kernels' fast path).
int sdfa_cpu_has_avx512f(void);

// All matrices are row-major with explicit leading dimensions (in elements). Sparse rows are in
// CSR form: row r's entries are idx[row_start[r] ..< row_start[r+1]] (column numbers) with values
// val[...] (val == NULL means every value is 1, as for binary spikes).

/// out[r, c0..<c1] = (beta ? out : 0) + sum_j val[j] * w[idx[j], c0..<c1] for r in 0..<rows.
void sdfa_gather_rows(int64_t rows, int64_t c0, int64_t c1, const int64_t *row_start,
                      const int32_t *idx, const float *val, const float *w, int64_t ldw,
                      float *out, int64_t ldo, int accumulate);

/// Packs w [k, n] (leading dimension ldw) into ceil(n / 64) contiguous, zero-padded panels of
/// [k, 64]: panel p holds columns 64p ..< 64p + 64, each row chunk 256-byte aligned.
void sdfa_pack_panels(int64_t k, int64_t n, const float *w, int64_t ldw, float *panels);

/// sdfa_gather_rows over panels p0 ..< p1 of a packed [k, n] matrix.
void sdfa_gather_panels(int64_t rows, int64_t k, int64_t n, int64_t p0, int64_t p1,
                        const int64_t *row_start, const int32_t *idx, const float *val,
                        const float *panels, float *out, int64_t ldo, int accumulate);

/// dw[idx[j], c0..<c1] += val[j] * dy[r, c0..<c1] for every entry j of every row r.
void sdfa_scatter_rows(int64_t rows, int64_t c0, int64_t c1, const int64_t *row_start,
                       const int32_t *idx, const float *val, const float *dy, int64_t lddy,
                       float *dw, int64_t lddw);

/// Multi-step LIF (lif != 0, decay_input, hard reset to 0) or IF neuron over T steps of m units.
/// x, h, s: [T, m]; v: [m] scratch (state at entry is ignored: every sample starts at V = 0).
/// Emits, for each row of `row_width` units (m = rows_per_step * row_width), the indices of the
/// units that spiked into idx, with row_start[T * rows_per_step + 1]. Returns the spike count.
int64_t sdfa_neuron_forward(int64_t T, int64_t rows_per_step, int64_t row_width, const float *x,
                            float *h, float *s, float *v, int64_t *row_start, int32_t *idx,
                            int lif, float tau, float v_threshold);

/// The dense part of `sdfa_neuron_forward` for units 0 ..< m of rows of length ld (a column
/// block of the layer), without spike indices; v: [m] scratch.
void sdfa_neuron_charge(int64_t T, int64_t m, int64_t ld, const float *x, float *h, float *s,
                        float *v, int lif, float tau, float v_threshold);

/// counts[r] = number of non-zeros of row r of s [rows, width].
void sdfa_count_spikes(int64_t rows, int64_t width, const float *s, int64_t *counts);

/// Writes the indices of the non-zeros of each row r of s at idx[row_start[r] ...], and nothing
/// else (safe for disjoint row blocks on several threads).
void sdfa_emit_spikes(int64_t rows, int64_t width, const float *s, const int64_t *row_start,
                      int32_t *idx);

/// Backward through time of `sdfa_neuron_forward` with the ATan surrogate. detach_reset != 0
/// treats the reset's spike as a constant (dV/dH = 1 − S); through_time == 0 cuts the membrane's
/// gradient between steps (dH[t]/dV[t−1] = 0: each step's dL/dX from that step's dL/dS only).
/// Units 0 ..< m of rows of length ld (ld = m for the whole layer; a column block otherwise).
/// grad_s: dL/dS with time stride grad_s_tstride (0 = same gradient at every step; else ld).
/// grad_x: [T, ld] output dL/dX. gv: [m] scratch.
void sdfa_neuron_backward(int64_t T, int64_t m, int64_t ld, const float *h, const float *s,
                          const float *grad_s, int64_t grad_s_tstride, float *grad_x, float *gv,
                          int lif, float tau, float v_threshold, float alpha, int detach_reset,
                          int through_time);

/// PyTorch Adam / AdamW step over n parameters (decoupled != 0: AdamW weight decay).
void sdfa_adam_step(int64_t n, float *w, const float *g, float *m, float *v, float lr,
                    float beta1, float beta2, float eps, float weight_decay, float bias_c1,
                    float bias_c2, int decoupled);

/// PyTorch SGD step with momentum (dampening 0, not Nesterov) and L2 weight decay.
void sdfa_sgd_step(int64_t n, float *w, const float *g, float *buf, float lr, float momentum,
                   float weight_decay, int first_step);

/// 1 when every one of the n floats is finite, else 0 (x · 0 is NaN exactly for NaN and ±inf).
int sdfa_all_finite(int64_t n, const float *x);
