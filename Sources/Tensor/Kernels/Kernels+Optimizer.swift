import _CKernels

extension Kernels {
  /// One Adam (or AdamW when `decoupled`) step over `n` parameters, as `torch.optim.Adam(W)`.
  ///
  /// `biasCorrection1 = 1 − β1^step`, `biasCorrection2 = 1 − β2^step`.
  public static func adamStep(
    n: Int, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
    m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, lr: Float, beta1: Float,
    beta2: Float, eps: Float, weightDecay: Float, biasCorrection1: Float, biasCorrection2: Float,
    decoupled: Bool
  ) {
    sdfa_adam_step(
      Int64(n), w, g, m, v, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2,
      decoupled ? 1 : 0)
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
