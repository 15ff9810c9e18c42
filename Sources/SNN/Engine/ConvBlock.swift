/// A convolutional block: Conv 3×3 (pad 1, no bias) → optional BatchNorm2d → neuron → optional
/// MaxPool 2×2. Input `[N, cIn, H, W]`; output spikes `[N, cOut, H, W]`, or `[N, cOut, H/2, W/2]`
/// pooled.
///
/// The convolution (and its weight gradient) is spike-driven when the input is sparser than
/// the crossover (``Kernels/sparseConvCrossover(inputChannels:)``, or the engine's override),
/// im2col + BLAS otherwise.
///
/// Memory: the block keeps one full-size float tensor, `h`, through the step. The convolution
/// writes into it (into `z` only where batch norm's backward needs its input), the neuron
/// overwrites it with the membrane, and the backward pass overwrites the membrane with dL/d(conv
/// output) (`Tensor.neuronChargeInPlace` and its siblings): a backward pass consumes the state
/// of the last forward pass. In `train.memory: lean` the block frees `h` and `z` after the
/// forward pass (keeping its spikes, which the block above reads, and its batch statistics)
/// and recomputes them — the same kernels on the same numbers, so the same bits — right
/// before its backward pass, then frees them again. ``MemoryEstimate`` counts what stays.
final class ConvBlock: LayerBlock {
  let index: Int
  let shape: Network.Conv
  let steps: Int
  let neuron: NeuronParameters
  /// Spatial size `[H, W]` of the input, and of the output.
  let inputSize: [Int]
  let outputShape: [Int]
  /// Input densities below this take the spike-driven convolution (nil: measured).
  var sparseCrossover: Double?
  var memory = TrainConfig.Memory.fast
  /// Sums batch norm's per-channel statistics over processes (data-parallel training).
  var reducer: (any BatchReducer)?

  /// Batch norm's input (the conv output), kept only where batch norm's backward reads it.
  private(set) var z = Tensor.zeros([0])
  private var statistics: Tensor.BatchNormStatistics?
  /// Mean and unbiased variance of the last training forward pass (for running statistics).
  private(set) var batchStatistics: (mean: [Float], variance: [Float])?
  /// Conv output, then membrane before reset, then dL/d(conv output).
  private(set) var h = Tensor.zeros([0])
  /// Spikes and their list (unpooled blocks; a pooled block's are `h − v_th ≥ 0`).
  private var s = Tensor.zeros([0])
  private var spikes = SparseRows(columnCount: 0)
  private var scratch = Tensor.zeros([0])
  /// Max-pooled spikes and their active positions per image.
  private var pooled = Tensor.zeros([0])
  private var pooledSpikes = SparseRows(columnCount: 0)
  /// Each pooled output's window position, kept by a training forward pass in `fast` only
  /// (an `Int32` per pooled output). `lean` keeps none: its backward pass finds each window's
  /// maximum again in the membrane, which gives the same positions and so the same numbers.
  private var argmax: [Int32] = []
  private var sparseInput = false
  /// Convolution scratch: transposed kernel, channels-last images, im2col, dW partials.
  private var weightTransposed = Tensor.zeros([0])
  private var convScratch = Tensor.zeros([0])
  private var cols = Tensor.zeros([0])
  private var partials = Tensor.zeros([0])
  /// dL/dW, dL/dγ and dL/dβ (batch norm), dL/d(input) (BP).
  private(set) var gradW = Tensor.zeros([0])
  private(set) var gradGamma: Tensor?
  private(set) var gradBeta: Tensor?
  private var gradInput = Tensor.zeros([0])
  private var spikeCount = 0
  /// Neurons in the last forward pass (`h` may have been freed since).
  private var units = 0
  private var rows = 0

  init(index: Int, shape: Network.Conv, inputSize: [Int], steps: Int, neuron: NeuronParameters) {
    self.index = index
    self.shape = shape
    self.inputSize = inputSize
    self.steps = steps
    self.neuron = neuron
    let out = shape.pool ? [inputSize[0] / 2, inputSize[1] / 2] : inputSize
    outputShape = [shape.outChannels] + out
  }

  var dense: Tensor { shape.pool ? pooled : s.reshaped([rows] + outputShape) }
  var active: SparseRows { shape.pool ? pooledSpikes : spikes }
  var spikeRate: Double? { units == 0 ? 0 : Double(spikeCount) / Double(units) }

  /// Whether lean training drops the full-size tensors after the forward pass.
  var recomputable: Bool { shape.recomputable }

  /// Frees the full-size tensors (membrane or gradient, batch norm's input).
  func release() {
    h = .zeros([0])
    z = .zeros([0])
  }

  func forward(_ input: any BlockOutput, _ net: Network, batch: Int, training: Bool, threads: Int) {
    rows = steps * batch
    let i = index
    batchStatistics = nil
    // The conv output goes to `z` only when batch norm's backward needs it; otherwise
    // straight into `h`, which the neuron then overwrites with the membrane.
    if shape.batchNorm { convolve(input, net, into: &z, threads: threads) } else { convolve(input, net, into: &h, threads: threads) }
    // In training, a pooled block's neuron applies the batch norm itself.
    let fused = shape.batchNorm && training && shape.pool
    if shape.batchNorm {
      let (gamma, beta) = (net.bnGamma[i].scalars, net.bnBeta[i].scalars)
      if !training {
        h = Tensor.batchNorm2dInference(
          z, gamma: gamma, beta: beta, mean: net.runningMean[i].scalars,
          variance: net.runningVariance[i].scalars)
      } else if reducer != nil {
        statistics = reducedStatistics(threads: threads)
        if !fused {
          Tensor.batchNorm2dApply(z, statistics: statistics!, gamma: gamma, beta: beta, into: &h, threads: threads)
        }
      } else if fused {
        statistics = Tensor.batchNorm2dStatistics(z, threads: threads)
      } else {
        statistics = Tensor.batchNorm2d(z, gamma: gamma, beta: beta, into: &h, threads: threads)
      }
      if training, let stats = statistics { batchStatistics = (stats.mean, stats.unbiasedVariance) }
    }
    if shape.pool {
      if fused {
        let bn = (statistics!, net.bnGamma[i].scalars, net.bnBeta[i].scalars)
        spikeCount = Tensor.neuronCharge(
          z, batchNorm: bn, steps: steps, neuron: neuron, h: &h, scratch: &scratch, threads: threads)
      } else {
        spikeCount = Tensor.neuronChargeInPlace(
          &h, steps: steps, neuron: neuron, scratch: &scratch, threads: threads)
      }
      if training && memory == .fast {
        Tensor.maxPool2x2(
          spikesOf: h, threshold: neuron.vThreshold, into: &pooled, argmax: &argmax,
          active: &pooledSpikes, threads: threads)
      } else {
        argmax = []
        Tensor.maxPool2x2(
          spikesOf: h, threshold: neuron.vThreshold, into: &pooled, active: &pooledSpikes,
          threads: threads)
      }
    } else {
      spikeCount = Tensor.neuronForwardInPlace(
        &h, rows: rows, steps: steps, neuron: neuron, s: &s, spikes: &spikes, scratch: &scratch,
        threads: threads)
    }
    units = h.count
    // Lean: what the next block reads (pooled spikes, or spikes) stays; the full-size
    // tensors go, to be recomputed by the backward pass.
    if memory == .lean && (!training || recomputable) { release() }
  }

  /// Synchronised batch norm's forward hook: the per-channel sums `[Σx…, Σx²…, count]` of
  /// this process's batch, summed over every process by ``reducer``, then the statistics.
  private func reducedStatistics(threads: Int) -> Tensor.BatchNormStatistics {
    var sums = Tensor.batchNorm2dSums(z, threads: threads)
    reducer!.sum(&sums)
    return Tensor.batchNormStatistics(sums: sums)
  }

  /// The convolution into `out`, spike-driven when the input is sparse enough.
  private func convolve(_ input: any BlockOutput, _ net: Network, into out: inout Tensor, threads: Int) {
    let dense = input.dense, sparse = input.active
    sparseInput =
      sparse.density < sparseCrossover ?? Kernels.sparseConvCrossover(inputChannels: dense.shape[1])
    if sparseInput {
      Tensor.conv2d(
        sparse: sparse, imageShape: Array(dense.shape.dropFirst()), weight: net.convWeights[index],
        pad: 1, into: &out, weightTransposed: &weightTransposed, scratch: &convScratch,
        threads: threads)
    } else {
      Tensor.conv2d(dense, weight: net.convWeights[index], pad: 1, into: &out, cols: &cols, threads: threads)
    }
  }

  /// The membrane (and batch norm's input) as the last training forward pass left them, from
  /// the input, kept, and the batch statistics: the same kernels on the same numbers.
  private func recompute(_ input: any BlockOutput, _ net: Network, threads: Int) {
    precondition(recomputable, "block \(index + 1) keeps its membrane")
    if shape.batchNorm {
      convolve(input, net, into: &z, threads: threads)
      let bn = (statistics!, net.bnGamma[index].scalars, net.bnBeta[index].scalars)
      Tensor.neuronCharge(
        z, batchNorm: bn, steps: steps, neuron: neuron, h: &h, scratch: &scratch, threads: threads)
    } else {
      convolve(input, net, into: &h, threads: threads)
      Tensor.neuronChargeInPlace(&h, steps: steps, neuron: neuron, scratch: &scratch, threads: threads)
    }
  }

  func backward(
    _ gradOutput: inout Tensor?, input: any BlockOutput, _ net: Network, neuron: NeuronParameters,
    inputGradient: Bool, spent: () -> Void, threads: Int
  ) -> Tensor? {
    if h.count == 0 { recompute(input, net, threads: threads) }
    do {
      // [N, …] from the block above (BP), or [B, …], the same at every step (SDFA).
      let g = gradOutput!.reshaped([gradOutput!.shape[0]] + outputShape)
      // dL/d(neuron input), then dL/d(conv output), overwrite the membrane in `h`.
      if shape.pool {
        Tensor.pooledNeuronBackwardInPlace(
          &h, gradPooled: g, argmax: argmax.isEmpty ? nil : argmax, steps: steps, neuron: neuron,
          threads: threads)
      } else {
        Tensor.neuronBackwardInPlace(
          &h, s: s, gradS: g, steps: steps, neuron: neuron, scratch: &scratch, threads: threads)
      }
    }
    // The gradient from above is spent; its buffer can go before this block's own.
    gradOutput = nil
    spent()
    (gradGamma, gradBeta) = (nil, nil)
    if shape.batchNorm, let stats = statistics {
      let gamma = net.bnGamma[index].scalars
      let (dg, dbeta): ([Float], [Float])
      if let reducer {
        // Synchronised batch norm's backward hook: per-channel `[Σ dL/dy…, Σ dL/dy·x̂…]`
        // summed over every process before they are applied.
        // dγ and dβ stay this process's shares (from its own sums), as every other gradient:
        // the step's reduction sums them over the processes with the rest.
        var sums = Tensor.batchNorm2dBackwardSums(h, input: z, statistics: stats, threads: threads)
        let c = shape.outChannels
        (dg, dbeta) = ((0..<c).map { Float(sums[c + $0]) }, (0..<c).map { Float(sums[$0]) })
        reducer.sum(&sums)
        _ = Tensor.batchNorm2dBackwardApply(
          &h, input: z, statistics: stats, gamma: gamma, sums: sums, threads: threads)
      } else {
        (dg, dbeta) = Tensor.batchNorm2dBackward(&h, input: z, statistics: stats, gamma: gamma, threads: threads)
      }
      gradGamma = Tensor(shape: [shape.outChannels], scalars: dg)
      gradBeta = Tensor(shape: [shape.outChannels], scalars: dbeta)
    }
    convolutionGradients(input, net, inputGradient: inputGradient, threads: threads)
    let result = inputGradient ? gradInput : nil
    if memory == .lean && recomputable { release() }
    return result
  }

  /// dL/dW and, when `inputGradient`, dL/d(input), from dL/d(conv output) in `h`.
  private func convolutionGradients(_ input: any BlockOutput, _ net: Network, inputGradient: Bool, threads: Int) {
    let weight = net.convWeights[index]
    let dense = input.dense
    if sparseInput {
      Tensor.conv2dWeightGradient(
        sparse: input.active, imageShape: Array(dense.shape.dropFirst()), weightShape: weight.shape,
        pad: 1, gradOut: h, into: &gradW, scratch: &convScratch, threads: threads)
    } else {
      Tensor.conv2dWeightGradient(
        dense, weightShape: weight.shape, pad: 1, gradOut: h, into: &gradW, cols: &cols,
        partials: &partials, threads: threads)
    }
    if inputGradient {
      Tensor.conv2dInputGradient(
        weight: weight, pad: 1, gradOut: h, inputShape: dense.shape, into: &gradInput, cols: &cols,
        threads: threads)
    }
  }

  func releaseInputGradient() { gradInput = .zeros([0]) }
}
