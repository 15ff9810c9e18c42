/// Forward and backward passes of a ``Network`` over one batch, through its blocks: the conv
/// blocks, the Linears, the readout (``Block``). One engine serves every architecture, for
/// training (``TrainingSession``) and evaluation (``Evaluator``); its buffers are reused from
/// batch to batch, so a step allocates only small tensors.
///
/// The engine chains the blocks' forward passes and schedules their backward passes: BP in
/// reverse order, each block's dL/d(input) feeding the block below; SDFA with every hidden
/// block independent, from its slice of the projected error (``SDFAFeedback``); `shallow` the
/// output layer alone. A backward pass consumes the state of the last forward pass.
final class NetworkEngine {
  let steps: Int
  let neuron: NeuronParameters
  let threads: Int
  private(set) var batch = 0
  let input = FrameInput()
  /// The conv blocks, the Linears, and both in network order (the weight layers).
  let convBlocks: [ConvBlock]
  let linearBlocks: [LinearBlock]
  let layers: [any LayerBlock]
  let readout: VotingBlock

  init(network: Network, steps: Int, threads: Int, kernels: ProductKernels = .measured) {
    self.steps = steps
    self.neuron = network.neuron.parameters
    self.threads = threads
    let sizes = network.spatialSizes
    convBlocks = network.convs.enumerated().map { i, b in
      ConvBlock(index: i, shape: b, inputSize: sizes[i], steps: steps, neuron: network.neuron.parameters)
    }
    let perceptron = network.convs.isEmpty
    linearBlocks = (1..<network.linearSizes.count).map { j in
      LinearBlock(
        index: j - 1, width: network.linearSizes[j], steps: steps, neuron: network.neuron.parameters,
        kernels: perceptron ? kernels : .dense, readsSpikes: !perceptron || j > 1)
    }
    layers = convBlocks + linearBlocks
    readout = VotingBlock(classes: network.classCount, group: network.voting, steps: steps)
    updateLists()
  }

  /// Which kernels an MLP's Linear products use (a conv network's Linears always use BLAS).
  var kernels: ProductKernels {
    get { linearBlocks.first?.kernels ?? .measured }
    set {
      guard convBlocks.isEmpty else { return }
      for b in linearBlocks { b.kernels = newValue }
      updateLists()
    }
  }

  /// Each Linear lists its spikes only below the density from which the Linear above reads
  /// them as a bitmap; the output layer's are never listed.
  private func updateLists() {
    let linears = linearBlocks
    for (j, b) in linears.enumerated() {
      b.listBelow = j + 1 < linears.count ? linears[j + 1].kernels.binaryFrom : 0
    }
  }

  /// Input densities below this take the spike-driven convolution; nil: each block's measured
  /// ``Kernels/sparseConvCrossover(inputChannels:)``.
  var sparseCrossover: Double? {
    get { convBlocks.first?.sparseCrossover }
    set { for b in convBlocks { b.sparseCrossover = newValue } }
  }

  /// ``TrainConfig/Memory``: `.lean` frees each conv block's membrane after the forward pass
  /// and recomputes it for the backward pass, and frees every spent gradient.
  var memory = TrainConfig.Memory.fast {
    didSet { for b in convBlocks { b.memory = memory } }
  }

  /// Sums batch norm's statistics over processes (data-parallel training); nil: this
  /// process's batch alone.
  var batchNormReducer: (any BatchReducer)? {
    didSet { for b in convBlocks { b.reducer = batchNormReducer } }
  }

  func load(_ data: some SpikeFrameSource, samples: ArraySlice<Int>) {
    batch = samples.count
    input.load(data, samples: samples, steps: steps)
  }

  /// Loads input rows directly (`T · B` rows, row `t · B + b`).
  func load(_ rows: SparseRows) {
    precondition(rows.rowCount % steps == 0, "rows not a multiple of steps")
    batch = rows.rowCount / steps
    input.load(rows)
  }

  /// What layer `k` reads.
  func source(of k: Int) -> any BlockOutput { k == 0 ? input : layers[k - 1] }

  /// Runs the network (batch norm from batch statistics when `training`, else running ones);
  /// returns the output rate `[B, classes]`.
  @discardableResult
  func forward(_ net: Network, training: Bool = true) -> Tensor {
    for (k, layer) in layers.enumerated() {
      layer.forward(source(of: k), net, batch: batch, training: training, threads: threads)
    }
    return readout.forward(layers[layers.count - 1].dense, batch: batch)
  }

  /// Spike rate of each layer (conv blocks, then Linears) in the last forward pass.
  var spikeRates: [Double] { layers.map { $0.spikeRate ?? 0 } }

  /// Batch statistics (mean, unbiased variance) of each conv block in the last training
  /// forward pass; nil for blocks without batch norm.
  var batchStatistics: [(mean: [Float], variance: [Float])?] { convBlocks.map(\.batchStatistics) }
}
