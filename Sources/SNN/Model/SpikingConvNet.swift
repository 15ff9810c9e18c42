/// A convolutional spiking network: blocks of [Conv 3×3 (pad 1, no bias) → optional
/// BatchNorm2d → neuron → optional MaxPool 2×2], then Linear layers with bias, each followed by
/// a neuron, and Voting over groups of output neurons (DESIGN.md `convnet`, `vgg11`).
///
/// Conv weights are PyTorch's `[cOut, cIn, 3, 3]`; Linear weights are `[in, out]`.
public struct SpikingConvNet: Sendable, Equatable {
  /// One convolutional block.
  public struct Block: Sendable, Hashable, Codable {
    public var inChannels: Int
    public var outChannels: Int
    public var batchNorm: Bool
    public var pool: Bool

    public init(inChannels: Int, outChannels: Int, batchNorm: Bool, pool: Bool) {
      self.inChannels = inChannels
      self.outChannels = outChannels
      self.batchNorm = batchNorm
      self.pool = pool
    }
  }

  /// Input `[C, H, W]`.
  public let inputShape: [Int]
  public let blocks: [Block]
  /// Widths of the Linear layers' inputs then outputs: `[flattened, hidden…, classes · voting]`.
  public let linearSizes: [Int]
  public let voting: Int
  public let neuron: NeuronConfig
  public var convWeights: [Tensor]
  /// Per block (unused for blocks without batch norm): γ, β, running mean and variance, `[cOut]`.
  public var bnGamma: [Tensor]
  public var bnBeta: [Tensor]
  public var runningMean: [Tensor]
  public var runningVariance: [Tensor]
  /// Linear weights `[in, out]` and biases `[out]`.
  public var linearWeights: [Tensor]
  public var linearBiases: [Tensor]

  /// Classes (outputs after voting).
  public var classCount: Int { linearSizes[linearSizes.count - 1] / voting }

  /// Spatial size `[H, W]` at the input of each block, and after the last.
  public var spatialSizes: [[Int]] {
    var hw = [inputShape[1], inputShape[2]]
    var out = [hw]
    for b in blocks {
      if b.pool { hw = [hw[0] / 2, hw[1] / 2] }
      out.append(hw)
    }
    return out
  }

  /// A network of `blocks` and Linear `hidden` widths, initialised as PyTorch's defaults
  /// (conv and Linear `U(−1/√fan_in, 1/√fan_in)`, biases likewise; BN γ = 1, β = 0), from
  /// `RandomStream(seed:, purpose: "init.conv<i>" / "init.linear<j>" / "init.bias<j>")`.
  public init(
    inputShape: [Int], blocks: [Block], hidden: [Int], classes: Int, voting: Int = 10,
    neuron: NeuronConfig, seed: UInt64
  ) {
    self.inputShape = inputShape
    self.blocks = blocks
    self.voting = voting
    self.neuron = neuron
    var hw = [inputShape[1], inputShape[2]]
    for b in blocks where b.pool { hw = [hw[0] / 2, hw[1] / 2] }
    let flat = (blocks.last?.outChannels ?? inputShape[0]) * hw[0] * hw[1]
    linearSizes = [flat] + hidden + [classes * voting]
    convWeights = blocks.enumerated().map { i, b in
      var rng = RandomStream(seed: seed, purpose: "init.conv\(i)")
      let bound = 1 / Float(b.inChannels * 9).squareRoot()
      let n = b.outChannels * b.inChannels * 9
      return Tensor(
        shape: [b.outChannels, b.inChannels, 3, 3],
        scalars: (0..<n).map { _ in (rng.nextFloat() * 2 - 1) * bound })
    }
    bnGamma = blocks.map { Tensor(shape: [$0.outChannels], repeating: 1) }
    bnBeta = blocks.map { Tensor(shape: [$0.outChannels]) }
    runningMean = bnBeta
    runningVariance = bnGamma
    var weights: [Tensor] = [], biases: [Tensor] = []
    for j in 0..<(linearSizes.count - 1) {
      let (fanIn, fanOut) = (linearSizes[j], linearSizes[j + 1])
      let bound = 1 / Float(fanIn).squareRoot()
      var rng = RandomStream(seed: seed, purpose: "init.linear\(j)")
      var w = Tensor(shape: [fanIn, fanOut])
      w.withUnsafeMutableBufferPointer { p in
        for o in 0..<fanOut { for i in 0..<fanIn { p[i * fanOut + o] = (rng.nextFloat() * 2 - 1) * bound } }
      }
      var rb = RandomStream(seed: seed, purpose: "init.bias\(j)")
      weights.append(w)
      biases.append(
        Tensor(shape: [fanOut], scalars: (0..<fanOut).map { _ in (rb.nextFloat() * 2 - 1) * bound }))
    }
    linearWeights = weights
    linearBiases = biases
  }

  /// DESIGN.md's `convnet`: 5 × [Conv → BN → neuron → MaxPool] with channels
  /// `C → c/4 → c/2 → c → c → c`, then Linear(→ 1024) → neuron → Linear(→ classes · 10) → neuron
  /// → Voting(10).
  public static func convnet(
    inputShape: [Int], classes: Int, channels c: Int = 128, hidden: Int = 1024,
    neuron: NeuronConfig, seed: UInt64
  ) -> SpikingConvNet {
    let chans = [inputShape[0], c / 4, c / 2, c, c, c]
    let blocks = (0..<5).map {
      Block(inChannels: chans[$0], outChannels: chans[$0 + 1], batchNorm: true, pool: true)
    }
    return SpikingConvNet(
      inputShape: inputShape, blocks: blocks, hidden: [hidden], classes: classes,
      neuron: neuron, seed: seed)
  }

  /// DESIGN.md's `vgg11` (no batch norm): 8 convs `C → c/8 → c/4 → c/2 → c/2 → c → c → c → c`
  /// with pooling after convs 1, 2, 4, 6, 8, then Linear(→ 4096) ×2 and Linear(→ classes · 10).
  public static func vgg11(
    inputShape: [Int], classes: Int, channels c: Int = 512, hidden: Int = 4096,
    neuron: NeuronConfig, seed: UInt64
  ) -> SpikingConvNet {
    let chans = [inputShape[0], c / 8, c / 4, c / 2, c / 2, c, c, c, c]
    let pools = [true, true, false, true, false, true, false, true]
    let blocks = (0..<8).map {
      Block(inChannels: chans[$0], outChannels: chans[$0 + 1], batchNorm: false, pool: pools[$0])
    }
    return SpikingConvNet(
      inputShape: inputShape, blocks: blocks, hidden: [hidden, hidden], classes: classes,
      neuron: neuron, seed: seed)
  }

  /// The network of a ``ModelConfig`` with `arch` `.convnet` or `.vgg11`.
  public init(config: ModelConfig, inputShape: [Int], classes: Int, seed: UInt64) {
    precondition(config.arch != .mlp && inputShape.count == 3, "conv architectures need [C, H, W]")
    self =
      config.arch == .convnet
      ? .convnet(
        inputShape: inputShape, classes: classes, channels: config.channels ?? 128,
        neuron: config.neuron, seed: seed)
      : .vgg11(
        inputShape: inputShape, classes: classes, channels: config.channels ?? 512,
        neuron: config.neuron, seed: seed)
  }

  /// The weight layers as the hardware model maps them (convs, then Linears).
  public func describe(timeSteps: Int) -> [LayerDescription] {
    let sizes = spatialSizes
    let convs = blocks.enumerated().map { i, b in
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
    return convs + linears
  }

  /// All trainable tensors in optimizer order: conv weights, BN γ, BN β, Linear weights, biases.
  var parameters: [Tensor] {
    get { convWeights + bnGamma + bnBeta + linearWeights + linearBiases }
    set {
      let nb = blocks.count, nl = linearWeights.count
      convWeights = Array(newValue[0..<nb])
      bnGamma = Array(newValue[nb..<(2 * nb)])
      bnBeta = Array(newValue[(2 * nb)..<(3 * nb)])
      linearWeights = Array(newValue[(3 * nb)..<(3 * nb + nl)])
      linearBiases = Array(newValue[(3 * nb + nl)...])
    }
  }

  /// The weight tensors of every layer (convs then Linears), as the hardware model sees them.
  public var layerWeights: [Tensor] { convWeights + linearWeights }
}
