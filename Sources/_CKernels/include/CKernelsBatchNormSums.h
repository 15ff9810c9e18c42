#pragma once
#include <stdint.h>

// Training-mode batch norm in phases, for batch statistics summed over several processes
// (synchronised batch norm): each phase is the matching part of sdfa_batchnorm_forward /
// sdfa_batchnorm_backward, with the same arithmetic, so that one process's sums give those
// functions' bits. One channel: n images of `plane` values, image i at x + i·stride.

/// The channel's sum and sum of squares, in double (lanes folded in a fixed order):
/// sums = {Σx, Σx²}.
void sdfa_batchnorm_sums(int64_t n, int64_t stride, int64_t plane, const float *x, double *sums);

/// Statistics from (summed) sums over `count` values: stats = {mean, invStd, unbiased variance}.
void sdfa_batchnorm_statistics(double sum, double squares, double count, float eps, float *stats);

/// y = γ · ((x − mean) · invStd) + β.
void sdfa_batchnorm_apply(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                          float gamma, float beta, float mean, float inv_std);

/// The backward pass's sums for dL/dy in g: sums = {Σ dL/dy, Σ dL/dy · x̂}.
void sdfa_batchnorm_backward_sums(int64_t n, int64_t stride, int64_t plane, const float *x,
                                  float mean, float inv_std, const float *g, double *sums);

/// dL/dx in place of dL/dy in g from the (summed) sums over `count` values.
void sdfa_batchnorm_backward_apply(int64_t n, int64_t stride, int64_t plane, const float *x,
                                   float mean, float inv_std, float *g, float gamma, double sum_g,
                                   double sum_gxhat, double count);
