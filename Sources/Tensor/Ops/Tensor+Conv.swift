/// Convolution, pooling, batch norm and voting on `[N, C, H, W]` tensors.
extension Tensor {
  /// Stride-1 convolution with a `[cOut, cIn, k, k]` kernel, zero padding `pad`, no bias.
  ///
  /// - Parameters:
  ///   - x: `[N, cIn, H, W]`.
  ///   - cols: scratch for one image's im2col matrix, resized as needed.
  /// - Returns: `[N, cOut, H + 2·pad − k + 1, W + 2·pad − k + 1]`.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, pad: Int, cols: inout Tensor, threads: Int = 1
  ) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1], "conv shapes")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, k) = (weight.shape[0], weight.shape[2])
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    let parts = max(1, min(threads, n))
    let colSize = c * k * k * oh * ow
    if cols.count != parts * colSize { cols = Tensor(shape: [parts * colSize]) }
    var y = Tensor(shape: [n, co, oh, ow])
    x.withUnsafeBufferPointer { px in
      weight.withUnsafeBufferPointer { pw in
        cols.withUnsafeMutableBufferPointer { pc in
          y.withUnsafeMutableBufferPointer { py in
            // Images are independent: each part unrolls into its own slice of the scratch.
            Kernels.parallelFor(parts, threads: parts) { p in
              let scratch = pc.baseAddress! + p * colSize
              for i in (n * p / parts)..<(n * (p + 1) / parts) {
                Kernels.im2col(
                  px.baseAddress! + i * c * h * w, channels: c, height: h, width: w, kernel: k,
                  pad: pad, cols: scratch)
                Kernels.gemm(
                  transposeA: false, transposeB: false, m: co, n: oh * ow, k: c * k * k, alpha: 1,
                  a: pw.baseAddress!, lda: c * k * k, b: scratch, ldb: oh * ow, beta: 0,
                  c: py.baseAddress! + i * co * oh * ow, ldc: oh * ow)
              }
            }
          }
        }
      }
    }
    return y
  }

  /// Gradients of ``conv2d(_:weight:pad:cols:)``: `dW` (`[cOut, cIn, k, k]`) and, when asked,
  /// `dX` (`[N, cIn, H, W]`).
  public static func conv2dBackward(
    _ x: Tensor, weight: Tensor, pad: Int, gradOut dy: Tensor, inputGradient: Bool,
    cols: inout Tensor, threads: Int = 1
  ) -> (gradWeight: Tensor, gradInput: Tensor?) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, k) = (weight.shape[0], weight.shape[2])
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    precondition(dy.shape == [n, co, oh, ow], "gradOut \(dy.shape)")
    let parts = max(1, min(threads, n))
    let colSize = c * k * k * oh * ow
    if cols.count != parts * colSize { cols = Tensor(shape: [parts * colSize]) }
    // Each part accumulates its own dW (summed in part order after, so results do not depend on
    // scheduling) and writes dX of its own images.
    var partialW = Tensor(shape: [parts, weight.count])
    var dx: Tensor? = inputGradient ? Tensor(shape: x.shape) : nil
    var dcols = inputGradient ? Tensor(shape: [parts * colSize]) : Tensor.zeros([1])
    var dxStorage = dx ?? Tensor.zeros([1])
    x.withUnsafeBufferPointer { px in
      weight.withUnsafeBufferPointer { pw in
        dy.withUnsafeBufferPointer { pg in
          cols.withUnsafeMutableBufferPointer { pc in
            partialW.withUnsafeMutableBufferPointer { pdw in
              dcols.withUnsafeMutableBufferPointer { pdc in
                dxStorage.withUnsafeMutableBufferPointer { pdx in
                  Kernels.parallelFor(parts, threads: parts) { p in
                    let scratch = pc.baseAddress! + p * colSize
                    let dW = pdw.baseAddress! + p * weight.count
                    for i in (n * p / parts)..<(n * (p + 1) / parts) {
                      let g = pg.baseAddress! + i * co * oh * ow
                      Kernels.im2col(
                        px.baseAddress! + i * c * h * w, channels: c, height: h, width: w,
                        kernel: k, pad: pad, cols: scratch)
                      // dW += dY_i · cols_iᵀ
                      Kernels.gemm(
                        transposeA: false, transposeB: true, m: co, n: c * k * k, k: oh * ow,
                        alpha: 1, a: g, lda: oh * ow, b: scratch, ldb: oh * ow, beta: 1, c: dW,
                        ldc: c * k * k)
                      if inputGradient {
                        // dcols = Wᵀ · dY_i, folded back into dX_i.
                        let dscratch = pdc.baseAddress! + p * colSize
                        Kernels.gemm(
                          transposeA: true, transposeB: false, m: c * k * k, n: oh * ow, k: co,
                          alpha: 1, a: pw.baseAddress!, lda: c * k * k, b: g, ldb: oh * ow,
                          beta: 0, c: dscratch, ldc: oh * ow)
                        Kernels.col2im(
                          dscratch, channels: c, height: h, width: w, kernel: k, pad: pad,
                          dx: pdx.baseAddress! + i * c * h * w)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if inputGradient { dx = dxStorage }
    var dw = Tensor(shape: weight.shape)
    partialW.withUnsafeBufferPointer { pp in
      dw.withUnsafeMutableBufferPointer { d in
        for p in 0..<parts { for j in 0..<d.count { d[j] += pp[p * d.count + j] } }
      }
    }
    return (dw, dx)
  }

  /// 2×2 stride-2 max pooling of `[N, C, H, W]`; returns the pooled tensor and the argmax.
  public static func maxPool2x2(_ x: Tensor) -> (output: Tensor, argmax: [Int32]) {
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let planes = x.count / (h * w)
    var out = Tensor(shape: Array(x.shape.dropLast(2)) + [h / 2, w / 2])
    var arg = [Int32](repeating: 0, count: out.count)
    x.withUnsafeBufferPointer { px in
      out.withUnsafeMutableBufferPointer { po in
        arg.withUnsafeMutableBufferPointer { pa in
          Kernels.maxPool2x2(
            px.baseAddress!, planes: planes, height: h, width: w, out: po.baseAddress!,
            argmax: pa.baseAddress!)
        }
      }
    }
    return (out, arg)
  }

  /// Gradient of ``maxPool2x2(_:)`` with respect to its input of shape `inputShape`.
  public static func maxPool2x2Backward(_ gradOut: Tensor, argmax: [Int32], inputShape: [Int])
    -> Tensor
  {
    let (h, w) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
    var dx = Tensor(shape: inputShape)
    let planes = dx.count / (h * w)
    gradOut.withUnsafeBufferPointer { pg in
      argmax.withUnsafeBufferPointer { pa in
        dx.withUnsafeMutableBufferPointer { pd in
          Kernels.maxPool2x2Backward(
            pg.baseAddress!, argmax: pa.baseAddress!, planes: planes, height: h,
            width: w, dx: pd.baseAddress!)
        }
      }
    }
    return dx
  }

  /// Statistics a training-mode batch norm saves for its backward pass.
  public struct BatchNormCache: Sendable {
    /// Normalised input `(x − mean) · invStd`, shaped like the input.
    public var normalized: Tensor
    /// Per channel `1 / sqrt(var + eps)` (biased variance).
    public var invStd: [Float]
    /// Per channel batch mean and unbiased variance (for the running statistics).
    public var mean: [Float]
    public var unbiasedVariance: [Float]
  }

  /// Training-mode `BatchNorm2d` over `[N, C, H, W]` (statistics per channel over N, H, W),
  /// as PyTorch: `y = γ · (x − mean) / sqrt(var + eps) + β` with the biased variance.
  public static func batchNorm2d(
    _ x: Tensor, gamma: [Float], beta: [Float], eps: Float = 1e-5
  ) -> (output: Tensor, cache: BatchNormCache) {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / (n * c)
    let m = n * plane
    var xhat = Tensor(shape: x.shape), y = Tensor(shape: x.shape)
    var inv = [Float](repeating: 0, count: c), means = inv, uvar = inv
    x.withUnsafeBufferPointer { px in
      xhat.withUnsafeMutableBufferPointer { ph in
        y.withUnsafeMutableBufferPointer { py in
          for ch in 0..<c {
            var sum = 0.0
            for i in 0..<n { for j in 0..<plane { sum += Double(px[(i * c + ch) * plane + j]) } }
            let mean = sum / Double(m)
            var sq = 0.0
            for i in 0..<n {
              for j in 0..<plane {
                let d = Double(px[(i * c + ch) * plane + j]) - mean
                sq += d * d
              }
            }
            let variance = sq / Double(m)
            let s = Float(1 / (variance + Double(eps)).squareRoot())
            inv[ch] = s
            means[ch] = Float(mean)
            uvar[ch] = Float(m > 1 ? sq / Double(m - 1) : 0)
            for i in 0..<n {
              for j in 0..<plane {
                let o = (i * c + ch) * plane + j
                let xh = (px[o] - Float(mean)) * s
                ph[o] = xh
                py[o] = gamma[ch] * xh + beta[ch]
              }
            }
          }
        }
      }
    }
    return (y, BatchNormCache(normalized: xhat, invStd: inv, mean: means, unbiasedVariance: uvar))
  }

  /// Backward of training-mode ``batchNorm2d(_:gamma:beta:eps:)``: dX, dγ, dβ.
  public static func batchNorm2dBackward(
    _ dy: Tensor, cache: BatchNormCache, gamma: [Float]
  ) -> (gradInput: Tensor, gradGamma: [Float], gradBeta: [Float]) {
    let (n, c) = (dy.shape[0], dy.shape[1])
    let plane = dy.count / (n * c)
    let m = Float(n * plane)
    var dx = Tensor(shape: dy.shape)
    var dg = [Float](repeating: 0, count: c), db = dg
    dy.withUnsafeBufferPointer { pg in
      cache.normalized.withUnsafeBufferPointer { ph in
        dx.withUnsafeMutableBufferPointer { pd in
          for ch in 0..<c {
            var sg = 0.0, sgh = 0.0
            for i in 0..<n {
              for j in 0..<plane {
                let o = (i * c + ch) * plane + j
                sg += Double(pg[o])
                sgh += Double(pg[o] * ph[o])
              }
            }
            db[ch] = Float(sg)
            dg[ch] = Float(sgh)
            let k = gamma[ch] * cache.invStd[ch] / m
            for i in 0..<n {
              for j in 0..<plane {
                let o = (i * c + ch) * plane + j
                pd[o] = k * (m * pg[o] - Float(sg) - ph[o] * Float(sgh))
              }
            }
          }
        }
      }
    }
    return (dx, dg, db)
  }

  /// Voting: the mean of each consecutive group of `group` columns, `[R, C · group] → [R, C]`.
  public static func voting(_ x: Tensor, group: Int) -> Tensor {
    let (rows, cols) = x.matrixShape
    precondition(cols % group == 0, "\(cols) columns not divisible into groups of \(group)")
    var y = Tensor(shape: [rows, cols / group])
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        for r in 0..<rows {
          for g in 0..<(cols / group) {
            var s: Float = 0
            for j in 0..<group { s += px[r * cols + g * group + j] }
            py[r * (cols / group) + g] = s / Float(group)
          }
        }
      }
    }
    return y
  }
}

extension Tensor {
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
