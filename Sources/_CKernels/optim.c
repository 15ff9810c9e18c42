// Optimizer steps, elementwise with PyTorch's operation order.
#include "CKernels.h"
#include <math.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

MULTIVERSION
void sdfa_adam_step(int64_t n, float *w, const float *g, float *m, float *v, float lr,
                    float beta1, float beta2, float eps, float weight_decay, float bias_c1,
                    float bias_c2, int decoupled) {
  const float step = lr / bias_c1;
  const float sqrt_c2 = sqrtf(bias_c2);
  for (int64_t i = 0; i < n; i++) {
    float gi = g[i];
    float wi = w[i];
    if (decoupled) wi = wi * (1.0f - lr * weight_decay);
    else gi = gi + weight_decay * wi;
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - step * (mi / (sqrtf(vi) / sqrt_c2 + eps));
  }
}

MULTIVERSION
void sdfa_sgd_step(int64_t n, float *w, const float *g, float *buf, float lr, float momentum,
                   float weight_decay, int first_step) {
  for (int64_t i = 0; i < n; i++) {
    float gi = g[i] + weight_decay * w[i];
    float b = gi;
    if (momentum != 0.0f) {
      b = first_step ? gi : momentum * buf[i] + gi;
      buf[i] = b;
    }
    w[i] = w[i] - lr * b;
  }
}

MULTIVERSION
int sdfa_all_finite(int64_t n, const float *x) {
  float acc[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 16; k++) acc[k] += x[i + k] * 0.0f;
  float tail = 0.0f;
  for (; i < n; i++) tail += x[i] * 0.0f;
  for (int k = 0; k < 16; k++) tail += acc[k];
  return tail == 0.0f;
}
