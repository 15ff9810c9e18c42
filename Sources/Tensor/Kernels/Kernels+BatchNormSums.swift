import _CKernels

/// Training-mode batch norm in phases, for statistics summed over processes (synchronised
/// batch norm): ``batchNorm2d(_:images:channels:plane:gamma:beta:eps:y:stats:threads:)`` and
/// its backward, cut where the per-channel sums are complete. With sums from one process the
/// results are those kernels' bit for bit. Layout as there: `x` `[n, c, plane]`; channels split
/// over `threads`.
extension Kernels {
  /// Per-channel `{Σx, Σx²}` in double into `sums` `[c, 2]`.
  public static func batchNorm2dSums(
    _ x: UnsafePointer<Float>, images n: Int, channels c: Int, plane: Int,
    sums: UnsafeMutablePointer<Double>, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_sums(Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, sums + 2 * ch)
      }
    }
  }

  /// `{mean, invStd, unbiased variance}` into `stats` `[c, 3]` from `sums` `[c, 2]` over
  /// `count` values per channel.
  public static func batchNorm2dStatistics(
    sums: UnsafePointer<Double>, channels c: Int, count: Double, eps: Float, stats: UnsafeMutablePointer<Float>
  ) {
    for ch in 0..<c { sdfa_batchnorm_statistics(sums[2 * ch], sums[2 * ch + 1], count, eps, stats + 3 * ch) }
  }

  /// `y = γ · ((x − mean) · invStd) + β` per channel.
  public static func batchNorm2dApply(
    _ x: UnsafePointer<Float>, images n: Int, channels c: Int, plane: Int, gamma: UnsafePointer<Float>,
    beta: UnsafePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_apply(
          Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, y + ch * plane, gamma[ch], beta[ch], mean[ch],
          invStd[ch])
      }
    }
  }

  /// Per-channel `{Σ dL/dy, Σ dL/dy · x̂}` of `g` (dL/dy) into `sums` `[c, 2]`.
  public static func batchNorm2dBackwardSums(
    _ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, images n: Int, channels c: Int, plane: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, sums: UnsafeMutablePointer<Double>, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_backward_sums(
          Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, mean[ch], invStd[ch], g + ch * plane,
          sums + 2 * ch)
      }
    }
  }

  /// dL/dx in place of dL/dy in `g`, from `sums` `[c, 2]` over `count` values per channel.
  public static func batchNorm2dBackwardApply(
    _ g: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, images n: Int, channels c: Int, plane: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    sums: UnsafePointer<Double>, count: Double, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_backward_apply(
          Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, mean[ch], invStd[ch], g + ch * plane, gamma[ch],
          sums[2 * ch], sums[2 * ch + 1], count)
      }
    }
  }
}
