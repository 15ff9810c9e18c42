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

  /// ``maxPool2x2(_:into:argmax:threads:)`` of the spikes of the membrane `h` `[N, C, H, W]`
  /// (`S = h − threshold ≥ 0`, as the neuron set them) that also sets `active` to each image's
  /// non-zero outputs (rows of `[C · H/2 · W/2]`, binary), reusing its storage.
  public static func maxPool2x2(
    spikesOf h: Tensor, threshold: Float, into out: inout Tensor, argmax: inout [Int32],
    active: inout SparseRows, threads: Int = 1
  ) {
    let pooled = h.shape[0] * h.shape[1] * (h.shape[2] / 2) * (h.shape[3] / 2)
    if argmax.count != pooled { argmax = [Int32](repeating: 0, count: pooled) }
    argmax.withUnsafeMutableBufferPointer { pa in
      spikePool(h, threshold, &out, pa.baseAddress!, &active, threads)
    }
  }

  /// ``maxPool2x2(spikesOf:threshold:into:argmax:active:threads:)`` without the argmax: a
  /// pooled block's backward pass finds the maxima again in its membrane
  /// (``pooledNeuronBackward(h:gradPooled:argmax:steps:neuron:gradX:threads:)`` with no
  /// argmax), which saves an `Int32` per pooled output for the whole step.
  public static func maxPool2x2(
    spikesOf h: Tensor, threshold: Float, into out: inout Tensor, active: inout SparseRows,
    threads: Int = 1
  ) {
    spikePool(h, threshold, &out, nil, &active, threads)
  }

  private static func spikePool(
    _ h: Tensor, _ threshold: Float, _ out: inout Tensor, _ argmax: UnsafeMutablePointer<Int32>?,
    _ active: inout SparseRows, _ threads: Int
  ) {
    precondition(h.rank == 4, "images \(h.shape)")
    let (n, c, height, width) = (h.shape[0], h.shape[1], h.shape[2], h.shape[3])
    let shape = [n, c, height / 2, width / 2]
    if out.shape != shape { out = Tensor(shape: shape) }
    active.columnCount = c * (height / 2) * (width / 2)
    active.values = nil
    if active.rowStart.count != n + 1 { active.rowStart = [Int](repeating: 0, count: n + 1) }
    active.reserveIndices(max(out.count, 1))
    h.withUnsafeBufferPointer { ph in
      out.withUnsafeMutableBufferPointer { po in
        active.rowStart.withUnsafeMutableBufferPointer { rs in
          active.indices.withUnsafeMutableBufferPointer { idx in
            Kernels.maxPool2x2(
              spikesOf: ph.baseAddress!, threshold: threshold, images: n, planesPerImage: c,
              height: height, width: width, out: po.baseAddress!, argmax: argmax,
              rowStart: rs.baseAddress!, indices: idx.baseAddress!, threads: threads)
          }
        }
      }
    }
  }

  /// Gradient of ``maxPool2x2(_:)`` with respect to its input of shape `inputShape`.
  public static func maxPool2x2Backward(_ gradOut: Tensor, argmax: [Int32], inputShape: [Int])
    -> Tensor
  {
    let (h, w) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
    var dx = Tensor(shape: inputShape)
    gradOut.withUnsafeBufferPointer { pg in
      argmax.withUnsafeBufferPointer { pa in
        dx.withUnsafeMutableBufferPointer { pd in
          Kernels.maxPool2x2Backward(
            pg.baseAddress!, argmax: pa.baseAddress!, planes: pd.count / (h * w), height: h,
            width: w, dx: pd.baseAddress!)
        }
      }
    }
    return dx
  }
}

extension Tensor {
  /// dL/dX of a block's neuron whose spikes were max-pooled (``maxPool2x2(spikesOf:threshold:into:argmax:active:threads:)``),
  /// from dL/d(pooled spikes): ``maxPool2x2Backward(_:argmax:inputShape:)`` then
  /// ``neuronBackward(h:s:gradS:steps:neuron:gradX:scratch:threads:)`` in one pass.
  ///
  /// `h` is the membrane `[T · B, C, H, W]`; `gradPooled` is `[T · B, C, H/2, W/2]`, or
  /// `[B, C, H/2, W/2]` to apply at every step. Without `argmax` the maxima are found again in
  /// `h`'s spikes, as the pooling chose them. `gradX` is resized to `h`'s shape when needed.
  public static func pooledNeuronBackward(
    h: Tensor, gradPooled: Tensor, argmax: [Int32]? = nil, steps: Int, neuron: NeuronParameters,
    gradX: inout Tensor, threads: Int = 1
  ) {
    let broadcast = pooledBroadcast(h, gradPooled, argmax, steps)
    if gradX.shape != h.shape { gradX = Tensor(shape: h.shape) }
    let (height, width) = (h.shape[2], h.shape[3])
    let planes = h.count / steps / (height * width)
    h.withUnsafeBufferPointer { ph in
      gradPooled.withUnsafeBufferPointer { pg in
        withOptionalBuffer(argmax) { pa in
          gradX.withUnsafeMutableBufferPointer { px in
            Kernels.pooledNeuronBackward(
              steps: steps, planes: planes, height: height, width: width, h: ph.baseAddress!,
              gradPooled: pg.baseAddress!, broadcastOverTime: broadcast, argmax: pa,
              gradX: px.baseAddress!, neuron: neuron, threads: threads)
          }
        }
      }
    }
  }

  /// Checks a pooled backward pass's shapes; returns whether `gradPooled` is one step's,
  /// applied at every step.
  static func pooledBroadcast(_ h: Tensor, _ gradPooled: Tensor, _ argmax: [Int32]?, _ steps: Int)
    -> Bool
  {
    precondition(h.rank == 4 && h.shape[0] % steps == 0, "membrane \(h.shape) for \(steps) steps")
    let pooled = h.shape[0] * h.shape[1] * (h.shape[2] / 2) * (h.shape[3] / 2)
    precondition(argmax == nil || argmax!.count == pooled, "argmax of \(argmax!.count)")
    let broadcast = gradPooled.count * steps == pooled && steps > 1
    precondition(broadcast || gradPooled.count == pooled, "gradient of \(gradPooled.count)")
    return broadcast
  }

  /// `body` with `array`'s base address, or nil.
  static func withOptionalBuffer<R>(_ array: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
  }
}
