extension Tensor {
  /// Runs a multi-step neuron over `x` (`[T, B, N]` or its matrix view with `T · B` rows).
  ///
  /// Fills `h` (membrane before reset) and `s` (0/1 spikes), both shaped like `x`, and
  /// `spikes` with the spiking units of each `(t, b)` row; resizes the outputs when needed.
  /// `scratch` is resized to `B · N`. Returns the spike count.
  ///
  /// On several threads, spikes at or above `listBelow` density are only counted
  /// (``SparseRows/indicesListed`` false): for a layer whose readers take `s` as a bitmap.
  @discardableResult
  public static func neuronForward(
    _ x: Tensor, steps: Int, neuron: NeuronParameters, h: inout Tensor, s: inout Tensor,
    spikes: inout SparseRows, scratch: inout Tensor, threads: Int = 1,
    listBelow: Double = .infinity
  ) -> Int {
    let (rows, width) = x.matrixShape
    precondition(steps > 0 && rows % steps == 0, "\(rows) rows not divisible by \(steps) steps")
    let perStep = rows / steps
    if h.shape != x.shape { h = Tensor(shape: x.shape) }
    if s.shape != x.shape { s = Tensor(shape: x.shape) }
    if scratch.count != perStep * width { scratch = Tensor(shape: [perStep * width]) }
    spikes.columnCount = width
    spikes.values = nil
    if spikes.rowStart.count != rows + 1 {
      spikes.rowStart = [Int](repeating: 0, count: rows + 1)
    }
    spikes.reserveIndices(x.count + 1)
    var listed = true
    defer { spikes.indicesListed = listed }
    return x.withUnsafeBufferPointer { px in
      h.withUnsafeMutableBufferPointer { ph in
        s.withUnsafeMutableBufferPointer { ps in
          scratch.withUnsafeMutableBufferPointer { pv in
            spikes.rowStart.withUnsafeMutableBufferPointer { rs in
              spikes.indices.withUnsafeMutableBufferPointer { idx in
                Kernels.neuronForward(
                  steps: steps, rowsPerStep: perStep, rowWidth: width, x: px.baseAddress!,
                  h: ph.baseAddress!, s: ps.baseAddress!, v: pv.baseAddress!,
                  rowStart: rs.baseAddress!, indices: idx.baseAddress!, neuron: neuron,
                  threads: threads, listIndices: { count in
                    listed = Double(count) < listBelow * Double(x.count)
                    return listed
                  })
              }
            }
          }
        }
      }
    }
  }

  /// ``neuronForward(_:steps:neuron:h:s:spikes:scratch:threads:)`` of the training-mode batch
  /// norm `γ[c] · ((x − mean[c]) · invStd[c]) + β[c]` of `x` `[T · B, C, H, W]` (`x` itself when
  /// `batchNorm` is nil), writing only the membrane `h` (shaped like `x`; the spikes are
  /// `h − v_th ≥ 0`), for spikes that are pooled before use
  /// (``maxPool2x2(spikesOf:threshold:into:argmax:active:threads:)``). Returns the spike count.
  @discardableResult
  public static func neuronCharge(
    _ x: Tensor, batchNorm: (statistics: BatchNormStatistics, gamma: [Float], beta: [Float])?,
    steps: Int, neuron: NeuronParameters, h: inout Tensor, scratch: inout Tensor,
    threads: Int = 1
  ) -> Int {
    precondition(x.rank == 4 && x.shape[0] % steps == 0, "input \(x.shape) for \(steps) steps")
    let channels = x.shape[1], plane = x.shape[2] * x.shape[3]
    let planes = x.count / steps / plane
    if h.shape != x.shape { h = Tensor(shape: x.shape) }
    if scratch.count != planes * plane { scratch = Tensor(shape: [planes * plane]) }
    return x.withUnsafeBufferPointer { px in
      h.withUnsafeMutableBufferPointer { ph in
        scratch.withUnsafeMutableBufferPointer { pv in
          let charge = {
            (mean: UnsafePointer<Float>?, inv: UnsafePointer<Float>?, g: UnsafePointer<Float>?,
              b: UnsafePointer<Float>?) in
            Kernels.batchNormNeuronCharge(
              steps: steps, planes: planes, plane: plane, channels: channels, x: px.baseAddress!,
              mean: mean, invStd: inv, gamma: g, beta: b, h: ph.baseAddress!,
              v: pv.baseAddress!, neuron: neuron, threads: threads)
          }
          guard let bn = batchNorm else { return charge(nil, nil, nil, nil) }
          return bn.statistics.mean.withUnsafeBufferPointer { m in
            bn.statistics.invStd.withUnsafeBufferPointer { s in
              bn.gamma.withUnsafeBufferPointer { g in
                bn.beta.withUnsafeBufferPointer { b in
                  charge(m.baseAddress, s.baseAddress, g.baseAddress, b.baseAddress)
                }
              }
            }
          }
        }
      }
    }
  }

  /// Backward through time of ``neuronForward(_:steps:neuron:h:s:spikes:scratch:)``.
  ///
  /// `gradS` is dL/dS shaped like `h`, or one step's slice (`count == h.count / steps`) that
  /// applies at every step. `gradX` receives dL/dX shaped like `h`.
  public static func neuronBackward(
    h: Tensor, s: Tensor, gradS: Tensor, steps: Int, neuron: NeuronParameters,
    gradX: inout Tensor, scratch: inout Tensor, threads: Int = 1
  ) {
    let m = h.count / steps
    let broadcast = gradS.count == m && steps > 1
    precondition(broadcast || gradS.count == h.count, "gradS of \(gradS.count) for \(h.shape)")
    if gradX.shape != h.shape { gradX = Tensor(shape: h.shape) }
    if scratch.count != m { scratch = Tensor(shape: [m]) }
    h.withUnsafeBufferPointer { ph in
      s.withUnsafeBufferPointer { ps in
        gradS.withUnsafeBufferPointer { pg in
          gradX.withUnsafeMutableBufferPointer { px in
            scratch.withUnsafeMutableBufferPointer { pv in
              Kernels.neuronBackward(
                steps: steps, m: m, h: ph.baseAddress!, s: ps.baseAddress!,
                gradS: pg.baseAddress!, broadcastOverTime: broadcast, gradX: px.baseAddress!,
                gv: pv.baseAddress!, neuron: neuron, threads: threads)
            }
          }
        }
      }
    }
  }
}
