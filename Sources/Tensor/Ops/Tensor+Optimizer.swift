extension Tensor {
  /// In-place Adam/AdamW update of `self` with gradient `g` and moments `m`, `v` (see
  /// ``Kernels/adamStep(n:w:g:m:v:lr:beta1:beta2:eps:weightDecay:biasCorrection1:biasCorrection2:decoupled:)``).
  public mutating func adamStep(
    gradient g: Tensor, m: inout Tensor, v: inout Tensor, lr: Float, beta1: Float, beta2: Float,
    eps: Float, weightDecay: Float, step: Int, decoupled: Bool, threads: Int = 1
  ) {
    precondition(g.count == count && m.count == count && v.count == count, "Adam shapes")
    let c1 = 1 - Float(Double(beta1).power(step)), c2 = 1 - Float(Double(beta2).power(step))
    withUnsafeMutableBufferPointer { pw in
      g.withUnsafeBufferPointer { pg in
        m.withUnsafeMutableBufferPointer { pm in
          v.withUnsafeMutableBufferPointer { pv in
            Kernels.adamStep(
              n: pw.count, w: pw.baseAddress!, g: pg.baseAddress!, m: pm.baseAddress!,
              v: pv.baseAddress!, lr: lr, beta1: beta1, beta2: beta2, eps: eps,
              weightDecay: weightDecay, biasCorrection1: c1, biasCorrection2: c2,
              decoupled: decoupled, threads: threads)
          }
        }
      }
    }
  }

  /// In-place SGD-with-momentum update of `self` (see ``Kernels/sgdStep(n:w:g:buffer:lr:momentum:weightDecay:firstStep:)``).
  public mutating func sgdStep(
    gradient g: Tensor, buffer: inout Tensor, lr: Float, momentum: Float, weightDecay: Float,
    firstStep: Bool
  ) {
    precondition(g.count == count && buffer.count == count, "SGD shapes")
    withUnsafeMutableBufferPointer { pw in
      g.withUnsafeBufferPointer { pg in
        buffer.withUnsafeMutableBufferPointer { pb in
          Kernels.sgdStep(
            n: pw.count, w: pw.baseAddress!, g: pg.baseAddress!, buffer: pb.baseAddress!, lr: lr,
            momentum: momentum, weightDecay: weightDecay, firstStep: firstStep)
        }
      }
    }
  }
}

extension Double {
  /// `self` raised to a non-negative integer power, by repeated multiplication in `Double`
  /// (PyTorch computes `beta ** step` in double precision too).
  func power(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= self }
    return r
  }
}
