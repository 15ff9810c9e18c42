/// Spike-driven convolution: images given as sparse rows (one row per image, its active
/// `(channel, y, x)` inputs), for spike inputs far below ``Kernels/sparseConvCrossover``.
extension Tensor {
  /// ``conv2d(_:weight:pad:cols:threads:)`` of the sparse images `x` (`[N, cIn · H · W]`,
  /// columns in NCHW order) of shape `imageShape` `[cIn, H, W]`, into `y` `[N, cOut, oh, ow]`.
  ///
  /// `weightTransposed` receives the kernel as `[cIn · k · k, cOut]` and `scratch` one
  /// channels-last output image per thread; all three are resized only when needed. The result
  /// does not depend on `threads`.
  public static func conv2d(
    sparse x: SparseRows, imageShape: [Int], weight: Tensor, pad: Int, into y: inout Tensor,
    weightTransposed: inout Tensor, scratch: inout Tensor, threads: Int = 1
  ) {
    let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
    let (co, k) = (weight.shape[0], weight.shape[2])
    precondition(weight.shape[1] == c && x.columnCount == c * h * w, "conv shapes")
    let n = x.rowCount, oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    let parts = max(1, min(threads, n))
    let partSize = Kernels.sparseConv2dScratchCount(
      channels: c, height: h, width: w, kernel: k, pad: pad, outChannels: co)
    if scratch.count < parts * partSize { scratch = Tensor(shape: [parts * partSize]) }
    if y.shape != [n, co, oh, ow] { y = Tensor(shape: [n, co, oh, ow]) }
    if weightTransposed.shape != [c * k * k, co] { weightTransposed = Tensor(shape: [c * k * k, co]) }
    weight.withUnsafeBufferPointer { pw in
      weightTransposed.withUnsafeMutableBufferPointer { pt in
        Kernels.transpose(
          rows: co, cols: c * k * k, pw.baseAddress!, lds: c * k * k, into: pt.baseAddress!, ldd: co)
      }
    }
    x.withUnsafePointers { rowStart, indices, values in
      weightTransposed.withUnsafeBufferPointer { pt in
        scratch.withUnsafeMutableBufferPointer { ps in
          y.withUnsafeMutableBufferPointer { py in
            Kernels.sparseConv2d(
              images: n, rowStart: rowStart, indices: indices, values: values, channels: c,
              height: h, width: w, kernel: k, pad: pad, outChannels: co,
              weightTransposed: pt.baseAddress!, scratch: ps.baseAddress!, out: py.baseAddress!,
              threads: threads)
          }
        }
      }
    }
  }

  /// dL/dW (`weightShape` `[cOut, cIn, k, k]`) of ``conv2d(sparse:imageShape:weight:pad:into:weightTransposed:scratch:threads:)``
  /// from `gradOut` `[N, cOut, oh, ow]`, into `dw`; work ∝ the active inputs.
  ///
  /// `scratch` (per thread: one channels-last gradient image and a partial dW) is resized only
  /// when needed. Deterministic for a given `threads`.
  public static func conv2dWeightGradient(
    sparse x: SparseRows, imageShape: [Int], weightShape: [Int], pad: Int, gradOut dy: Tensor,
    into dw: inout Tensor, scratch: inout Tensor, threads: Int = 1
  ) {
    let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
    let (co, k) = (weightShape[0], weightShape[2])
    let n = x.rowCount, oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    precondition(dy.shape == [n, co, oh, ow], "gradOut \(dy.shape)")
    let parts = max(1, min(threads, n))
    let partSize = Kernels.sparseConv2dWeightGradientScratchCount(
      channels: c, height: h, width: w, kernel: k, pad: pad, outChannels: co)
    if scratch.count < parts * partSize { scratch = Tensor(shape: [parts * partSize]) }
    if dw.shape != weightShape { dw = Tensor(shape: weightShape) }
    x.withUnsafePointers { rowStart, indices, values in
      dy.withUnsafeBufferPointer { pg in
        scratch.withUnsafeMutableBufferPointer { ps in
          dw.withUnsafeMutableBufferPointer { pd in
            Kernels.sparseConv2dWeightGradient(
              images: n, rowStart: rowStart, indices: indices, values: values, channels: c,
              height: h, width: w, kernel: k, pad: pad, outChannels: co,
              gradOut: pg.baseAddress!, scratch: ps.baseAddress!, gradWeight: pd.baseAddress!,
              threads: threads)
          }
        }
      }
    }
  }
}

extension SparseRows {
  /// Calls `body` with pointers to `rowStart`, `indices` and `values` (nil when binary).
  func withUnsafePointers<R>(
    _ body: (UnsafePointer<Int>, UnsafePointer<Int32>, UnsafePointer<Float>?) -> R
  ) -> R {
    if indices.isEmpty {
      var padded = self
      padded.indices = [0]
      return padded.withUnsafePointers(body)
    }
    return rowStart.withUnsafeBufferPointer { rs in
      indices.withUnsafeBufferPointer { idx in
        if let values {
          return values.withUnsafeBufferPointer { v in body(rs.baseAddress!, idx.baseAddress!, v.baseAddress) }
        }
        return body(rs.baseAddress!, idx.baseAddress!, nil)
      }
    }
  }
}
