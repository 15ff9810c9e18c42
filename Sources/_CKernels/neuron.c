// Fused multi-step LIF/IF neuron kernels (spikingjelly semantics, DESIGN.md "SNN semantics").
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#define MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTIVERSION
#endif

static inline __attribute__((always_inline)) int64_t
neuron_forward_body(int64_t T, int64_t rows_per_step, int64_t row_width, const float *x,
                            float *h, float *s, float *v, int64_t *row_start, int32_t *idx,
                            int lif, float tau, float v_threshold) {
  const int64_t m = rows_per_step * row_width;
  memset(v, 0, (size_t)m * sizeof(float));
  int64_t nnz = 0;
  row_start[0] = 0;
  for (int64_t t = 0; t < T; t++) {
    const float *xt = x + t * m;
    float *ht = h + t * m, *st = s + t * m;
    // Same operation order as spikingjelly: H = V + (X - V) / tau; S = (H - v_th >= 0);
    // V = H * (1 - S) (hard reset to 0).
    if (lif) {
      for (int64_t i = 0; i < m; i++) {
        float hv = v[i] + (xt[i] - v[i]) / tau;
        float sp = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
        ht[i] = hv;
        st[i] = sp;
        v[i] = hv * (1.0f - sp);
      }
    } else {
      for (int64_t i = 0; i < m; i++) {
        float hv = v[i] + xt[i];
        float sp = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
        ht[i] = hv;
        st[i] = sp;
        v[i] = hv * (1.0f - sp);
      }
    }
    for (int64_t r = 0; r < rows_per_step; r++) {
      const float *sr = st + r * row_width;
      for (int64_t i = 0; i < row_width; i++) {
        idx[nnz] = (int32_t)i;
        nnz += sr[i] != 0.0f;
      }
      row_start[t * rows_per_step + r + 1] = nnz;
    }
  }
  return nnz;
}

// In place (the engine's memory-lean mode passes one buffer for both): the same body with
// one pointer, so that the compiler sees the aliasing and still vectorizes (with two equal
// pointers its runtime overlap check would pick the scalar loop).
MULTIVERSION
int64_t sdfa_neuron_forward(int64_t T, int64_t rows_per_step, int64_t row_width, const float *x,
                            float *h, float *s, float *v, int64_t *row_start, int32_t *idx,
                            int lif, float tau, float v_threshold) {
  if ((const float *)h == x) return neuron_forward_body(T, rows_per_step, row_width, h, h, s, v, row_start, idx, lif, tau, v_threshold);
  return neuron_forward_body(T, rows_per_step, row_width, x, h, s, v, row_start, idx, lif, tau, v_threshold);
}

static inline __attribute__((always_inline)) void
neuron_backward_body(int64_t T, int64_t m, int64_t ld, const float *h, const float *s,
                          const float *grad_s, int64_t grad_s_tstride, float *grad_x, float *gv,
                          int lif, float tau, float v_threshold, float alpha, int detach_reset,
                          int through_time) {
  const float half_alpha = alpha / 2.0f;
  const float k = 1.5707963267948966f * alpha;
  // through_time == 0 cuts dH[t]/dV[t-1]: nothing flows back from step t to step t-1.
  const float decay = !through_time ? 0.0f : lif ? 1.0f - 1.0f / tau : 1.0f;
  const float reset = detach_reset ? 0.0f : 1.0f;
  const float scale_x = lif ? 1.0f / tau : 1.0f;
  memset(gv, 0, (size_t)m * sizeof(float));
  for (int64_t t = T - 1; t >= 0; t--) {
    const float *ht = h + t * ld, *st = s + t * ld, *gst = grad_s + t * grad_s_tstride;
    float *gxt = grad_x + t * ld;
    for (int64_t i = 0; i < m; i++) {
      float z = k * (ht[i] - v_threshold);
      float sg = half_alpha / (1.0f + z * z);
      // V = H (1 - S(H)): dV/dH = (1 - S) - H * S'(H); with detach_reset the spike of the
      // reset term is a constant and dV/dH = 1 - S (spikingjelly's detach_reset=True).
      float gh = gst[i] * sg + gv[i] * ((1.0f - st[i]) - reset * ht[i] * sg);
      gxt[i] = gh * scale_x;
      gv[i] = gh * decay;
    }
  }
}

// In place (the engine's memory-lean mode passes one buffer for both): the same body with
// one pointer, so that the compiler sees the aliasing and still vectorizes (with two equal
// pointers its runtime overlap check would pick the scalar loop).
MULTIVERSION
void sdfa_neuron_backward(int64_t T, int64_t m, int64_t ld, const float *h, const float *s,
                          const float *grad_s, int64_t grad_s_tstride, float *grad_x, float *gv,
                          int lif, float tau, float v_threshold, float alpha, int detach_reset,
                          int through_time) {
  if (h == (const float *)grad_x) { neuron_backward_body(T, m, ld, grad_x, s, grad_s, grad_s_tstride, grad_x, gv, lif, tau, v_threshold, alpha, detach_reset, through_time); return; }
  neuron_backward_body(T, m, ld, h, s, grad_s, grad_s_tstride, grad_x, gv, lif, tau, v_threshold, alpha, detach_reset, through_time);
}

static inline __attribute__((always_inline)) void
neuron_charge_body(int64_t T, int64_t m, int64_t ld, const float *x, float *h, float *s,
                        float *v, int lif, float tau, float v_threshold) {
  memset(v, 0, (size_t)m * sizeof(float));
  for (int64_t t = 0; t < T; t++) {
    const float *xt = x + t * ld;
    float *ht = h + t * ld, *st = s + t * ld;
    if (lif) {
      for (int64_t i = 0; i < m; i++) {
        float hv = v[i] + (xt[i] - v[i]) / tau;
        float sp = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
        ht[i] = hv;
        st[i] = sp;
        v[i] = hv * (1.0f - sp);
      }
    } else {
      for (int64_t i = 0; i < m; i++) {
        float hv = v[i] + xt[i];
        float sp = (hv - v_threshold) >= 0.0f ? 1.0f : 0.0f;
        ht[i] = hv;
        st[i] = sp;
        v[i] = hv * (1.0f - sp);
      }
    }
  }
}

// In place (the engine's memory-lean mode passes one buffer for both): the same body with
// one pointer, so that the compiler sees the aliasing and still vectorizes (with two equal
// pointers its runtime overlap check would pick the scalar loop).
MULTIVERSION
void sdfa_neuron_charge(int64_t T, int64_t m, int64_t ld, const float *x, float *h, float *s,
                        float *v, int lif, float tau, float v_threshold) {
  if ((const float *)h == x) { neuron_charge_body(T, m, ld, h, h, s, v, lif, tau, v_threshold); return; }
  neuron_charge_body(T, m, ld, x, h, s, v, lif, tau, v_threshold);
}

MULTIVERSION
void sdfa_count_spikes(int64_t rows, int64_t width, const float *s, int64_t *counts) {
  for (int64_t r = 0; r < rows; r++) {
    const float *sr = s + r * width;
    int64_t c = 0;
    for (int64_t i = 0; i < width; i++) c += sr[i] != 0.0f;
    counts[r] = c;
  }
}

void sdfa_emit_spikes(int64_t rows, int64_t width, const float *s, const int64_t *row_start,
                      int32_t *idx) {
  // The fused kernel's unconditional store, into a local block: stored straight into idx it
  // would land one slot past the row's spikes, which belongs to a row another thread may be
  // writing; a branch per unit instead mispredicts about once per spike at SDFA's rates.
  enum { BLOCK = 1024 };
  int32_t block[BLOCK];
  for (int64_t r = 0; r < rows; r++) {
    const float *sr = s + r * width;
    int64_t o = row_start[r];
    for (int64_t c0 = 0; c0 < width; c0 += BLOCK) {
      const int64_t n = width - c0 < BLOCK ? width - c0 : BLOCK;
      int64_t k = 0;
      for (int64_t i = 0; i < n; i++) {
        block[k] = (int32_t)(c0 + i);
        k += sr[c0 + i] != 0.0f;
      }
      memcpy(idx + o, block, (size_t)k * sizeof(int32_t));
      o += k;
    }
  }
}
