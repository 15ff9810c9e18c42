/// A multilayer spiking perceptron: per layer a bias-free Linear followed by a neuron; the
/// output is the mean over time of the last layer's spikes.
///
/// Weights are stored input-major, `[in, out]`, so that a layer's product over sparse inputs is
/// a sum of weight rows; checkpoints store PyTorch's `[out, in]`.
public struct SpikingMLP: Sendable, Equatable {
  /// Widths of every layer's input then output: `[features, hidden…, classes]`.
  public let sizes: [Int]
  /// The neuron of every layer.
  public let neuron: NeuronConfig
  /// Per layer, `[sizes[l], sizes[l + 1]]`.
  public var weights: [Tensor]

  /// Number of weight layers.
  public var layerCount: Int { weights.count }

  /// Input features.
  public var inputFeatures: Int { sizes[0] }

  /// Classes (output units).
  public var classCount: Int { sizes[sizes.count - 1] }

  /// A network with PyTorch's default Linear init, `U(−1/√fan_in, 1/√fan_in)`, drawn from
  /// `RandomStream(seed: seed, purpose: "init.layer<l>")` in PyTorch's `[out, in]` order.
  public init(inputFeatures: Int, hidden: [Int], classes: Int, neuron: NeuronConfig, seed: UInt64)
  {
    sizes = [inputFeatures] + hidden + [classes]
    self.neuron = neuron
    weights = []
    for l in 0..<(sizes.count - 1) {
      let fanIn = sizes[l], fanOut = sizes[l + 1]
      var rng = RandomStream(seed: seed, purpose: "init.layer\(l)")
      let bound = 1 / Float(fanIn).squareRoot()
      var w = Tensor(shape: [fanIn, fanOut])
      w.withUnsafeMutableBufferPointer { p in
        for o in 0..<fanOut {
          for i in 0..<fanIn { p[i * fanOut + o] = (rng.nextFloat() * 2 - 1) * bound }
        }
      }
      weights.append(w)
    }
  }

  /// A network with the given weights (`[in, out]` each, chained).
  public init(weights: [Tensor], neuron: NeuronConfig) {
    precondition(!weights.isEmpty && weights.allSatisfy { $0.rank == 2 }, "2-D weights")
    for l in 1..<weights.count {
      precondition(weights[l].shape[0] == weights[l - 1].shape[1], "layer \(l) does not chain")
    }
    self.sizes = [weights[0].shape[0]] + weights.map { $0.shape[1] }
    self.neuron = neuron
    self.weights = weights
  }

  /// The network of a ``ModelConfig`` with `arch == .mlp`.
  public init(config: ModelConfig, inputFeatures: Int, classes: Int, seed: UInt64) {
    self.init(
      inputFeatures: inputFeatures, hidden: config.hidden, classes: classes,
      neuron: config.neuron, seed: seed)
  }
}
