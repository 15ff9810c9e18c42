import _CKernels

extension Kernels {
  /// One Adam (or AdamW when `decoupled`) step over `n` parameters, as `torch.optim.Adam(W)`.
  ///
  /// `biasCorrection1 = 1 − β1^step`, `biasCorrection2 = 1 − β2^step`.
  public static func adamStep(
    n: Int, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
    m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, lr: Float, beta1: Float,
    beta2: Float, eps: Float, weightDecay: Float, biasCorrection1: Float, biasCorrection2: Float,
    decoupled: Bool, threads: Int = 1
  ) {
    let parts = n >= 1 << 18 ? max(1, threads) : 1
    parallelFor(parts, threads: parts) { p in
      let i0 = (n * p / parts) & ~15, i1 = p == parts - 1 ? n : (n * (p + 1) / parts) & ~15
      guard i1 > i0 else { return }
      sdfa_adam_step(
        Int64(i1 - i0), w + i0, g + i0, m + i0, v + i0, lr, beta1, beta2, eps, weightDecay,
        biasCorrection1, biasCorrection2, decoupled ? 1 : 0)
    }
  }

  /// One SGD step with momentum (dampening 0) and L2 weight decay, as `torch.optim.SGD`.
  public static func sgdStep(
    n: Int, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
    buffer: UnsafeMutablePointer<Float>, lr: Float, momentum: Float, weightDecay: Float,
    firstStep: Bool
  ) {
    sdfa_sgd_step(Int64(n), w, g, buffer, lr, momentum, weightDecay, firstStep ? 1 : 0)
  }
}

extension Kernels {
  /// Whether every element is finite (neither NaN nor ±infinity). Vectorised; O(n).
  public static func allFinite(_ x: UnsafeBufferPointer<Float>) -> Bool {
    guard let base = x.baseAddress, !x.isEmpty else { return true }
    return sdfa_all_finite(Int64(x.count), base) != 0
  }
}
