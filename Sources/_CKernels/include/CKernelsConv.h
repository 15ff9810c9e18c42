#pragma once
#include <stdint.h>

// Convolution-block kernels on NCHW images (stride 1, k×k kernel, zero padding `pad`; the
// output of an h×w image is oh×ow with oh = h + 2·pad − k + 1, ow = w + 2·pad − k + 1).
// A sparse image lists its active inputs as flat indices idx[j] = (c·h + y)·w + x with values
// val[j] (val == NULL means every value is 1, as for binary spikes).

/// Floats of scratch `sdfa_conv_sparse_forward` needs for one image of c×h×w inputs.
int64_t sdfa_conv_sparse_forward_scratch(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad,
                                         int64_t co);

/// Spike-driven convolution of one sparse image: out [co, oh·ow] = conv(x, W), where
/// wt [c·k·k, co] is W transposed (row (ci·k + ky)·k + kx). The entries are listed by input
/// pixel; each output pixel then sums, in registers, the co-rows of wt of the active inputs
/// its k·k taps reach (scaled by their values), into a channels-last image transposed into out.
void sdfa_conv_sparse_forward(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                              int64_t w, int64_t k, int64_t pad, int64_t co, const float *wt,
                              float *scratch, float *out);

/// Floats of scratch `sdfa_conv_sparse_weight_grad` needs for one image of c×h×w inputs.
int64_t sdfa_conv_sparse_weight_grad_scratch(int64_t c, int64_t h, int64_t w, int64_t k,
                                             int64_t pad, int64_t co);

/// Weight gradient of `sdfa_conv_sparse_forward` for one sparse image, from dy [co, oh·ow]:
/// dwt [c·k·k, co] += Σ_j val[j] · dy[:, pixel of entry j through the tap] for every tap row.
/// dy is first made channels-last; each run of entries of one channel then sums, per tap, their
/// dy rows in registers and adds the sum to the tap's row. Needs pad ≤ k − 1.
void sdfa_conv_sparse_weight_grad(int64_t nnz, const int32_t *idx, const float *val, int64_t h,
                                  int64_t w, int64_t k, int64_t pad, int64_t co,
                                  const float *dy, float *scratch, float *dwt);

/// dst [cols, rows] (leading dimension ldd) = transpose of src [rows, cols] (lds).
void sdfa_transpose(int64_t rows, int64_t cols, const float *src, int64_t lds, float *dst,
                    int64_t ldd);

/// Unrolls one image x [c, h, w] into cols [c·k·k, oh·ow]: row (ci·k + ky)·k + kx, column
/// y·ow + x holds x[ci, y + ky − pad, x + kx − pad] (0 outside the image).
void sdfa_im2col(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad, const float *x,
                 float *cols);

/// The adjoint of `sdfa_im2col`: adds cols [c·k·k, oh·ow] into dx [c, h, w].
void sdfa_col2im(int64_t c, int64_t h, int64_t w, int64_t k, int64_t pad, const float *cols,
                 float *dx);

/// 2×2 stride-2 max pooling of `planes` planes [h, w] into [h/2, w/2] (floor), with the flat
/// in-plane index of each maximum; ties go to the first in row-major window order, NaN wins.
void sdfa_maxpool2x2(int64_t planes, int64_t h, int64_t w, const float *x, float *out,
                     int32_t *argmax);

/// `sdfa_maxpool2x2` of the spikes of one image's `planes` membrane planes, S = (H − threshold
/// ≥ 0) ? 1 : 0 as the neuron set them, that also lists the flat indices (p·(h/2)·(w/2) +
/// in-plane index) of the non-zero outputs in increasing order into idx (capacity
/// planes·(h/2)·(w/2)); returns their count. argmax may be NULL: the pooled backward pass
/// (`sdfa_pooled_neuron_backward`) can find the maxima again in the membrane.
int64_t sdfa_spike_maxpool2x2(int64_t planes, int64_t h, int64_t w, const float *membrane,
                              float threshold, float *out, int32_t *argmax, int32_t *idx);

/// Gradient of `sdfa_maxpool2x2`: dx [planes, h, w] = 0 except dx[argmax] = grad_out.
void sdfa_maxpool2x2_backward(int64_t planes, int64_t h, int64_t w, const float *grad_out,
                              const int32_t *argmax, float *dx);

/// Training-mode batch norm of one channel: n images of `plane` values, image i at
/// x + i·stride. Writes stats = {mean, invStd, unbiased variance} and, unless y is NULL,
/// y = γ · x̂ + β with x̂ = (x − mean) · invStd (same layout). Sums in double, in a fixed order.
void sdfa_batchnorm_forward(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                            float gamma, float beta, float eps, float *stats);

/// Backward of `sdfa_batchnorm_forward` for one channel of input x with its mean and invStd:
/// g holds dL/dy on entry and dL/dx on return; grads = {dγ, dβ}. x̂ is recomputed from x.
void sdfa_batchnorm_backward(int64_t n, int64_t stride, int64_t plane, const float *x,
                             float mean, float inv_std, float *g, float gamma, float *grads);

/// `sdfa_batchnorm_forward` in parts, for sums taken over several processes: sums = {Σx, Σx²}
/// of one channel (in double, in the same order); stats = {mean, invStd, unbiased variance}
/// from sums over m values; y = γ · ((x − mean) · invStd) + β.
void sdfa_batchnorm_sums(int64_t n, int64_t stride, int64_t plane, const float *x, double *sums);
void sdfa_batchnorm_statistics(double sum, double sq, double m, float eps, float *stats);
void sdfa_batchnorm_apply(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                          float gamma, float beta, float mean, float inv_std);

/// `sdfa_batchnorm_backward` in parts: sums = {Σ dL/dy, Σ dL/dy · x̂} of one channel; then g
/// (dL/dy) becomes dL/dx from the sums sg, sgh over `count` values.
void sdfa_batchnorm_backward_sums(int64_t n, int64_t stride, int64_t plane, const float *x,
                                  float mean, float inv_std, const float *g, double *sums);
void sdfa_batchnorm_backward_apply(int64_t n, int64_t stride, int64_t plane, const float *x,
                                   float mean, float inv_std, float *g, float gamma, float sg,
                                   float sgh, float count);

/// Multi-step LIF (lif != 0) or IF neuron, as `sdfa_neuron_charge` but writing only the
/// membrane h (the spikes are h − v_threshold ≥ 0), over the batch norm γ[c] · ((x − mean[c]) ·
/// invStd[c]) + β[c] of its input (the input itself when mean is NULL), for planes p0 ..< p1 of
/// each step: x, h are [T, m] with m = planes · plane, plane p of channel p % channels; v: [m]
/// scratch (every sample starts at V = 0; only planes p0 ..< p1 are touched). Returns the spike
/// count of those planes.
int64_t sdfa_batchnorm_neuron_charge(int64_t T, int64_t m, int64_t channels, int64_t plane,
                                     int64_t p0, int64_t p1, const float *x, const float *mean,
                                     const float *inv_std, const float *gamma,
                                     const float *beta, float *h, float *v, int lif, float tau,
                                     float v_threshold);

/// `sdfa_maxpool2x2_backward` followed by `sdfa_neuron_backward` (ATan surrogate, the same
/// detach_reset and through_time) for a pooled block, without materialising dL/dS: planes p0 ..< p1 of `planes`
/// planes [h, w] per step. hm, grad_x: [T, planes·h·w]; argmax: [T, planes·(h/2)·(w/2)];
/// grad_pooled: dL/d(pooled output) with time stride grad_tstride (0: the same at every step,
/// else planes·(h/2)·(w/2)). Spikes are recomputed from hm; so are the maxima when argmax is
/// NULL (the window's first spike in row-major order, else its first unit: what
/// `sdfa_spike_maxpool2x2` records), which saves a block an int32 per pooled output.
void sdfa_pooled_neuron_backward(int64_t T, int64_t planes, int64_t h, int64_t w, int64_t p0,
                                 int64_t p1, const float *hm, const float *grad_pooled,
                                 int64_t grad_tstride, const int32_t *argmax, float *grad_x,
                                 int lif, float tau, float v_threshold, float alpha,
                                 int detach_reset, int through_time);
