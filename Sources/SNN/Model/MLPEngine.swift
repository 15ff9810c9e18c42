/// Buffers of one layer for a batch, reused across batches.
final class LayerBuffers {
  /// Pre-activation `X · W`, `[T·B, N]`.
  var z = Tensor.zeros([0])
  /// Membrane before reset and spikes, `[T·B, N]`.
  var h = Tensor.zeros([0])
  var s = Tensor.zeros([0])
  /// Spiking units per `(t, b)` row.
  var spikes = SparseRows(columnCount: 0)
  var scratch = Tensor.zeros([0])
  /// dL/dS (`[T·B, N]`, or `[B, N]` when the same at every step) and dL/dZ.
  var gradS = Tensor.zeros([0])
  var gradZ = Tensor.zeros([0])
  /// dL/dW, `[in, out]`.
  var gradW = Tensor.zeros([0])
  /// Transpose of this layer's input spikes, for the weight gradient.
  var inputTransposed = SparseRows(columnCount: 0)
  /// Packed panels of the matrix a sparse kernel gathers from.
  var panels = Tensor.zeros([0])
  /// This layer's spikes as a bitmap (filled when the next layer reads them by table lookup),
  /// and the transpose of this layer's input bitmap, for the weight gradient.
  var bits = SpikeBitmap()
  var inputBitsTransposed = SpikeBitmap()
  var spikeCount = 0
}

/// Forward and backward passes of a ``SpikingMLP`` over one batch (time-major rows
/// `t · B + b`), with per-layer choice between the spike-driven sparse kernels and BLAS.
final class MLPEngine {
  let steps: Int
  let neuron: NeuronParameters
  var threads: Int
  /// Which kernel each layer's products use, by the density of its input.
  var kernels = ProductKernels.measured
  private(set) var batch = 0
  var input: SparseRows
  private var inputDense = Tensor.zeros([0])
  private var inputDenseValid = false
  let layers: [LayerBuffers]
  private(set) var rate = Tensor.zeros([0])

  init(sizes: [Int], steps: Int, neuron: NeuronParameters, threads: Int) {
    self.steps = steps
    self.neuron = neuron
    self.threads = threads
    input = SparseRows(columnCount: sizes[0], binary: false)
    layers = (1..<sizes.count).map { _ in LayerBuffers() }
  }

  /// Loads `samples` of `data` as the input rows.
  func load(_ data: some SpikeFrameSource, samples: ArraySlice<Int>) {
    batch = samples.count
    input.removeAll()
    var values = input.values ?? []
    input.values = nil
    for t in 0..<steps {
      for i in samples {
        data.appendActiveFeatures(sample: i, step: t, indices: &input.indices, values: &values)
        input.closeRow()
      }
    }
    input.values = values
    inputDenseValid = false
  }

  /// Loads input rows directly (`T · B` rows).
  func load(_ rows: SparseRows) {
    precondition(rows.rowCount % steps == 0, "rows not a multiple of steps")
    batch = rows.rowCount / steps
    input = rows
    inputDenseValid = false
  }

  /// Runs the network; returns the output rate `[B, classes]`.
  @discardableResult
  func forward(_ weights: [Tensor]) -> Tensor {
    for l in weights.indices {
      let buf = layers[l]
      let n = weights[l].shape[1]
      if buf.z.shape != [steps * batch, n] { buf.z = Tensor(shape: [steps * batch, n]) }
      multiplyInput(of: l, by: weights[l], into: &buf.z)
      // Spikes the next layer reads as a bitmap need no list (nor does the output's).
      let hidden = l < weights.count - 1
      buf.spikeCount = Tensor.neuronForward(
        buf.z, steps: steps, neuron: neuron, h: &buf.h, s: &buf.s, spikes: &buf.spikes,
        scratch: &buf.scratch, threads: threads, listBelow: hidden ? kernels.binaryFrom : 0)
      if hidden && readsAsBitmap(buf.spikes) { buf.bits.fill(fromDense: buf.s, threads: threads) }
    }
    let out = layers[layers.count - 1]
    let classes = weights[weights.count - 1].shape[1]
    var r = Tensor(shape: [batch, classes])
    let m = batch * classes
    out.s.withUnsafeBufferPointer { s in
      r.withUnsafeMutableBufferPointer { r in
        for t in 0..<steps { for i in 0..<m { r[i] += s[t * m + i] } }
        for i in 0..<m { r[i] /= Float(steps) }
      }
    }
    rate = r
    return r
  }

  /// Spike rate of each layer in the last forward pass.
  var spikeRates: [Double] {
    layers.map { $0.s.count == 0 ? 0 : Double($0.spikeCount) / Double($0.s.count) }
  }

  /// Whether gathers go through packed panels (wide layers only; packing costs a copy).
  var packPanels = true

  private func gather(
    _ x: SparseRows, _ w: Tensor, into out: inout Tensor, panels: inout Tensor, threads: Int
  ) {
    if packPanels && w.matrixShape.columns >= 2 * Kernels.panelWidth {
      Tensor.gatherRowsPacked(x, weights: w, into: &out, panels: &panels, threads: threads)
    } else {
      Tensor.gatherRows(x, weights: w, into: &out, threads: threads)
    }
  }

  /// Whether a layer reading `x` takes it as a bitmap: binary spikes at or above
  /// ``ProductKernels/binaryFrom``.
  private func readsAsBitmap(_ x: SparseRows) -> Bool {
    x.values == nil && x.density >= kernels.binaryFrom
  }

  /// How layer `l`'s products (`X · W` and `Xᵀ · dZ`) are computed, by its input `X`.
  private enum Product { case bitmap, gather, dense }

  private func product(of l: Int) -> Product {
    // The first layer's input is event counts, never a bitmap.
    let x = l == 0 ? input : layers[l - 1].spikes
    if l > 0 && readsAsBitmap(x) { return .bitmap }
    return x.density < kernels.sparseBelow ? .gather : .dense
  }

  private func multiplyInput(of l: Int, by w: Tensor, into z: inout Tensor) {
    switch product(of: l) {
    case .bitmap: Tensor.binaryMatmul(layers[l - 1].bits, w, into: &z, threads: threads)
    case .gather:
      gather(l == 0 ? input : layers[l - 1].spikes, w, into: &z, panels: &layers[l].panels, threads: threads)
    case .dense: Tensor.gemm(l == 0 ? denseInput() : layers[l - 1].s, w, into: &z, threads: threads)
    }
  }

  private func denseInput() -> Tensor {
    if !inputDenseValid {
      if inputDense.count != input.rowCount * input.columnCount {
        inputDense = Tensor(shape: [input.rowCount, input.columnCount])
      }
      input.denseInto(&inputDense)
      inputDenseValid = true
    }
    return inputDense
  }

  /// dL/dW of layer `l` from its dL/dZ: `Xᵀ · dZ`.
  private func weightGradient(of l: Int, threads: Int) {
    let buf = layers[l]
    let k = l == 0 ? input.columnCount : layers[l - 1].s.shape[1]
    let n = buf.z.shape[1]
    if buf.gradW.shape != [k, n] { buf.gradW = Tensor(shape: [k, n]) }
    switch product(of: l) {
    case .bitmap:
      layers[l - 1].bits.transpose(into: &buf.inputBitsTransposed)
      Tensor.binaryMatmul(buf.inputBitsTransposed, buf.gradZ, into: &buf.gradW, threads: threads)
    case .gather:
      (l == 0 ? input : layers[l - 1].spikes).transpose(into: &buf.inputTransposed)
      gather(buf.inputTransposed, buf.gradZ, into: &buf.gradW, panels: &buf.panels, threads: threads)
    case .dense:
      let x = l == 0 ? denseInput() : layers[l - 1].s
      Tensor.gemm(x, transposeA: true, buf.gradZ, into: &buf.gradW, threads: threads)
    }
  }

  /// Backward pass from `e = dL/dRate` (`[B, classes]`); fills every trained layer's `gradW`.
  ///
  /// - Parameter feedback: SDFA's `B`, `[classes, F_max]` (only for `.sdfa`).
  /// - Parameter temporal: whether hidden layers' membrane gradients run through time.
  func backward(_ weights: [Tensor], outputError e: Tensor, method: TrainConfig.Method,
    feedback: Tensor?, temporal: TrainConfig.Temporal = .bptt)
  {
    var hiddenNeuron = neuron
    hiddenNeuron.backwardThroughTime = temporal == .bptt
    let last = weights.count - 1
    let out = layers[last]
    out.gradS = e.map { $0 / Float(steps) }
    Tensor.neuronBackward(
      h: out.h, s: out.s, gradS: out.gradS, steps: steps, neuron: neuron, gradX: &out.gradZ,
      scratch: &out.scratch, threads: threads)
    switch method {
    case .shallow:
      weightGradient(of: last, threads: threads)
    case .sdfa where last == 0:  // no hidden layer: the output layer's true gradient only
      weightGradient(of: last, threads: threads)
    case .bp:
      weightGradient(of: last, threads: threads)
      for l in stride(from: last - 1, through: 0, by: -1) {
        let buf = layers[l], above = layers[l + 1]
        if buf.gradS.shape != buf.s.shape { buf.gradS = Tensor(shape: buf.s.shape) }
        Tensor.gemm(
          above.gradZ, weights[l + 1], transposeB: true, into: &buf.gradS, threads: threads)
        Tensor.neuronBackward(
          h: buf.h, s: buf.s, gradS: buf.gradS, steps: steps, neuron: hiddenNeuron,
          gradX: &buf.gradZ, scratch: &buf.scratch, threads: threads)
        weightGradient(of: l, threads: threads)
      }
    case .sdfa:
      guard let feedback else { preconditionFailure("SDFA needs a feedback matrix") }
      let projected = SDFAFeedback.Projection(error: e, feedback: feedback)
      let hiddenCount = last
      weightGradient(of: last, threads: threads)
      // Hidden layers are independent: each back-propagates its own projection through its own
      // time. They run side by side, one thread each, unless one layer outweighs the others so
      // much that running them in turn, each on every thread, ends sooner (nesting the two
      // starved layers of threads).
      let concurrent = hiddenCount > 1 && threads > 1
        && Self.sideBySideIsFaster(costs: (0..<hiddenCount).map(localBackwardCost), threads: threads)
      let inner = concurrent ? 1 : threads
      Kernels.parallelFor(hiddenCount, threads: concurrent ? threads : 1) { l in
        let buf = self.layers[l]
        let width = buf.s.shape[1]
        buf.gradS = projected.slice(width: width)
        Tensor.neuronBackward(
          h: buf.h, s: buf.s, gradS: buf.gradS, steps: self.steps, neuron: hiddenNeuron,
          gradX: &buf.gradZ, scratch: &buf.scratch, threads: inner)
        self.weightGradient(of: l, threads: inner)
      }
    }
  }

  /// Relative cost of hidden layer `l`'s SDFA backward (its neuron's backward through time and
  /// its weight gradient by the kernel ``weightGradient(of:threads:)`` will choose), in 16-float
  /// vector operations.
  private func localBackwardCost(_ l: Int) -> Double {
    let rows = Double(steps * batch), width = Double(layers[l].s.shape[1])
    let neuron = 4 * rows * width / 16
    let x = l == 0 ? input : layers[l - 1].spikes
    let k = Double(x.columnCount)
    switch product(of: l) {
    case .bitmap: return neuron + k * rows * width / 64  // a lookup (2 vectors) per 4 inputs, 32 columns
    case .gather: return neuron + 2 * Double(x.nonzeroCount) * width / 16  // row gathers, from L2
    case .dense: return neuron + k * rows * width / 32  // BLAS, two FMAs a cycle
    }
  }

  /// Whether independent tasks of `costs` end sooner side by side, one thread each (longest
  /// first onto the least loaded thread), than one after another on all `threads` at a
  /// parallel efficiency of 0.85 (whole training steps measure 0.65–0.95 on two threads, the
  /// product kernels alone ~0.95: `snnbench --crossover`).
  static func sideBySideIsFaster(costs: [Double], threads: Int) -> Bool {
    var load = [Double](repeating: 0, count: threads)
    for c in costs.sorted(by: >) { load[load.indices.min { load[$0] < load[$1] }!] += c }
    let inTurn = costs.reduce(0, +) / (Double(threads) * 0.85)
    return load.max()! <= inTurn
  }

  /// The gradients of the layers `method` trains (nil for frozen layers).
  func gradients(method: TrainConfig.Method) -> [Tensor?] {
    layers.indices.map { l in
      method == .shallow && l < layers.count - 1 ? nil : layers[l].gradW
    }
  }
}
