/// Synchronised `BatchNorm2d`: training-mode batch norm whose statistics are those of a batch
/// spread over several processes. Each process passes its share; `summing` adds a vector of
/// doubles over the processes in place (the same bits on each), so every share is normalised
/// by the whole batch's mean and variance, and the backward pass uses the whole batch's sums
/// of dL/dy and dL/dy · x̂, exactly as one process holding the batch would (up to the order
/// of the double additions). With an identity `summing` the results are the unsynchronised
/// functions' bit for bit.
extension Tensor {
  /// Adds a vector over the processes in place (the same result on every one).
  public typealias ChannelSums = (inout [Double]) -> Void

  /// ``batchNorm2dStatistics(_:eps:threads:)`` over the whole batch: the per-channel sums of
  /// `x` (this process's images) and the count are summed with `summing` first.
  public static func batchNorm2dStatistics(
    _ x: Tensor, eps: Float = 1e-5, threads: Int = 1, summing sum: ChannelSums
  ) -> BatchNormStatistics {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var sums = [Double](repeating: 0, count: 2 * c + 1)
    x.withUnsafeBufferPointer { px in
      sums.withUnsafeMutableBufferPointer { s in
        Kernels.batchNorm2dSums(px.baseAddress!, images: n, channels: c, plane: plane, sums: s.baseAddress!, threads: threads)
      }
    }
    sums[2 * c] = Double(n * plane)
    sum(&sums)
    var stats = [Float](repeating: 0, count: 3 * c)
    Kernels.batchNorm2dStatistics(sums: sums, channels: c, count: sums[2 * c], eps: eps, stats: &stats)
    return BatchNormStatistics(
      mean: (0..<c).map { stats[3 * $0] }, invStd: (0..<c).map { stats[3 * $0 + 1] },
      unbiasedVariance: (0..<c).map { stats[3 * $0 + 2] })
  }

  /// Training-mode batch norm of `x` over the whole batch into `y` (resized when needed):
  /// ``batchNorm2d(_:gamma:beta:eps:into:threads:)`` with synchronised statistics.
  public static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5, into y: inout Tensor, threads: Int = 1,
    summing sum: ChannelSums
  ) -> BatchNormStatistics {
    let stats = batchNorm2dStatistics(x, eps: eps, threads: threads, summing: sum)
    if y.shape != x.shape { y = Tensor(shape: x.shape) }
    let (n, c) = (x.shape[0], x.shape[1])
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        Kernels.batchNorm2dApply(
          px.baseAddress!, images: n, channels: c, plane: x.count / (n * c), gamma: gamma, beta: beta,
          mean: stats.mean, invStd: stats.invStd, y: py.baseAddress!, threads: threads)
      }
    }
    return stats
  }

  /// ``batchNorm2dBackward(_:input:statistics:gamma:threads:)`` over the whole batch: dL/dx
  /// uses the summed sums; dγ and dβ are this process's shares (the gradients are summed over
  /// the processes with the others).
  public static func batchNorm2dBackward(
    _ g: inout Tensor, input x: Tensor, statistics: BatchNormStatistics, gamma: [Float], threads: Int = 1,
    summing sum: ChannelSums
  ) -> (gradGamma: [Float], gradBeta: [Float]) {
    precondition(g.count == x.count, "gradient of \(g.count) for \(x.shape)")
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var sums = [Double](repeating: 0, count: 2 * c + 1)
    g.withUnsafeBufferPointer { pg in
      x.withUnsafeBufferPointer { px in
        sums.withUnsafeMutableBufferPointer { s in
          Kernels.batchNorm2dBackwardSums(
            pg.baseAddress!, input: px.baseAddress!, images: n, channels: c, plane: plane, mean: statistics.mean,
            invStd: statistics.invStd, sums: s.baseAddress!, threads: threads)
        }
      }
    }
    let local = sums
    sums[2 * c] = Double(n * plane)
    sum(&sums)
    g.withUnsafeMutableBufferPointer { pg in
      x.withUnsafeBufferPointer { px in
        Kernels.batchNorm2dBackwardApply(
          pg.baseAddress!, input: px.baseAddress!, images: n, channels: c, plane: plane, mean: statistics.mean,
          invStd: statistics.invStd, gamma: gamma, sums: sums, count: sums[2 * c], threads: threads)
      }
    }
    return ((0..<c).map { Float(local[2 * $0 + 1]) }, (0..<c).map { Float(local[2 * $0]) })
  }
}
