// Batch norm in phases (CKernelsBatchNormSums.h): sdfa_batchnorm_forward and
// sdfa_batchnorm_backward (conv.c) cut where their per-channel sums are complete, so that the
// sums can be added over processes in between. Same lanes, same fold, same unfused float
// expressions: with one process the results are those functions' bit for bit.
#include "CKernelsBatchNormSums.h"

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

#define LANES 8

static inline double fold(const double lanes[LANES]) {
  double s = 0;
  for (int l = 0; l < LANES; l++) s += lanes[l];
  return s;
}

MULTIVERSION
void sdfa_batchnorm_sums(int64_t n, int64_t stride, int64_t plane, const float *x, double *sums) {
#pragma clang fp contract(off)
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

void sdfa_batchnorm_statistics(double sum, double squares, double count, float eps, float *stats) {
#pragma clang fp contract(off)
  const double m = count, mean = sum / m;
  const double ss = squares - mean * mean * m, centered = ss > 0 ? ss : 0;
  stats[0] = (float)mean;
  stats[1] = (float)(1.0 / __builtin_sqrt(centered / m + (double)eps));
  stats[2] = (float)(m > 1 ? centered / (m - 1) : 0);
}

MULTIVERSION
void sdfa_batchnorm_apply(int64_t n, int64_t stride, int64_t plane, const float *x, float *y,
                          float gamma, float beta, float mean, float inv_std) {
#pragma clang fp contract(off)
  for (int64_t i = 0; i < n; i++) {
    const float *p = x + i * stride;
    float *q = y + i * stride;
    for (int64_t j = 0; j < plane; j++) q[j] = gamma * ((p[j] - mean) * inv_std) + beta;
  }
}

MULTIVERSION
void sdfa_batchnorm_backward_sums(int64_t n, int64_t stride, int64_t plane, const float *x,
                                  float mean, float inv_std, const float *g, double *sums) {
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

MULTIVERSION
void sdfa_batchnorm_backward_apply(int64_t n, int64_t stride, int64_t plane, const float *x,
                                   float mean, float inv_std, float *g, float gamma, double sum_g,
                                   double sum_gxhat, double count) {
#pragma clang fp contract(off)
  const float sg = (float)sum_g, sgh = (float)sum_gxhat;
  const float m = (float)count, k = gamma * inv_std / m;
  for (int64_t i = 0; i < n; i++) {
    float *pg = g + i * stride;
    const float *px = x + i * stride;
    for (int64_t j = 0; j < plane; j++) {
      const float xh = (px[j] - mean) * inv_std;
      pg[j] = k * (m * pg[j] - sg - xh * sgh);
    }
  }
}
