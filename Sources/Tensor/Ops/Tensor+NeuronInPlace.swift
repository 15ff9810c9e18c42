/// In-place variants of the neuron kernels, for memory-lean training: the membrane overwrites
/// the neuron's input, and dL/dX overwrites the membrane, so a conv block holds one full-size
/// float tensor instead of three (input, membrane, input gradient).
///
/// Every kernel involved reads a unit's value at step `t` before it writes the same unit at
/// step `t` and touches no other unit's value of that step, so aliasing input and output gives
/// exactly the numbers of the out-of-place call (the tests compare them bit for bit).
extension Tensor {
  /// ``neuronForward(_:steps:neuron:h:s:spikes:scratch:threads:listBelow:)`` with `h` written
  /// over its input `x` (any shape with `rows · width` elements, time-major; the spikes `s`
  /// and `spikes` are per row of `width`).
  @discardableResult
  public static func neuronForwardInPlace(
    _ xh: inout Tensor, rows: Int, steps: Int, neuron: NeuronParameters, s: inout Tensor,
    spikes: inout SparseRows, scratch: inout Tensor, threads: Int = 1
  ) -> Int {
    precondition(steps > 0 && rows % steps == 0 && xh.count % rows == 0, "\(xh.shape) in \(rows) rows")
    let width = xh.count / rows, perStep = rows / steps
    if s.shape != [rows, width] { s = Tensor(shape: [rows, width]) }
    if scratch.count != perStep * width { scratch = Tensor(shape: [perStep * width]) }
    spikes.columnCount = width
    spikes.values = nil
    if spikes.rowStart.count != rows + 1 { spikes.rowStart = [Int](repeating: 0, count: rows + 1) }
    spikes.reserveIndices(xh.count + 1)
    spikes.indicesListed = true
    return xh.withUnsafeMutableBufferPointer { ph in
      s.withUnsafeMutableBufferPointer { ps in
        scratch.withUnsafeMutableBufferPointer { pv in
          spikes.rowStart.withUnsafeMutableBufferPointer { rs in
            spikes.indices.withUnsafeMutableBufferPointer { idx in
              Kernels.neuronForward(
                steps: steps, rowsPerStep: perStep, rowWidth: width,
                x: UnsafePointer(ph.baseAddress!), h: ph.baseAddress!, s: ps.baseAddress!,
                v: pv.baseAddress!, rowStart: rs.baseAddress!, indices: idx.baseAddress!,
                neuron: neuron, threads: threads)
            }
          }
        }
      }
    }
  }

  /// ``neuronCharge(_:batchNorm:steps:neuron:h:scratch:threads:)`` without batch norm, the
  /// membrane written over its input `[T · B, C, H, W]`. Returns the spike count.
  @discardableResult
  public static func neuronChargeInPlace(
    _ xh: inout Tensor, steps: Int, neuron: NeuronParameters, scratch: inout Tensor,
    threads: Int = 1
  ) -> Int {
    precondition(xh.rank == 4 && xh.shape[0] % steps == 0, "input \(xh.shape) for \(steps) steps")
    let channels = xh.shape[1], plane = xh.shape[2] * xh.shape[3]
    let planes = xh.count / steps / plane
    if scratch.count != planes * plane { scratch = Tensor(shape: [planes * plane]) }
    return xh.withUnsafeMutableBufferPointer { ph in
      scratch.withUnsafeMutableBufferPointer { pv in
        Kernels.batchNormNeuronCharge(
          steps: steps, planes: planes, plane: plane, channels: channels,
          x: UnsafePointer(ph.baseAddress!), mean: nil, invStd: nil, gamma: nil, beta: nil,
          h: ph.baseAddress!, v: pv.baseAddress!, neuron: neuron, threads: threads)
      }
    }
  }

  /// ``neuronBackward(h:s:gradS:steps:neuron:gradX:scratch:threads:)`` with dL/dX written over
  /// the membrane `h`.
  public static func neuronBackwardInPlace(
    _ hGrad: inout Tensor, s: Tensor, gradS: Tensor, steps: Int, neuron: NeuronParameters,
    scratch: inout Tensor, threads: Int = 1
  ) {
    let m = hGrad.count / steps
    let broadcast = gradS.count == m && steps > 1
    precondition(broadcast || gradS.count == hGrad.count, "gradS of \(gradS.count) for \(hGrad.shape)")
    precondition(s.count == hGrad.count, "spikes \(s.shape) for \(hGrad.shape)")
    if scratch.count != m { scratch = Tensor(shape: [m]) }
    hGrad.withUnsafeMutableBufferPointer { ph in
      s.withUnsafeBufferPointer { ps in
        gradS.withUnsafeBufferPointer { pg in
          scratch.withUnsafeMutableBufferPointer { pv in
            Kernels.neuronBackward(
              steps: steps, m: m, h: UnsafePointer(ph.baseAddress!), s: ps.baseAddress!,
              gradS: pg.baseAddress!, broadcastOverTime: broadcast, gradX: ph.baseAddress!,
              gv: pv.baseAddress!, neuron: neuron, threads: threads)
          }
        }
      }
    }
  }

  /// ``pooledNeuronBackward(h:gradPooled:argmax:steps:neuron:gradX:threads:)`` with dL/dX
  /// written over the membrane `h` `[T · B, C, H, W]` (without `argmax`, the maxima are read
  /// from each row pair's spikes before it is overwritten).
  public static func pooledNeuronBackwardInPlace(
    _ hGrad: inout Tensor, gradPooled: Tensor, argmax: [Int32]? = nil, steps: Int,
    neuron: NeuronParameters, threads: Int = 1
  ) {
    let broadcast = pooledBroadcast(hGrad, gradPooled, argmax, steps)
    let (height, width) = (hGrad.shape[2], hGrad.shape[3])
    let planes = hGrad.count / steps / (height * width)
    hGrad.withUnsafeMutableBufferPointer { ph in
      gradPooled.withUnsafeBufferPointer { pg in
        withOptionalBuffer(argmax) { pa in
          Kernels.pooledNeuronBackward(
            steps: steps, planes: planes, height: height, width: width,
            h: UnsafePointer(ph.baseAddress!), gradPooled: pg.baseAddress!,
            broadcastOverTime: broadcast, argmax: pa, gradX: ph.baseAddress!,
            neuron: neuron, threads: threads)
        }
      }
    }
  }
}
