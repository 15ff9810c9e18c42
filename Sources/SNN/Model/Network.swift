/// A spiking network of every architecture this project trains: convolutional blocks
/// `[Conv 3×3 (pad 1, no bias) → optional BatchNorm2d → neuron → optional MaxPool 2×2]`, then
/// Linear layers (with or without bias), each followed by a neuron, then Voting over groups of
/// output neurons and the mean over time (DESIGN.md "Models").
///
/// - `mlp` (``mlp(inputFeatures:hidden:classes:neuron:seed:)``): no conv block, bias-free
///   Linears, voting 1 (the output rate is the last layer's mean spike count).
/// - `convnet` and `vgg11` (``convnet(inputShape:classes:channels:hidden:neuron:seed:)``,
///   ``vgg11(inputShape:classes:channels:hidden:neuron:seed:)``): conv blocks, Linears with
///   bias, voting 10.
///
/// The value holds shapes and parameters only; ``TrainingSession`` trains it and ``Evaluator``
/// evaluates it through the one engine (`NetworkEngine`), whose blocks (``Block``) hold the
/// per-batch buffers. Conv weights are PyTorch's `[cOut, cIn, 3, 3]`; Linear weights are stored
/// input-major, `[in, out]`, so that a product over sparse inputs is a sum of weight rows
/// (checkpoints store PyTorch's `[out, in]`).
public struct Network: Sendable, Equatable {
  /// One convolutional block's shape.
  public struct Conv: Sendable, Hashable, Codable {
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

    /// Whether `train.memory: lean` may drop the block's full-size tensors after the forward
    /// pass and recompute them before the backward pass: all but an unpooled batch-norm
    /// block, whose normalisation is not replayed from statistics.
    var recomputable: Bool { pool || !batchNorm }
  }

  /// Input per time step: `[features]` for an MLP, `[C, H, W]` for a conv network.
  public let inputShape: [Int]
  /// The conv blocks, in order (none for an MLP).
  public let convs: [Conv]
  /// Widths of the Linear layers' inputs then outputs: `[flattened input, hidden…, classes · voting]`.
  public let linearSizes: [Int]
  /// Whether the Linear layers have a bias.
  public let linearBias: Bool
  /// Output neurons per class (Voting's group size; 1: no voting).
  public let voting: Int
  /// The neuron after every conv and Linear layer.
  public let neuron: NeuronConfig
  /// Per conv block: its weight `[cOut, cIn, 3, 3]`; batch norm's γ, β, running mean and
  /// running variance, `[cOut]` (kept, unused, for blocks without batch norm).
  public var convWeights: [Tensor]
  public var bnGamma: [Tensor]
  public var bnBeta: [Tensor]
  public var runningMean: [Tensor]
  public var runningVariance: [Tensor]
  /// Linear weights `[in, out]`, and biases `[out]` (empty without ``linearBias``).
  public var linearWeights: [Tensor]
  public var linearBiases: [Tensor]

  /// A network of `convs` and Linear `hidden` widths, initialised as PyTorch's defaults:
  /// conv and Linear weights and biases `U(−1/√fan_in, 1/√fan_in)`, BN γ = 1, β = 0.
  ///
  /// Draws come from `RandomStream(seed:, purpose:)` with purpose `init.conv<i>` for conv
  /// block i, and for Linear j `init.linear<j>` and `init.bias<j>` (with bias) or `init.layer<j>`
  /// (bias-free, the MLP's names), each weight in PyTorch's `[out, in]` order: the same seed
  /// gives the same network as every earlier version.
  public init(
    inputShape: [Int], convs: [Conv], hidden: [Int], classes: Int, voting: Int,
    linearBias: Bool, neuron: NeuronConfig, seed: UInt64
  ) {
    precondition(convs.isEmpty || inputShape.count == 3, "conv blocks need [C, H, W] input")
    self.inputShape = inputShape
    self.convs = convs
    self.voting = voting
    self.linearBias = linearBias
    self.neuron = neuron
    var hw = inputShape.count == 3 ? [inputShape[1], inputShape[2]] : [1, 1]
    for b in convs where b.pool { hw = [hw[0] / 2, hw[1] / 2] }
    let flat = convs.last.map { $0.outChannels * hw[0] * hw[1] } ?? inputShape.reduce(1, *)
    linearSizes = [flat] + hidden + [classes * voting]
    convWeights = convs.enumerated().map { i, b in
      var rng = RandomStream(seed: seed, purpose: "init.conv\(i)")
      let bound = 1 / Float(b.inChannels * 9).squareRoot()
      let n = b.outChannels * b.inChannels * 9
      return Tensor(
        shape: [b.outChannels, b.inChannels, 3, 3],
        scalars: (0..<n).map { _ in (rng.nextFloat() * 2 - 1) * bound })
    }
    bnGamma = convs.map { Tensor(shape: [$0.outChannels], repeating: 1) }
    bnBeta = convs.map { Tensor(shape: [$0.outChannels]) }
    runningMean = bnBeta
    runningVariance = bnGamma
    var weights: [Tensor] = [], biases: [Tensor] = []
    for j in 0..<(linearSizes.count - 1) {
      let (fanIn, fanOut) = (linearSizes[j], linearSizes[j + 1])
      let bound = 1 / Float(fanIn).squareRoot()
      var rng = RandomStream(seed: seed, purpose: linearBias ? "init.linear\(j)" : "init.layer\(j)")
      var w = Tensor(shape: [fanIn, fanOut])
      w.withUnsafeMutableBufferPointer { p in
        for o in 0..<fanOut { for i in 0..<fanIn { p[i * fanOut + o] = (rng.nextFloat() * 2 - 1) * bound } }
      }
      weights.append(w)
      if linearBias {
        var rb = RandomStream(seed: seed, purpose: "init.bias\(j)")
        biases.append(
          Tensor(shape: [fanOut], scalars: (0..<fanOut).map { _ in (rb.nextFloat() * 2 - 1) * bound }))
      }
    }
    linearWeights = weights
    linearBiases = biases
  }

  /// A bias-free MLP with the given Linear weights (`[in, out]` each, chained).
  public init(weights: [Tensor], neuron: NeuronConfig) {
    precondition(!weights.isEmpty && weights.allSatisfy { $0.rank == 2 }, "2-D weights")
    for l in 1..<weights.count {
      precondition(weights[l].shape[0] == weights[l - 1].shape[1], "layer \(l) does not chain")
    }
    inputShape = [weights[0].shape[0]]
    convs = []
    linearSizes = [weights[0].shape[0]] + weights.map { $0.shape[1] }
    linearBias = false
    voting = 1
    self.neuron = neuron
    (convWeights, bnGamma, bnBeta, runningMean, runningVariance) = ([], [], [], [], [])
    linearWeights = weights
    linearBiases = []
  }

  /// Classes (outputs after voting).
  public var classCount: Int { linearSizes[linearSizes.count - 1] / voting }

  /// Input features per time step (`C · H · W` for frames).
  public var inputFeatures: Int { inputShape.reduce(1, *) }

  /// Whether this is a multilayer perceptron: no conv block, bias-free Linears, no voting
  /// (checkpoints of such networks keep the MLP layout, ``checkpoint(metadata:)``).
  public var isPerceptron: Bool { convs.isEmpty && !linearBias && voting == 1 }

  /// Spatial size `[H, W]` at the input of each conv block, and after the last.
  public var spatialSizes: [[Int]] {
    guard inputShape.count == 3 else { return [[1, 1]] }
    var hw = [inputShape[1], inputShape[2]]
    var out = [hw]
    for b in convs {
      if b.pool { hw = [hw[0] / 2, hw[1] / 2] }
      out.append(hw)
    }
    return out
  }

  /// The weight tensors of every layer (convs then Linears), as the hardware model sees them.
  public var layerWeights: [Tensor] { convWeights + linearWeights }

  /// All trainable tensors in optimizer order: conv weights, BN γ, BN β, Linear weights,
  /// Linear biases (an optimizer state saved by an earlier version indexes them so).
  public var parameters: [Tensor] {
    get { convWeights + bnGamma + bnBeta + linearWeights + linearBiases }
    set {
      let nb = convs.count, nl = linearSizes.count - 1
      convWeights = Array(newValue[0..<nb])
      bnGamma = Array(newValue[nb..<(2 * nb)])
      bnBeta = Array(newValue[(2 * nb)..<(3 * nb)])
      linearWeights = Array(newValue[(3 * nb)..<(3 * nb + nl)])
      linearBiases = Array(newValue[(3 * nb + nl)...])
    }
  }

  /// Where each group of ``parameters`` starts: conv weights, γ, β, Linear weights, biases.
  var parameterOffsets: (conv: Int, gamma: Int, beta: Int, linear: Int, bias: Int) {
    let nb = convs.count, nl = linearSizes.count - 1
    return (0, nb, 2 * nb, 3 * nb, 3 * nb + nl)
  }
}
