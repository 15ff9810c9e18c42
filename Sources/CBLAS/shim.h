#pragma once
// OpenBLAS's CBLAS interface (Debian libopenblas-dev; include path from pkg-config "openblas").
// Also declares openblas_get_corename() and openblas_set_num_threads().
#include <cblas.h>
