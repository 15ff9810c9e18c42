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
    /// Normalised input `(x − mean) · invStd`, shaped like the input.
    public var normalized: Tensor
    public var statistics: BatchNormStatistics
  }

  /// Training-mode `BatchNorm2d` over `[N, C, H, W]` (statistics per channel over N, H, W),
  /// as PyTorch: `y = γ · (x − mean) / sqrt(var + eps) + β` with the biased variance.
  public static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5
  ) -> (output: Tensor, cache: BatchNormCache) {
    var xhat = x, y = Tensor.zeros([0])
    let stats = batchNorm2d(normalizing: &xhat, gamma: gamma, beta: beta, eps: eps, into: &y)
    return (y, BatchNormCache(normalized: xhat, statistics: stats))
  }

  /// ``batchNorm2d(_:gamma:beta:eps:)`` in place: `x` becomes the normalised x̂ (what the
  /// backward pass needs) and `y` (resized only when needed) the output. Channels are split
  /// over `threads`; sums are in double, in an order that does not depend on `threads`.
  public static func batchNorm2d(
    normalizing x: inout Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5,
    into y: inout Tensor, threads: Int = 1
  ) -> BatchNormStatistics {
    if y.shape != x.shape { y = Tensor(shape: x.shape) }
    return y.withUnsafeMutableBufferPointer { py in
      batchNorm2d(normalizing: &x, gamma: gamma, beta: beta, eps: eps, y: py.baseAddress, threads: threads)
    }
  }

  /// ``batchNorm2d(normalizing:gamma:beta:eps:into:threads:)`` without the output, for a
  /// consumer that applies `γ · x̂ + β` itself (``neuronCharge(_:gamma:beta:steps:neuron:h:s:scratch:threads:)``).
  public static func batchNorm2d(
    normalizing x: inout Tensor, eps: Float = 1e-5, threads: Int = 1
  ) -> BatchNormStatistics {
    let ones = [Float](repeating: 1, count: x.shape[1])  // γ and β are unused without y
    return batchNorm2d(
      normalizing: &x, gamma: ones, beta: ones, eps: eps, y: nil, threads: threads)
  }

  private static func batchNorm2d(
    normalizing x: inout Tensor, gamma: [Float], beta: [Float], eps: Float,
    y: UnsafeMutablePointer<Float>?, threads: Int
  ) -> BatchNormStatistics {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    var stats = [Float](repeating: 0, count: 3 * c)
    x.withUnsafeMutableBufferPointer { px in
      Kernels.batchNorm2d(
        px.baseAddress!, images: n, channels: c, plane: plane, gamma: gamma, beta: beta,
        eps: eps, y: y, stats: &stats, threads: threads)
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
      &g, normalized: cache.normalized, invStd: cache.statistics.invStd, gamma: gamma)
    return (g, dg, db)
  }

  /// ``batchNorm2dBackward(_:cache:gamma:)`` in place: `g` holds dL/dy on entry and dL/dx on
  /// return, laid out as `xhat` (`[N, C, H, W]`; `g`'s own shape is ignored). Channels are split
  /// over `threads`.
  public static func batchNorm2dBackward(
    _ g: inout Tensor, normalized xhat: Tensor, invStd: [Float], gamma: [Float], threads: Int = 1
  ) -> (gradGamma: [Float], gradBeta: [Float]) {
    precondition(g.count == xhat.count, "gradient of \(g.count) for \(xhat.shape)")
    let (n, c) = (xhat.shape[0], xhat.shape[1])
    let plane = xhat.count / (n * c)
    var grads = [Float](repeating: 0, count: 2 * c)
    g.withUnsafeMutableBufferPointer { pg in
      xhat.withUnsafeBufferPointer { ph in
        Kernels.batchNorm2dBackward(
          pg.baseAddress!, normalized: ph.baseAddress!, images: n, channels: c,
          plane: plane, gamma: gamma, invStd: invStd, grads: &grads, threads: threads)
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
