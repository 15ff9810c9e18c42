/// Convolution, pooling, batch norm and voting on `[N, C, H, W]` tensors.
extension Tensor {
  /// Stride-1 convolution with a `[cOut, cIn, k, k]` kernel, zero padding `pad`, no bias.
  ///
  /// - Parameters:
  ///   - x: `[N, cIn, H, W]`.
  ///   - cols: scratch for one image's im2col matrix per thread, resized as needed.
  /// - Returns: `[N, cOut, H + 2·pad − k + 1, W + 2·pad − k + 1]`.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, pad: Int, cols: inout Tensor, threads: Int = 1
  ) -> Tensor {
    var y = Tensor.zeros([0])
    conv2d(x, weight: weight, pad: pad, into: &y, cols: &cols, threads: threads)
    return y
  }

  /// ``conv2d(_:weight:pad:cols:threads:)`` into `y`, resized only when its shape differs.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, pad: Int, into y: inout Tensor, cols: inout Tensor,
    threads: Int = 1
  ) {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1], "conv shapes")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, k) = (weight.shape[0], weight.shape[2])
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    let parts = max(1, min(threads, n))
    let colSize = c * k * k * oh * ow
    if cols.count < parts * colSize { cols = Tensor(shape: [parts * colSize]) }
    if y.shape != [n, co, oh, ow] { y = Tensor(shape: [n, co, oh, ow]) }
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
  }

  /// Gradients of ``conv2d(_:weight:pad:cols:threads:)``: `dW` (`[cOut, cIn, k, k]`) and, when
  /// asked, `dX` (`[N, cIn, H, W]`).
  public static func conv2dBackward(
    _ x: Tensor, weight: Tensor, pad: Int, gradOut dy: Tensor, inputGradient: Bool,
    cols: inout Tensor, threads: Int = 1
  ) -> (gradWeight: Tensor, gradInput: Tensor?) {
    var dw = Tensor.zeros([0]), partials = Tensor.zeros([0])
    conv2dWeightGradient(
      x, weightShape: weight.shape, pad: pad, gradOut: dy, into: &dw, cols: &cols,
      partials: &partials, threads: threads)
    guard inputGradient else { return (dw, nil) }
    var dx = Tensor.zeros([0])
    conv2dInputGradient(
      weight: weight, pad: pad, gradOut: dy, inputShape: x.shape, into: &dx, cols: &cols,
      threads: threads)
    return (dw, dx)
  }

  /// dL/dW of ``conv2d(_:weight:pad:cols:threads:)`` by im2col + BLAS: `Σ_i dY_i · cols_iᵀ`.
  ///
  /// Each thread part accumulates its images into its own slice of `partials`; the slices are
  /// summed in part order, so the result does not depend on scheduling.
  public static func conv2dWeightGradient(
    _ x: Tensor, weightShape: [Int], pad: Int, gradOut dy: Tensor, into dw: inout Tensor,
    cols: inout Tensor, partials: inout Tensor, threads: Int = 1
  ) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, k) = (weightShape[0], weightShape[2])
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    precondition(dy.shape == [n, co, oh, ow], "gradOut \(dy.shape)")
    let parts = max(1, min(threads, n))
    let colSize = c * k * k * oh * ow, wSize = co * c * k * k
    if cols.count < parts * colSize { cols = Tensor(shape: [parts * colSize]) }
    if partials.count < parts * wSize { partials = Tensor(shape: [parts * wSize]) }
    if dw.shape != weightShape { dw = Tensor(shape: weightShape) }
    x.withUnsafeBufferPointer { px in
      dy.withUnsafeBufferPointer { pg in
        cols.withUnsafeMutableBufferPointer { pc in
          partials.withUnsafeMutableBufferPointer { pp in
            Kernels.parallelFor(parts, threads: parts) { p in
              let scratch = pc.baseAddress! + p * colSize
              let part = pp.baseAddress! + p * wSize
              for i in (n * p / parts)..<(n * (p + 1) / parts) {
                Kernels.im2col(
                  px.baseAddress! + i * c * h * w, channels: c, height: h, width: w, kernel: k,
                  pad: pad, cols: scratch)
                // part (=|+=) dY_i · cols_iᵀ
                Kernels.gemm(
                  transposeA: false, transposeB: true, m: co, n: c * k * k, k: oh * ow,
                  alpha: 1, a: pg.baseAddress! + i * co * oh * ow, lda: oh * ow, b: scratch,
                  ldb: oh * ow, beta: i == n * p / parts ? 0 : 1, c: part, ldc: c * k * k)
              }
            }
            dw.withUnsafeMutableBufferPointer { d in
              d.update(repeating: 0)
              for p in 0..<parts { for j in 0..<wSize { d[j] += pp[p * wSize + j] } }
            }
          }
        }
      }
    }
  }

  /// dL/dX of ``conv2d(_:weight:pad:cols:threads:)``: per image `Wᵀ · dY_i` folded back by
  /// col2im, into `dx` of `inputShape` (resized only when its shape differs).
  public static func conv2dInputGradient(
    weight: Tensor, pad: Int, gradOut dy: Tensor, inputShape: [Int], into dx: inout Tensor,
    cols: inout Tensor, threads: Int = 1
  ) {
    let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let (co, k) = (weight.shape[0], weight.shape[2])
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    precondition(dy.shape == [n, co, oh, ow], "gradOut \(dy.shape)")
    let parts = max(1, min(threads, n))
    let colSize = c * k * k * oh * ow
    if cols.count < parts * colSize { cols = Tensor(shape: [parts * colSize]) }
    if dx.shape != inputShape { dx = Tensor(shape: inputShape) }
    weight.withUnsafeBufferPointer { pw in
      dy.withUnsafeBufferPointer { pg in
        cols.withUnsafeMutableBufferPointer { pc in
          dx.withUnsafeMutableBufferPointer { pdx in
            Kernels.parallelFor(parts, threads: parts) { p in
              let scratch = pc.baseAddress! + p * colSize
              for i in (n * p / parts)..<(n * (p + 1) / parts) {
                Kernels.gemm(
                  transposeA: true, transposeB: false, m: c * k * k, n: oh * ow, k: co,
                  alpha: 1, a: pw.baseAddress!, lda: c * k * k,
                  b: pg.baseAddress! + i * co * oh * ow, ldb: oh * ow, beta: 0, c: scratch,
                  ldc: oh * ow)
                let image = pdx.baseAddress! + i * c * h * w
                image.update(repeating: 0, count: c * h * w)
                Kernels.col2im(
                  scratch, channels: c, height: h, width: w, kernel: k, pad: pad, dx: image)
              }
            }
          }
        }
      }
    }
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
