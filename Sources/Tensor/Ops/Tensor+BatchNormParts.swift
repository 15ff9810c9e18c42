import _CKernels

/// Training-mode batch norm in parts, for data-parallel training that sums each channel's
/// statistics over processes (synchronised batch norm): the sums of this process's values,
/// the statistics from sums (of every process), the normalisation; and the backward pass's
/// sums and their application. With sums of one process the parts give
/// ``batchNorm2d(_:gamma:beta:eps:into:threads:)`` and
/// ``batchNorm2dBackward(_:input:statistics:gamma:threads:)`` bit for bit.
extension Tensor {
  /// Per-channel sums of `x` `[N, C, H, W]`: `[Σx (C values), Σx² (C values), N · H · W]`.
  public static func batchNorm2dSums(_ x: Tensor, threads: Int = 1) -> [Double] {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var pairs = [Double](repeating: 0, count: 2 * c)
    x.withUnsafeBufferPointer { px in
      pairs.withUnsafeMutableBufferPointer { out in
        let base = px.baseAddress!, sums = out.baseAddress!
        let parts = max(1, min(threads, c))
        Kernels.parallelFor(parts, threads: parts) { p in
          for ch in (c * p / parts)..<(c * (p + 1) / parts) {
            sdfa_batchnorm_sums(Int64(n), Int64(c * plane), Int64(plane), base + ch * plane, sums + 2 * ch)
          }
        }
      }
    }
    return (0..<c).map { pairs[2 * $0] } + (0..<c).map { pairs[2 * $0 + 1] } + [Double(n * plane)]
  }

  /// The statistics of ``batchNorm2dSums(_:threads:)`` (summed over processes).
  public static func batchNormStatistics(sums: [Double], eps: Float = 1e-5) -> BatchNormStatistics {
    let c = (sums.count - 1) / 2
    var stats = [Float](repeating: 0, count: 3)
    var result = BatchNormStatistics(mean: [], invStd: [], unbiasedVariance: [])
    for ch in 0..<c {
      sdfa_batchnorm_statistics(sums[ch], sums[c + ch], sums[2 * c], eps, &stats)
      result.mean.append(stats[0])
      result.invStd.append(stats[1])
      result.unbiasedVariance.append(stats[2])
    }
    return result
  }

  /// `y = γ · ((x − mean) · invStd) + β` per channel, with given statistics.
  public static func batchNorm2dApply(
    _ x: Tensor, statistics: BatchNormStatistics, gamma: [Float], beta: [Float], into y: inout Tensor,
    threads: Int = 1
  ) {
    if y.shape != x.shape { y = Tensor(shape: x.shape) }
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        let (src, dst) = (px.baseAddress!, py.baseAddress!)
        let parts = max(1, min(threads, c))
        Kernels.parallelFor(parts, threads: parts) { p in
          for ch in (c * p / parts)..<(c * (p + 1) / parts) {
            sdfa_batchnorm_apply(
              Int64(n), Int64(c * plane), Int64(plane), src + ch * plane, dst + ch * plane,
              gamma[ch], beta[ch], statistics.mean[ch], statistics.invStd[ch])
          }
        }
      }
    }
  }

  /// Per-channel sums of the backward pass for dL/dy `g` (laid out as `x`):
  /// `[Σ dL/dy (C values), Σ dL/dy · x̂ (C values), N · H · W]`.
  public static func batchNorm2dBackwardSums(
    _ g: Tensor, input x: Tensor, statistics: BatchNormStatistics, threads: Int = 1
  ) -> [Double] {
    precondition(g.count == x.count, "gradient of \(g.count) for \(x.shape)")
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var pairs = [Double](repeating: 0, count: 2 * c)
    g.withUnsafeBufferPointer { pg in
      x.withUnsafeBufferPointer { px in
        pairs.withUnsafeMutableBufferPointer { out in
          let (gb, xb, sums) = (pg.baseAddress!, px.baseAddress!, out.baseAddress!)
          let parts = max(1, min(threads, c))
          Kernels.parallelFor(parts, threads: parts) { p in
            for ch in (c * p / parts)..<(c * (p + 1) / parts) {
              sdfa_batchnorm_backward_sums(
                Int64(n), Int64(c * plane), Int64(plane), xb + ch * plane, statistics.mean[ch],
                statistics.invStd[ch], gb + ch * plane, sums + 2 * ch)
            }
          }
        }
      }
    }
    return (0..<c).map { pairs[2 * $0] } + (0..<c).map { pairs[2 * $0 + 1] } + [Double(n * plane)]
  }

  /// dL/dx in place of dL/dy in `g` from the (summed) ``batchNorm2dBackwardSums(_:input:statistics:threads:)``;
  /// returns dγ and dβ (the sums themselves).
  public static func batchNorm2dBackwardApply(
    _ g: inout Tensor, input x: Tensor, statistics: BatchNormStatistics, gamma: [Float],
    sums: [Double], threads: Int = 1
  ) -> (gradGamma: [Float], gradBeta: [Float]) {
    precondition(g.count == x.count, "gradient of \(g.count) for \(x.shape)")
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    let sg = (0..<c).map { Float(sums[$0]) }, sgh = (0..<c).map { Float(sums[c + $0]) }
    let count = Float(sums[2 * c])
    g.withUnsafeMutableBufferPointer { pg in
      x.withUnsafeBufferPointer { px in
        let (gb, xb) = (pg.baseAddress!, px.baseAddress!)
        let parts = max(1, min(threads, c))
        Kernels.parallelFor(parts, threads: parts) { p in
          for ch in (c * p / parts)..<(c * (p + 1) / parts) {
            sdfa_batchnorm_backward_apply(
              Int64(n), Int64(c * plane), Int64(plane), xb + ch * plane, statistics.mean[ch],
              statistics.invStd[ch], gb + ch * plane, gamma[ch], sg[ch], sgh[ch], count)
          }
        }
      }
    }
    return (sgh, sg)
  }
}
