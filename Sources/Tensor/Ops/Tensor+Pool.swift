/// 2×2 max pooling of `[N, C, H, W]` tensors.
extension Tensor {
  /// 2×2 stride-2 max pooling of `[N, C, H, W]`; returns the pooled tensor and the argmax.
  public static func maxPool2x2(_ x: Tensor) -> (output: Tensor, argmax: [Int32]) {
    var out = Tensor.zeros([0])
    var arg: [Int32] = []
    maxPool2x2(x, into: &out, argmax: &arg)
    return (out, arg)
  }

  /// ``maxPool2x2(_:)`` into `out` and `argmax`, resized only when needed; planes split over
  /// `threads`.
  public static func maxPool2x2(
    _ x: Tensor, into out: inout Tensor, argmax: inout [Int32], threads: Int = 1
  ) {
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let planes = x.count / (h * w)
    let shape = Array(x.shape.dropLast(2)) + [h / 2, w / 2]
    if out.shape != shape { out = Tensor(shape: shape) }
    if argmax.count != out.count { argmax = [Int32](repeating: 0, count: out.count) }
    x.withUnsafeBufferPointer { px in
      out.withUnsafeMutableBufferPointer { po in
        argmax.withUnsafeMutableBufferPointer { pa in
          Kernels.maxPool2x2(
            px.baseAddress!, planes: planes, height: h, width: w, out: po.baseAddress!,
            argmax: pa.baseAddress!, threads: threads)
        }
      }
    }
  }

  /// ``maxPool2x2(_:into:argmax:threads:)`` that also sets `active` to the non-zero outputs of
  /// each image (rows of `[C · H/2 · W/2]`, binary: for pooled spikes), reusing its storage.
  public static func maxPool2x2(
    _ x: Tensor, into out: inout Tensor, argmax: inout [Int32], active: inout SparseRows,
    threads: Int = 1
  ) {
    precondition(x.rank == 4, "images \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let shape = [n, c, h / 2, w / 2]
    if out.shape != shape { out = Tensor(shape: shape) }
    if argmax.count != out.count { argmax = [Int32](repeating: 0, count: out.count) }
    active.columnCount = c * (h / 2) * (w / 2)
    active.values = nil
    if active.rowStart.count != n + 1 { active.rowStart = [Int](repeating: 0, count: n + 1) }
    if active.indices.count < max(out.count, 1) {
      active.indices = [Int32](repeating: 0, count: max(out.count, 1))
    }
    x.withUnsafeBufferPointer { px in
      out.withUnsafeMutableBufferPointer { po in
        argmax.withUnsafeMutableBufferPointer { pa in
          active.rowStart.withUnsafeMutableBufferPointer { rs in
            active.indices.withUnsafeMutableBufferPointer { idx in
              Kernels.maxPool2x2(
                px.baseAddress!, images: n, planesPerImage: c, height: h, width: w,
                out: po.baseAddress!, argmax: pa.baseAddress!, rowStart: rs.baseAddress!,
                indices: idx.baseAddress!, threads: threads)
            }
          }
        }
      }
    }
  }

  /// Gradient of ``maxPool2x2(_:)`` with respect to its input of shape `inputShape`.
  public static func maxPool2x2Backward(_ gradOut: Tensor, argmax: [Int32], inputShape: [Int])
    -> Tensor
  {
    var dx = Tensor.zeros([0])
    maxPool2x2Backward(gradOut, argmax: argmax, into: &dx, inputShape: inputShape)
    return dx
  }

  /// ``maxPool2x2Backward(_:argmax:inputShape:)`` into `dx`, resized only when needed.
  ///
  /// `gradOut` may cover only the first `gradOut.count` pooled values, a divisor of
  /// `argmax.count`: it then repeats over the rest (SDFA's feedback, the same at every time
  /// step of time-major images).
  public static func maxPool2x2Backward(
    _ gradOut: Tensor, argmax: [Int32], into dx: inout Tensor, inputShape: [Int], threads: Int = 1
  ) {
    let (h, w) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
    if dx.shape != inputShape { dx = Tensor(shape: inputShape) }
    let po = (h / 2) * (w / 2), planes = gradOut.count / po
    precondition(argmax.count % gradOut.count == 0, "gradOut of \(gradOut.count) for \(argmax.count)")
    gradOut.withUnsafeBufferPointer { pg in
      argmax.withUnsafeBufferPointer { pa in
        dx.withUnsafeMutableBufferPointer { pd in
          for r in 0..<(argmax.count / gradOut.count) {
            Kernels.maxPool2x2Backward(
              pg.baseAddress!, argmax: pa.baseAddress! + r * planes * po, planes: planes,
              height: h, width: w, dx: pd.baseAddress! + r * planes * h * w, threads: threads)
          }
        }
      }
    }
  }
}
