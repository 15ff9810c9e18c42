/// SDFA's feedback path in one place: the fixed random matrix `B`, which layers receive a slice
/// of it, how wide each slice is, its scaling and the projection of the output error.
///
/// With SDFA every hidden layer (an MLP's hidden Linears; a conv net's block outputs, then its
/// hidden Linears) receives `e · B[:, 0..<width] / √F_max` as dL/d(its spikes), the same at
/// every time step, where `e = dL/dRate` (`[B, classes]`), `width` is the layer's output size
/// (flattened `C · H · W` for a block) and `F_max` the widest such layer. Slices share a prefix
/// of `B` (the hardware model's `shared_prefix`), so one product `e · B` serves every layer.
public enum SDFAFeedback {
  /// The fixed matrix `B ~ N(0, 1)`, `[classes, maxFeatures]`, drawn from
  /// `RandomStream(seed:, purpose: "sdfa.feedback")` in row-major order.
  public static func matrix(classes: Int, maxFeatures: Int, seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "sdfa.feedback")
    var b = Tensor(shape: [classes, maxFeatures])
    b.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = rng.nextNormal() } }
    return b
  }

  /// `B` for a network whose hidden layers have `widths` outputs, or nil when `method` is not
  /// SDFA or there is no hidden layer (the output layer then trains on its true gradient).
  static func matrix(method: TrainConfig.Method, classes: Int, widths: [Int], seed: UInt64)
    -> Tensor?
  {
    guard method == .sdfa, let widest = widths.max() else { return nil }
    return matrix(classes: classes, maxFeatures: widest, seed: seed)
  }

  /// The output error projected through `B` once per backward pass; hidden layers read their
  /// slices from it independently (and concurrently).
  struct Projection: @unchecked Sendable {
    /// `e · B`, `[B, F_max]`.
    let values: Tensor
    let batch: Int
    let maxFeatures: Int

    /// Projects `e` (`[batch, classes]`) through `feedback` (`[classes, F_max]`).
    init(error e: Tensor, feedback: Tensor) {
      values = Tensor.matmul(e, feedback)
      batch = e.shape[0]
      maxFeatures = feedback.shape[1]
    }

    /// dL/d(spikes) of a hidden layer of `width` outputs, `[batch, width]`: the first `width`
    /// columns of `e · B`, divided by `√F_max` (so that the signal's scale does not grow with
    /// the widest layer).
    func slice(width: Int) -> Tensor {
      precondition(width <= maxFeatures, "a feedback slice of \(width) from \(maxFeatures) columns")
      var g = Tensor(shape: [batch, width])
      let scale = Float(maxFeatures).squareRoot(), f = maxFeatures
      values.withUnsafeBufferPointer { p in
        g.withUnsafeMutableBufferPointer { g in
          for b in 0..<batch { for j in 0..<width { g[b * width + j] = p[b * f + j] / scale } }
        }
      }
      return g
    }
  }
}

extension Network {
  /// Outputs of the layers that receive SDFA feedback: every conv block (flattened `C · H · W`
  /// after its pooling), then the hidden Linears.
  var feedbackWidths: [Int] {
    let sizes = spatialSizes
    let blockWidths = convs.enumerated().map { i, b in
      b.outChannels * sizes[i + 1][0] * sizes[i + 1][1]
    }
    return blockWidths + linearSizes.dropFirst().dropLast()
  }
}
