/// Forward and backward passes of a ``SpikingConvNet`` over one batch: `N = T · B` images in
/// time-major order (image `t · B + b`).
///
/// A block's convolution (and its weight gradient) is spike-driven when its input is sparser
/// than ``sparseCrossover``, im2col + BLAS otherwise. Every buffer lives in a ``Stage`` and is
/// reused from batch to batch, so a training step allocates only small tensors.
///
/// Memory: a block keeps one full-size float tensor, `h`, through the step. The convolution
/// writes into it (into `z` only where batch norm's backward needs its input), the neuron
/// overwrites it with the membrane, and the backward pass overwrites the membrane with dL/d(conv
/// output) (`Tensor.neuronChargeInPlace` and its siblings). So ``backward(_:outputError:method:feedback:)``
/// consumes the state of the last ``forward(_:training:)``: call forward again before another
/// backward. ``MemoryEstimate`` counts what stays resident.
final class ConvEngine {
  /// Buffers of one conv block or Linear layer, reused across batches.
  final class Stage {
    /// Linear: `X · W + b`, `[N, out]`. Block: the conv output `[N, cOut, H, W]`, kept only
    /// where batch norm follows (its backward reads it); else empty.
    var z = Tensor.zeros([0])
    var bnStatistics: Tensor.BatchNormStatistics?
    /// Block: the conv output (or its batch norm), then the membrane before reset
    /// `[N, cOut, H, W]`, then after the backward pass dL/d(conv output). Linear: the membrane
    /// `[N, out]`.
    var h = Tensor.zeros([0])
    /// Spikes `[N, width]` of Linear layers and blocks without pooling (a pooled block's are
    /// `h − v_th ≥ 0`, recomputed where needed).
    var s = Tensor.zeros([0])
    /// Spiking units per image (Linear layers and blocks without pooling).
    var spikes = SparseRows(columnCount: 0)
    var scratch = Tensor.zeros([0])
    /// Max-pooled spikes `[N, cOut, H/2, W/2]`, their argmax, and their active positions per
    /// image (the next block's sparse input).
    var pooled = Tensor.zeros([0])
    var argmax: [Int32] = []
    var pooledSpikes = SparseRows(columnCount: 0)
    /// Whether the last forward pass took the spike-driven convolution.
    var sparseInput = false
    /// Convolution scratch: transposed kernel, channels-last images, im2col, dW partials.
    var weightTransposed = Tensor.zeros([0])
    var convScratch = Tensor.zeros([0])
    var cols = Tensor.zeros([0])
    var partials = Tensor.zeros([0])
    /// Linear: dL/dZ. Both: dL/dW and, for BP, dL/d(input).
    var gradZ = Tensor.zeros([0])
    var gradW = Tensor.zeros([0])
    var gradInput = Tensor.zeros([0])
    var spikeCount = 0
    /// Neurons in the last forward pass (`h` may have been freed since).
    var units = 0

    /// Frees the full-size tensors (membrane or gradient, batch norm's input).
    func release() {
      h = .zeros([0])
      z = .zeros([0])
    }
  }

  let steps: Int
  let neuron: NeuronParameters
  let threads: Int
  /// Input densities below this take the spike-driven convolution; nil: each block's measured
  /// ``Kernels/sparseConvCrossover(inputChannels:)``.
  var sparseCrossover: Double?
  /// ``TrainConfig/Memory``: `.lean` frees each block's membrane after the forward pass and
  /// recomputes it for the backward pass.
  var memory: TrainConfig.Memory = .fast
  /// Data-parallel training's hook: adds batch norm's per-channel sums over the ranks (forward:
  /// Σx, Σx²; backward: Σ dL/dy, Σ dL/dy · x̂), so that every rank normalises by the global
  /// batch (synchronised batch norm). Nil: this process's batch is the whole batch.
  var channelSums: Tensor.ChannelSums?
  private(set) var batch = 0
  /// The batch's frames: active inputs per image (event counts) and the dense `[N, C, H, W]`.
  private var inputSpikes = SparseRows(columnCount: 0, binary: false)
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
    inputSpikes.removeAll()
    inputSpikes.columnCount = data.featureCount
    var values = inputSpikes.values ?? []
    inputSpikes.values = nil
    for t in 0..<steps {
      for i in samples {
        data.appendActiveFeatures(
          sample: i, step: t, indices: &inputSpikes.indices, values: &values)
        inputSpikes.closeRow()
      }
    }
    inputSpikes.values = values
    let shape = [steps * batch] + data.inputShape
    if input.shape != shape { input = Tensor(shape: shape) }
    inputSpikes.denseInto(&input)
  }

  /// Block `i`'s input: dense `[N, C, H, W]` and its active positions per image.
  private func blockInput(_ i: Int, _ net: SpikingConvNet) -> (dense: Tensor, sparse: SparseRows) {
    guard i > 0 else { return (input, inputSpikes) }
    let below = blocks[i - 1]
    if net.blocks[i - 1].pool { return (below.pooled, below.pooledSpikes) }
    let shape = [steps * batch, net.blocks[i - 1].outChannels] + net.spatialSizes[i]
    return (below.s.reshaped(shape), below.spikes)
  }

  /// Linear layer `j`'s input `[N, features]`: the flattened last block output, or the
  /// spikes of the layer below.
  private func linearInput(_ j: Int, _ net: SpikingConvNet) -> Tensor {
    guard j == 0 else { return linears[j - 1].s }
    let a = blockInput(net.blocks.count, net).dense
    return a.reshaped([steps * batch, a.count / (steps * batch)])
  }

  /// Runs the network (batch norm from batch statistics when `training`, else running ones);
  /// returns the output rate `[B, classes]`.
  @discardableResult
  func forward(_ net: SpikingConvNet, training: Bool) -> Tensor {
    let rows = steps * batch
    batchStatistics = Array(repeating: nil, count: net.blocks.count)
    for (i, block) in net.blocks.enumerated() {
      let st = blocks[i]
      // The conv output goes to `z` only when batch norm's backward needs it; otherwise
      // straight into `h`, which the neuron then overwrites with the membrane.
      if block.batchNorm { convolve(i, net, into: &st.z) } else { convolve(i, net, into: &st.h) }
      // In training, a pooled block's neuron applies the batch norm itself.
      let fused = block.batchNorm && training && block.pool
      if block.batchNorm {
        let (gamma, beta) = (net.bnGamma[i].scalars, net.bnBeta[i].scalars)
        if !training {
          st.h = Tensor.batchNorm2dInference(
            st.z, gamma: gamma, beta: beta, mean: net.runningMean[i].scalars,
            variance: net.runningVariance[i].scalars)
        } else if let channelSums {
          st.bnStatistics = fused
            ? Tensor.batchNorm2dStatistics(st.z, threads: threads, summing: channelSums)
            : Tensor.batchNorm2d(st.z, gamma: gamma, beta: beta, into: &st.h, threads: threads, summing: channelSums)
        } else if fused {
          st.bnStatistics = Tensor.batchNorm2dStatistics(st.z, threads: threads)
        } else {
          st.bnStatistics = Tensor.batchNorm2d(
            st.z, gamma: gamma, beta: beta, into: &st.h, threads: threads)
        }
        if training, let stats = st.bnStatistics {
          batchStatistics[i] = (stats.mean, stats.unbiasedVariance)
        }
      }
      if block.pool {
        if fused {
          let bn = (st.bnStatistics!, net.bnGamma[i].scalars, net.bnBeta[i].scalars)
          st.spikeCount = Tensor.neuronCharge(
            st.z, batchNorm: bn, steps: steps, neuron: neuron, h: &st.h, scratch: &st.scratch,
            threads: threads)
        } else {
          st.spikeCount = Tensor.neuronChargeInPlace(
            &st.h, steps: steps, neuron: neuron, scratch: &st.scratch, threads: threads)
        }
        Tensor.maxPool2x2(
          spikesOf: st.h, threshold: neuron.vThreshold, into: &st.pooled, argmax: &st.argmax,
          active: &st.pooledSpikes, threads: threads)
      } else {
        st.spikeCount = Tensor.neuronForwardInPlace(
          &st.h, rows: rows, steps: steps, neuron: neuron, s: &st.s, spikes: &st.spikes,
          scratch: &st.scratch, threads: threads)
      }
      st.units = st.h.count
      // Lean: what the next block reads (pooled spikes, or spikes) stays; the full-size
      // tensors go, to be recomputed by the backward pass.
      if memory == .lean && (!training || Self.recomputable(block)) { st.release() }
    }
    for (j, st) in linears.enumerated() {
      let n = net.linearSizes[j + 1]
      if st.z.shape != [rows, n] { st.z = Tensor(shape: [rows, n]) }
      Tensor.gemm(linearInput(j, net), net.linearWeights[j], into: &st.z, threads: threads)
      net.linearBiases[j].withUnsafeBufferPointer { b in
        st.z.withUnsafeMutableBufferPointer { z in
          for r in 0..<rows { for c in 0..<n { z[r * n + c] += b[c] } }
        }
      }
      st.spikeCount = Tensor.neuronForward(
        st.z, steps: steps, neuron: neuron, h: &st.h, s: &st.s, spikes: &st.spikes,
        scratch: &st.scratch, threads: threads)
      st.units = st.h.count
    }
    let a = linears[linears.count - 1].s
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

  /// Block `i`'s convolution into `out`, spike-driven when its input is sparse enough.
  private func convolve(_ i: Int, _ net: SpikingConvNet, into out: inout Tensor) {
    let st = blocks[i]
    let (dense, sparse) = blockInput(i, net)
    st.sparseInput =
      sparse.density
      < sparseCrossover ?? Kernels.sparseConvCrossover(inputChannels: dense.shape[1])
    if st.sparseInput {
      Tensor.conv2d(
        sparse: sparse, imageShape: Array(dense.shape.dropFirst()), weight: net.convWeights[i],
        pad: 1, into: &out, weightTransposed: &st.weightTransposed, scratch: &st.convScratch,
        threads: threads)
    } else {
      Tensor.conv2d(
        dense, weight: net.convWeights[i], pad: 1, into: &out, cols: &st.cols, threads: threads)
    }
  }

  /// Block `i`'s dL/dW (returned) and, when `inputGradient`, dL/d(input) into its `gradInput`,
  /// from dL/d(conv output), which the backward pass left in its `h`.
  private func convolutionGradients(_ i: Int, _ net: SpikingConvNet, inputGradient: Bool)
    -> Tensor
  {
    let st = blocks[i], weight = net.convWeights[i]
    let (dense, sparse) = blockInput(i, net)
    let gradOut = st.h
    if st.sparseInput {
      Tensor.conv2dWeightGradient(
        sparse: sparse, imageShape: Array(dense.shape.dropFirst()), weightShape: weight.shape,
        pad: 1, gradOut: gradOut, into: &st.gradW, scratch: &st.convScratch, threads: threads)
    } else {
      Tensor.conv2dWeightGradient(
        dense, weightShape: weight.shape, pad: 1, gradOut: gradOut, into: &st.gradW,
        cols: &st.cols, partials: &st.partials, threads: threads)
    }
    if inputGradient {
      Tensor.conv2dInputGradient(
        weight: weight, pad: 1, gradOut: gradOut, inputShape: dense.shape, into: &st.gradInput,
        cols: &st.cols, threads: threads)
    }
    return st.gradW
  }

  /// Whether lean training may drop `block`'s full-size tensors after the forward pass: all
  /// but an unpooled batch-norm block, whose normalisation is not replayed from statistics.
  static func recomputable(_ block: SpikingConvNet.Block) -> Bool { block.pool || !block.batchNorm }

  /// Block `i`'s membrane (and batch norm's input) as the last training forward pass left
  /// them, from its input, kept, and its batch statistics: the same kernels on the same
  /// numbers, so the same bits.
  private func recompute(_ i: Int, _ net: SpikingConvNet) {
    let st = blocks[i], block = net.blocks[i]
    precondition(Self.recomputable(block), "block \(i + 1) keeps its membrane")
    if block.batchNorm {
      convolve(i, net, into: &st.z)
      let bn = (st.bnStatistics!, net.bnGamma[i].scalars, net.bnBeta[i].scalars)
      Tensor.neuronCharge(
        st.z, batchNorm: bn, steps: steps, neuron: neuron, h: &st.h, scratch: &st.scratch,
        threads: threads)
    } else {
      convolve(i, net, into: &st.h)
      Tensor.neuronChargeInPlace(
        &st.h, steps: steps, neuron: neuron, scratch: &st.scratch, threads: threads)
    }
  }

  /// Spike rate of each block and Linear layer in the last forward pass.
  var spikeRates: [Double] {
    (blocks + linears).map { $0.units == 0 ? 0 : Double($0.spikeCount) / Double($0.units) }
  }

  /// Gradients of every parameter (``SpikingConvNet/parameters`` order; nil = not trained).
  /// With `temporal: .local` every hidden neuron (blocks and hidden Linears) is cut between steps.
  func backward(
    _ net: SpikingConvNet, outputError e: Tensor, method: TrainConfig.Method, feedback: Tensor?,
    temporal: TrainConfig.Temporal = .bptt
  ) -> [Tensor?] {
    var hiddenNeuron = neuron
    hiddenNeuron.backwardThroughTime = temporal == .bptt
    let nb = net.blocks.count, nl = linears.count
    var convGrads = [Tensor?](repeating: nil, count: nb)
    var gammaGrads = [Tensor?](repeating: nil, count: nb), betaGrads = gammaGrads
    var weightGrads = [Tensor?](repeating: nil, count: nl), biasGrads = weightGrads
    let rows = steps * batch
    // Feedback projection for SDFA: hidden points are the block outputs, then hidden Linears.
    let projected = method == .sdfa
      ? feedback.map { SDFAFeedback.Projection(error: e, feedback: $0) } : nil
    func feedbackSlice(width: Int) -> Tensor { projected!.slice(width: width) }
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
      Tensor.neuronBackward(
        h: st.h, s: st.s, gradS: gradS, steps: steps, neuron: isOutput ? neuron : hiddenNeuron,
        gradX: &st.gradZ, scratch: &st.scratch, threads: threads)
      let input = linearInput(j, net)
      let weight = net.linearWeights[j]
      if st.gradW.shape != weight.shape { st.gradW = Tensor(shape: weight.shape) }
      Tensor.gemm(input, transposeA: true, st.gradZ, into: &st.gradW, threads: threads)
      weightGrads[j] = st.gradW
      let n = net.linearSizes[j + 1]
      var db = Tensor(shape: [n])
      st.gradZ.withUnsafeBufferPointer { z in
        db.withUnsafeMutableBufferPointer { d in
          for r in 0..<rows { for c in 0..<n { d[c] += z[r * n + c] } }
        }
      }
      biasGrads[j] = db
      if method == .bp {
        if st.gradInput.shape != input.shape { st.gradInput = Tensor(shape: input.shape) }
        Tensor.gemm(st.gradZ, weight, transposeB: true, into: &st.gradInput, threads: threads)
        gradA = st.gradInput
      }
    }
    if method == .bp || method == .sdfa {
      for i in stride(from: nb - 1, through: 0, by: -1) {
        let st = blocks[i], block = net.blocks[i]
        let pooledShape = [block.outChannels] + net.spatialSizes[i + 1]
        // dL/d(block output): from the block above (BP), or SDFA's projection, the same at
        // every step ([B, …], repeated over time by the kernels below).
        if st.h.count == 0 { recompute(i, net) }
        do {
          let gradOut =
            method == .bp
            ? gradA!.reshaped([rows] + pooledShape)
            : feedbackSlice(width: pooledShape.reduce(1, *)).reshaped([batch] + pooledShape)
          // dL/d(neuron input), then dL/d(conv output), overwrite the membrane in `h`: the
          // block's only full-size float buffer besides batch norm's input `z`.
          if block.pool {
            Tensor.pooledNeuronBackwardInPlace(
              &st.h, gradPooled: gradOut, argmax: st.argmax, steps: steps, neuron: hiddenNeuron,
              threads: threads)
          } else {
            Tensor.neuronBackwardInPlace(
              &st.h, s: st.s, gradS: gradOut, steps: steps, neuron: hiddenNeuron,
              scratch: &st.scratch, threads: threads)
          }
        }
        // Lean: the gradient from above is spent; its buffer goes before this block's own.
        gradA = nil
        if memory == .lean { (i + 1 < nb ? blocks[i + 1] : linears[0]).gradInput = .zeros([0]) }
        if block.batchNorm, let stats = st.bnStatistics {
          let (dg, dbeta) = channelSums.map { sum in
            Tensor.batchNorm2dBackward(
              &st.h, input: st.z, statistics: stats, gamma: net.bnGamma[i].scalars, threads: threads, summing: sum)
          } ?? Tensor.batchNorm2dBackward(
            &st.h, input: st.z, statistics: stats, gamma: net.bnGamma[i].scalars,
            threads: threads)
          gammaGrads[i] = Tensor(shape: [block.outChannels], scalars: dg)
          betaGrads[i] = Tensor(shape: [block.outChannels], scalars: dbeta)
        }
        convGrads[i] = convolutionGradients(i, net, inputGradient: method == .bp && i > 0)
        gradA = method == .bp && i > 0 ? st.gradInput : nil
        if memory == .lean && Self.recomputable(block) { st.release() }
      }
    }
    return convGrads + gammaGrads + betaGrads + weightGrads + biasGrads
  }
}
