/// Forward and backward passes of a ``SpikingConvNet`` over one batch: `N = T · B` images in
/// time-major order (image `t · B + b`), convolutions by im2col + BLAS.
final class ConvEngine {
  final class Stage {
    var input = Tensor.zeros([0])
    var cols = Tensor.zeros([0])
    var bn: Tensor.BatchNormCache?
    var h = Tensor.zeros([0])
    var s = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: 0)
    var scratch = Tensor.zeros([0])
    var argmax: [Int32] = []
    var spikeCount = 0
  }

  let steps: Int
  let neuron: NeuronParameters
  let threads: Int
  private(set) var batch = 0
  private var input = Tensor.zeros([0])
  let blocks: [Stage]
  let linears: [Stage]
  /// Batch statistics of the last training forward pass, per block: mean, unbiased variance.
  private(set) var batchStatistics: [([Float], [Float])?] = []

  init(network: SpikingConvNet, steps: Int, threads: Int) {
    self.steps = steps
    self.neuron = network.neuron.parameters
    self.threads = threads
    blocks = network.blocks.map { _ in Stage() }
    linears = (1..<network.linearSizes.count).map { _ in Stage() }
  }

  func load(_ data: some SpikeFrameSource, samples: ArraySlice<Int>) {
    batch = samples.count
    var rows = SparseRows(columnCount: data.featureCount, binary: false)
    var values: [Float] = []
    rows.values = nil
    for t in 0..<steps {
      for i in samples {
        data.appendActiveFeatures(sample: i, step: t, indices: &rows.indices, values: &values)
        rows.closeRow()
      }
    }
    rows.values = values
    input = rows.dense().reshaped([steps * batch] + data.inputShape)
  }

  /// Runs the network (batch norm from batch statistics when `training`, else running ones);
  /// returns the output rate `[B, classes]`.
  @discardableResult
  func forward(_ net: SpikingConvNet, training: Bool) -> Tensor {
    var a = input
    batchStatistics = Array(repeating: nil, count: net.blocks.count)
    for (i, block) in net.blocks.enumerated() {
      let st = blocks[i]
      st.input = a
      var y = Tensor.conv2d(
        a, weight: net.convWeights[i], pad: 1, cols: &st.cols, threads: threads)
      if block.batchNorm {
        if training {
          let (z, cache) = Tensor.batchNorm2d(
            y, gamma: net.bnGamma[i].scalars, beta: net.bnBeta[i].scalars)
          st.bn = cache
          batchStatistics[i] = (cache.mean, cache.unbiasedVariance)
          y = z
        } else {
          y = Tensor.batchNorm2dInference(
            y, gamma: net.bnGamma[i].scalars, beta: net.bnBeta[i].scalars,
            mean: net.runningMean[i].scalars, variance: net.runningVariance[i].scalars)
        }
      }
      let shape = y.shape
      st.spikeCount = Tensor.neuronForward(
        y.reshaped([steps * batch, y.count / (steps * batch)]), steps: steps, neuron: neuron,
        h: &st.h, s: &st.s, spikes: &st.spikes, scratch: &st.scratch, threads: threads)
      let s = st.s.reshaped(shape)
      if block.pool {
        let (p, arg) = Tensor.maxPool2x2(s)
        st.argmax = arg
        a = p
      } else {
        a = s
      }
    }
    a = a.reshaped([steps * batch, a.count / (steps * batch)])
    for (j, st) in linears.enumerated() {
      st.input = a
      var z = Tensor(shape: [steps * batch, net.linearSizes[j + 1]])
      Tensor.gemm(a, net.linearWeights[j], into: &z, threads: threads)
      let n = net.linearSizes[j + 1]
      net.linearBiases[j].withUnsafeBufferPointer { b in
        z.withUnsafeMutableBufferPointer { z in
          for r in 0..<(steps * batch) { for c in 0..<n { z[r * n + c] += b[c] } }
        }
      }
      st.spikeCount = Tensor.neuronForward(
        z, steps: steps, neuron: neuron, h: &st.h, s: &st.s, spikes: &st.spikes,
        scratch: &st.scratch, threads: threads)
      a = st.s
    }
    let voted = Tensor.voting(a, group: net.voting)  // [T·B, classes]
    let classes = voted.shape[1], m = batch * classes
    var rate = Tensor(shape: [batch, classes])
    voted.withUnsafeBufferPointer { v in
      rate.withUnsafeMutableBufferPointer { r in
        for t in 0..<steps { for i in 0..<m { r[i] += v[t * m + i] } }
        for i in 0..<m { r[i] /= Float(steps) }
      }
    }
    return rate
  }

  /// Spike rate of each block and Linear layer in the last forward pass.
  var spikeRates: [Double] {
    (blocks + linears).map { $0.s.count == 0 ? 0 : Double($0.spikeCount) / Double($0.s.count) }
  }

  /// Gradients of every parameter (``SpikingConvNet/parameters`` order; nil = not trained).
  func backward(
    _ net: SpikingConvNet, outputError e: Tensor, method: TrainConfig.Method, feedback: Tensor?
  ) -> [Tensor?] {
    let nb = net.blocks.count, nl = linears.count
    var convGrads = [Tensor?](repeating: nil, count: nb)
    var gammaGrads = [Tensor?](repeating: nil, count: nb), betaGrads = gammaGrads
    var weightGrads = [Tensor?](repeating: nil, count: nl), biasGrads = weightGrads
    let rows = steps * batch
    // Feedback projection for SDFA: hidden points are the block outputs, then hidden Linears.
    var projected: Tensor?
    var fMax = 0
    if method == .sdfa, let feedback {
      fMax = feedback.shape[1]
      projected = Tensor.matmul(e, feedback)
    }
    func feedbackSlice(width: Int) -> Tensor {
      var g = Tensor(shape: [batch, width])
      let scale = Float(fMax).squareRoot()
      projected!.withUnsafeBufferPointer { p in
        g.withUnsafeMutableBufferPointer { g in
          for b in 0..<batch { for j in 0..<width { g[b * width + j] = p[b * fMax + j] / scale } }
        }
      }
      return g
    }
    // Output: voting and the mean over T spread e evenly over steps and group members.
    let classes = e.shape[1], outWidth = classes * net.voting
    var gOut = Tensor(shape: [batch, outWidth])
    e.withUnsafeBufferPointer { pe in
      gOut.withUnsafeMutableBufferPointer { g in
        for b in 0..<batch {
          for j in 0..<outWidth {
            g[b * outWidth + j] = pe[b * classes + j / net.voting] / Float(net.voting) / Float(steps)
          }
        }
      }
    }
    var gradA: Tensor? = nil  // dL/d(input of the current layer), BP only
    for j in stride(from: nl - 1, through: 0, by: -1) {
      let st = linears[j], isOutput = j == nl - 1
      let gradS: Tensor
      if isOutput {
        gradS = gOut
      } else if method == .bp {
        gradS = gradA!
      } else if method == .sdfa {
        gradS = feedbackSlice(width: net.linearSizes[j + 1])
      } else {
        break
      }
      var dz = Tensor.zeros([0])
      Tensor.neuronBackward(
        h: st.h, s: st.s, gradS: gradS, steps: steps, neuron: neuron, gradX: &dz,
        scratch: &st.scratch, threads: threads)
      var dw = Tensor(shape: net.linearWeights[j].shape)
      Tensor.gemm(st.input, transposeA: true, dz, into: &dw, threads: threads)
      weightGrads[j] = dw
      let n = net.linearSizes[j + 1]
      var db = Tensor(shape: [n])
      dz.withUnsafeBufferPointer { z in
        db.withUnsafeMutableBufferPointer { d in
          for r in 0..<rows { for c in 0..<n { d[c] += z[r * n + c] } }
        }
      }
      biasGrads[j] = db
      if method == .bp {
        var da = Tensor(shape: st.input.shape)
        Tensor.gemm(dz, net.linearWeights[j], transposeB: true, into: &da, threads: threads)
        gradA = da
      }
    }
    if method == .bp || method == .sdfa {
      let sizes = net.spatialSizes
      for i in stride(from: nb - 1, through: 0, by: -1) {
        let st = blocks[i], block = net.blocks[i]
        let outShape = [rows, block.outChannels] + sizes[i + 1]
        var gradPooled: Tensor
        if method == .bp {
          gradPooled = gradA!.reshaped(outShape)
        } else {
          let width = outShape.dropFirst().reduce(1, *)
          let g = feedbackSlice(width: width)
          var expanded = Tensor(shape: outShape)
          g.withUnsafeBufferPointer { g in
            expanded.withUnsafeMutableBufferPointer { x in
              for t in 0..<steps {
                (x.baseAddress! + t * batch * width).update(from: g.baseAddress!, count: batch * width)
              }
            }
          }
          gradPooled = expanded
        }
        let sShape = [rows, block.outChannels] + sizes[i]
        let gradS =
          block.pool
          ? Tensor.maxPool2x2Backward(gradPooled, argmax: st.argmax, inputShape: sShape)
          : gradPooled
        var dz = Tensor.zeros([0])
        Tensor.neuronBackward(
          h: st.h, s: st.s, gradS: gradS.reshaped(st.h.shape), steps: steps, neuron: neuron,
          gradX: &dz, scratch: &st.scratch, threads: threads)
        var dy = dz.reshaped(sShape)
        if block.batchNorm, let cache = st.bn {
          let (dx, dg, dbeta) = Tensor.batchNorm2dBackward(
            dy, cache: cache, gamma: net.bnGamma[i].scalars)
          dy = dx
          gammaGrads[i] = Tensor(shape: [block.outChannels], scalars: dg)
          betaGrads[i] = Tensor(shape: [block.outChannels], scalars: dbeta)
        }
        let (dw, dx) = Tensor.conv2dBackward(
          st.input, weight: net.convWeights[i], pad: 1, gradOut: dy,
          inputGradient: method == .bp && i > 0, cols: &st.cols, threads: threads)
        convGrads[i] = dw
        gradA = dx
      }
    }
    return convGrads + gammaGrads + betaGrads + weightGrads + biasGrads
  }
}
