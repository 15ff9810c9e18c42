/// The spec's architectures (``ModelConfig/Architecture``) as ``Network``s.
extension Network {
  /// DESIGN.md's `mlp`: bias-free Linears `features → hidden… → classes`, each followed by the
  /// neuron; the output is the mean over time of the last layer's spikes.
  public static func mlp(
    inputFeatures: Int, hidden: [Int], classes: Int, neuron: NeuronConfig, seed: UInt64
  ) -> Network {
    Network(
      inputShape: [inputFeatures], convs: [], hidden: hidden, classes: classes, voting: 1,
      linearBias: false, neuron: neuron, seed: seed)
  }

  /// DESIGN.md's `convnet`: 5 × [Conv → BN → neuron → MaxPool] with channels
  /// `C → c/4 → c/2 → c → c → c`, then Linear(→ 1024) → neuron → Linear(→ classes · 10) → neuron
  /// → Voting(10).
  public static func convnet(
    inputShape: [Int], classes: Int, channels c: Int = 128, hidden: Int = 1024,
    neuron: NeuronConfig, seed: UInt64
  ) -> Network {
    let chans = [inputShape[0], c / 4, c / 2, c, c, c]
    let convs = (0..<5).map {
      Conv(inChannels: chans[$0], outChannels: chans[$0 + 1], batchNorm: true, pool: true)
    }
    return Network(
      inputShape: inputShape, convs: convs, hidden: [hidden], classes: classes, voting: 10,
      linearBias: true, neuron: neuron, seed: seed)
  }

  /// DESIGN.md's `vgg11` (no batch norm): 8 convs `C → c/8 → c/4 → c/2 → c/2 → c → c → c → c`
  /// with pooling after convs 1, 2, 4, 6, 8, then Linear(→ 4096) ×2 and Linear(→ classes · 10).
  public static func vgg11(
    inputShape: [Int], classes: Int, channels c: Int = 512, hidden: Int = 4096,
    neuron: NeuronConfig, seed: UInt64
  ) -> Network {
    let chans = [inputShape[0], c / 8, c / 4, c / 2, c / 2, c, c, c, c]
    let pools = [true, true, false, true, false, true, false, true]
    let convs = (0..<8).map {
      Conv(inChannels: chans[$0], outChannels: chans[$0 + 1], batchNorm: false, pool: pools[$0])
    }
    return Network(
      inputShape: inputShape, convs: convs, hidden: [hidden, hidden], classes: classes,
      voting: 10, linearBias: true, neuron: neuron, seed: seed)
  }

  /// The network of a ``ModelConfig``: an `mlp` reads `inputShape` flattened; `convnet` and
  /// `vgg11` need `[C, H, W]`.
  public init(config: ModelConfig, inputShape: [Int], classes: Int, seed: UInt64) {
    switch config.arch {
    case .mlp:
      self = .mlp(
        inputFeatures: inputShape.reduce(1, *), hidden: config.hidden, classes: classes,
        neuron: config.neuron, seed: seed)
    case .convnet:
      precondition(inputShape.count == 3, "convnet needs [C, H, W]")
      self = .convnet(
        inputShape: inputShape, classes: classes, channels: config.channels ?? 128,
        neuron: config.neuron, seed: seed)
    case .vgg11:
      precondition(inputShape.count == 3, "vgg11 needs [C, H, W]")
      self = .vgg11(
        inputShape: inputShape, classes: classes, channels: config.channels ?? 512,
        neuron: config.neuron, seed: seed)
    }
  }

  /// The weight layers as the hardware model maps them (convs, then Linears).
  public func describe(timeSteps: Int) -> [LayerDescription] {
    let sizes = spatialSizes
    let convLayers = convs.enumerated().map { i, b in
      LayerDescription(
        kind: .conv, inFeatures: b.inChannels, outFeatures: b.outChannels, kernelSize: 3,
        inputSize: sizes[i], outputSize: sizes[i], timeSteps: timeSteps, receivesFeedback: true)
    }
    let linears = (0..<(linearSizes.count - 1)).map { j in
      LayerDescription(
        kind: .linear, inFeatures: linearSizes[j], outFeatures: linearSizes[j + 1], kernelSize: 1,
        inputSize: [1, 1], outputSize: [1, 1], timeSteps: timeSteps,
        receivesFeedback: j < linearSizes.count - 2)
    }
    return convLayers + linears
  }

  /// The layers by the names the hardware model and reports use: `conv1…`, then `fc1…`.
  public var layerNames: [String] {
    convs.indices.map { "conv\($0 + 1)" } + linearWeights.indices.map { "fc\($0 + 1)" }
  }

  /// The family and widths in words: `mlp 32-20-10`,
  /// `conv [2, 32, 32]: channels 2-1-2-4-4-4, linear 4-8-30`.
  public var summary: String {
    if isPerceptron { return "mlp " + linearSizes.map(String.init).joined(separator: "-") }
    return "conv \(inputShape): channels "
      + ([inputShape[0]] + convs.map(\.outChannels)).map(String.init).joined(separator: "-")
      + ", linear " + linearSizes.map(String.init).joined(separator: "-")
  }
}
