import CBLAS
import Dispatch
import _CKernels

/// Namespace of the low-level kernels: every function takes buffer pointers, shapes and
/// leading dimensions; nothing above this layer touches `UnsafePointer`.
///
/// All matrices are row-major; a leading dimension is the distance in elements between the
/// starts of consecutive rows.
public enum Kernels {
  /// Whether the CPU runs the AVX-512 paths of the C kernels.
  public static var cpuHasAVX512F: Bool { sdfa_cpu_has_avx512f() != 0 }

  /// Sets the number of BLAS threads for the whole process.
  ///
  /// Training keeps BLAS at 1 and parallelises products itself (``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:threads:)``):
  /// OpenBLAS's workers busy-wait after each call and would starve the sparse kernels' threads.
  public static func setBLASThreads(_ threads: Int) {
    openblas_set_num_threads(Int32(max(1, threads)))
  }

  /// The BLAS core OpenBLAS selected (e.g. `Haswell`).
  public static var blasCoreName: String { String(cString: openblas_get_corename()) }

  /// `c = alpha · op(a) · op(b) + beta · c` (`cblas_sgemm`, row-major).
  ///
  /// `op(a)` is `[m, k]`, `op(b)` is `[k, n]`, `c` is `[m, n]`; `lda`, `ldb`, `ldc` are the leading
  /// dimensions of the matrices as stored. Complexity: 2·m·n·k flops.
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = 1
  ) {
    guard m > 0, n > 0 else { return }
    // Split the larger side of C over threads, each a single-threaded BLAS call, when the
    // product is big enough to pay for the dispatch.
    if threads > 1 && 2 * m * n * k >= 20_000_000 && k > 0 {
      let parts = threads
      parallelFor(parts, threads: threads) { p in
        if m >= n {
          let i0 = m * p / parts, i1 = m * (p + 1) / parts
          guard i1 > i0 else { return }
          gemm(
            transposeA: transposeA, transposeB: transposeB, m: i1 - i0, n: n, k: k, alpha: alpha,
            a: transposeA ? a + i0 : a + i0 * lda, lda: lda, b: b, ldb: ldb, beta: beta,
            c: c + i0 * ldc, ldc: ldc)
        } else {
          let j0 = n * p / parts, j1 = n * (p + 1) / parts
          guard j1 > j0 else { return }
          gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: j1 - j0, k: k, alpha: alpha,
            a: a, lda: lda, b: transposeB ? b + j0 * ldb : b + j0, ldb: ldb, beta: beta,
            c: c + j0, ldc: ldc)
        }
      }
      return
    }
    if k == 0 {
      for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
      return
    }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
      transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Runs `body(i)` for `i` in `0..<count`, on up to `threads` threads.
  public static func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 || count <= 1 {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: count) { i in box.value(i) }
    }
  }

  /// Splits `0..<n` into at most `parts` ranges whose bounds are multiples of `granule`.
  public static func columnRanges(_ n: Int, parts: Int, granule: Int = 64) -> [Range<Int>] {
    let per = ((n + max(parts, 1) - 1) / max(parts, 1) + granule - 1) / granule * granule
    return stride(from: 0, to: n, by: max(per, granule)).map { $0..<min($0 + max(per, granule), n) }
  }
}

/// Carries a non-Sendable value (a closure capturing pointers) into `concurrentPerform`.
final class UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
