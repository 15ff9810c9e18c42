#pragma once
#include <stdint.h>

/// Whether this CPU executes AVX-512F instructions (the multiversioned kernels' fast path).
int sdfa_cpu_has_avx512f(void);
