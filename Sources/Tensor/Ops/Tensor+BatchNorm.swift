/// `BatchNorm2d` over `[N, C, H, W]` tensors, as PyTorch.
extension Tensor {
  /// Per-channel statistics of a training-mode batch norm.
  public struct BatchNormStatistics: Sendable {
    /// Batch mean.
    public var mean: [Float]
    /// `1 / sqrt(var + eps)` with the biased variance.
    public var invStd: [Float]
    /// Unbiased variance (for the running statistics).
    public var unbiasedVariance: [Float]
  }

  /// What a training-mode batch norm saves for its backward pass.
  public struct BatchNormCache: Sendable {
    /// The input; the backward pass recomputes `x̂ = (x − mean) · invStd` from it.
    public var input: Tensor
    public var statistics: BatchNormStatistics
  }

  /// Training-mode `BatchNorm2d` over `[N, C, H, W]` (statistics per channel over N, H, W),
  /// as PyTorch: `y = γ · (x − mean) / sqrt(var + eps) + β` with the biased variance.
  public static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5
  ) -> (output: Tensor, cache: BatchNormCache) {
    var y = Tensor.zeros([0])
    let stats = batchNorm2d(x, gamma: gamma, beta: beta, eps: eps, into: &y)
    return (y, BatchNormCache(input: x, statistics: stats))
  }

  /// ``batchNorm2d(_:gamma:beta:eps:)`` into `y` (resized only when needed); returns the
  /// statistics. Channels are split over `threads`; sums are in double, in an order that does
  /// not depend on `threads`.
  public static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5, into y: inout Tensor,
    threads: Int = 1
  ) -> BatchNormStatistics {
    if y.shape != x.shape { y = Tensor(shape: x.shape) }
    return y.withUnsafeMutableBufferPointer { py in
      batchNorm2d(x, gamma: gamma, beta: beta, eps: eps, y: py.baseAddress, threads: threads)
    }
  }

  /// The statistics of ``batchNorm2d(_:gamma:beta:eps:)`` alone, for a consumer that applies
  /// the normalisation itself (``neuronCharge(_:batchNorm:steps:neuron:h:scratch:threads:)``).
  public static func batchNorm2dStatistics(_ x: Tensor, eps: Float = 1e-5, threads: Int = 1)
    -> BatchNormStatistics
  {
    let unused = [Float](repeating: 0, count: x.shape[1])  // γ and β: no output to scale
    return batchNorm2d(x, gamma: unused, beta: unused, eps: eps, y: nil, threads: threads)
  }

  private static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float, y: UnsafeMutablePointer<Float>?,
    threads: Int
  ) -> BatchNormStatistics {
    let (n, c) = (x.shape[0], x.shape[1])
    var stats = [Float](repeating: 0, count: 3 * c)
    x.withUnsafeBufferPointer { px in
      Kernels.batchNorm2d(
        px.baseAddress!, images: n, channels: c, plane: x.count / (n * c), gamma: gamma,
        beta: beta, eps: eps, y: y, stats: &stats, threads: threads)
    }
    return BatchNormStatistics(
      mean: (0..<c).map { stats[3 * $0] }, invStd: (0..<c).map { stats[3 * $0 + 1] },
      unbiasedVariance: (0..<c).map { stats[3 * $0 + 2] })
  }

  /// Backward of training-mode ``batchNorm2d(_:gamma:beta:eps:)``: dX, dγ, dβ.
  public static func batchNorm2dBackward(
    _ dy: Tensor, cache: BatchNormCache, gamma: [Float]
  ) -> (gradInput: Tensor, gradGamma: [Float], gradBeta: [Float]) {
    var g = dy
    let (dg, db) = batchNorm2dBackward(
      &g, input: cache.input, statistics: cache.statistics, gamma: gamma)
    return (g, dg, db)
  }

  /// ``batchNorm2dBackward(_:cache:gamma:)`` in place: `g` holds dL/dy on entry and dL/dx on
  /// return, laid out as the input `x` (`[N, C, H, W]`; `g`'s own shape is ignored). Channels
  /// are split over `threads`.
  public static func batchNorm2dBackward(
    _ g: inout Tensor, input x: Tensor, statistics: BatchNormStatistics, gamma: [Float],
    threads: Int = 1
  ) -> (gradGamma: [Float], gradBeta: [Float]) {
    precondition(g.count == x.count, "gradient of \(g.count) for \(x.shape)")
    let (n, c) = (x.shape[0], x.shape[1])
    var grads = [Float](repeating: 0, count: 2 * c)
    g.withUnsafeMutableBufferPointer { pg in
      x.withUnsafeBufferPointer { px in
        Kernels.batchNorm2dBackward(
          pg.baseAddress!, input: px.baseAddress!, images: n, channels: c,
          plane: x.count / (n * c), mean: statistics.mean, invStd: statistics.invStd,
          gamma: gamma, grads: &grads, threads: threads)
      }
    }
    return ((0..<c).map { grads[2 * $0] }, (0..<c).map { grads[2 * $0 + 1] })
  }

  /// Evaluation-mode `BatchNorm2d`: normalises with running statistics.
  public static func batchNorm2dInference(
    _ x: Tensor, gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
    eps: Float = 1e-5
  ) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var y = Tensor(shape: x.shape)
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        for ch in 0..<c {
          let s = 1 / (variance[ch] + eps).squareRoot()
          for i in 0..<n {
            for j in 0..<plane {
              let o = (i * c + ch) * plane + j
              py[o] = gamma[ch] * ((px[o] - mean[ch]) * s) + beta[ch]
            }
          }
        }
      }
    }
    return y
  }
}
