import CBLAS
import _CKernels

/// Namespace of the low-level kernels: every function takes buffer pointers, shapes and
/// leading dimensions; nothing above this layer touches `UnsafePointer`.
public enum Kernels {
  /// Whether the CPU runs the AVX-512 paths of the C kernels.
  public static var cpuHasAVX512F: Bool { sdfa_cpu_has_avx512f() != 0 }
}
