/// One weight layer as the hardware sees it, independent of the SNN engine.
///
/// Linear: `inFeatures → outFeatures`. Conv (stride 1): `inFeatures` = Cin, `outFeatures` =
/// Cout, a `kernel × kernel` window producing an `outputHeight × outputWidth` map, followed
/// by an optional `pool × pool` max-pool before the neuron's feedback point.
public struct LayerShape: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable { case linear, conv }

  public var name: String
  public var kind: Kind
  public var inFeatures: Int
  public var outFeatures: Int
  public var kernel: Int
  public var inputHeight: Int
  public var inputWidth: Int
  public var outputHeight: Int
  public var outputWidth: Int
  public var pool: Int
  /// Whether SDFA broadcasts the projected error to this layer (hidden layers; ◆ in DESIGN.md).
  public var hasFeedbackPoint: Bool

  /// A fully connected layer.
  public static func linear(_ name: String, _ inFeatures: Int, _ outFeatures: Int, feedback: Bool) -> LayerShape {
    LayerShape(
      name: name, kind: .linear, inFeatures: inFeatures, outFeatures: outFeatures, kernel: 1,
      inputHeight: 1, inputWidth: 1, outputHeight: 1, outputWidth: 1, pool: 1, hasFeedbackPoint: feedback)
  }

  /// A `kernel × kernel` convolution with "same" padding on an `height × width` input.
  public static func conv(
    _ name: String, _ cin: Int, _ cout: Int, kernel: Int = 3, height: Int, width: Int, pool: Int = 1,
    feedback: Bool = true
  ) -> LayerShape {
    LayerShape(
      name: name, kind: .conv, inFeatures: cin, outFeatures: cout, kernel: kernel,
      inputHeight: height, inputWidth: width, outputHeight: height, outputWidth: width, pool: pool,
      hasFeedbackPoint: feedback)
  }

  /// Rows of the matrix view (`N_in`): features, or `Cin · k · k` for an unrolled conv.
  public var matrixRows: Int { kind == .conv ? inFeatures * kernel * kernel : inFeatures }
  /// Columns of the matrix view (`N_out`).
  public var matrixCols: Int { outFeatures }
  /// Crossbar reads per time step (`P`): output positions of a conv, 1 for linear.
  public var positions: Int { kind == .conv ? outputHeight * outputWidth : 1 }
  /// Size of the output after the pool (`F`), where the feedback point sits.
  public var feedbackSize: Int {
    kind == .conv ? outFeatures * (outputHeight / pool) * (outputWidth / pool) : outFeatures
  }
  /// Weights in the layer.
  public var weightCount: Int { matrixRows * matrixCols }
}

/// A network and its training run, as the hardware model needs them.
public struct NetworkDescription: Codable, Sendable, Equatable {
  public var name: String
  public var layers: [LayerShape]
  public var timeSteps: Int
  public var batchSize: Int
  public var samplesPerEpoch: Int
  /// Length of the output error `e` that SDFA projects through `B` (`C`): the class count,
  /// not the voting layer's width (the reference's `B` is `[classes, F_max]`).
  public var errorSize: Int
  /// Whether training backpropagates through time inside each hidden layer (`train.temporal:
  /// bptt`, the reference code's BP and SDFA alike); false for `temporal: local`. The output
  /// layer keeps its reverse-time terms either way (DESIGN: it is never cut).
  public var hiddenReverseTime: Bool
  /// Bits of the first layer's input as trained, fed bit-serially; nil takes the technology's
  /// `first_layer_input_bits`. Event counts up to `c` need `⌈log2(c + 1)⌉`; analog values
  /// (Braille) the technology's input DAC resolution.
  public var firstLayerInputBits: Int?
  /// How the first layer's input is encoded, in words, for the report.
  public var inputEncoding: String?

  public init(
    name: String, layers: [LayerShape], timeSteps: Int, batchSize: Int, samplesPerEpoch: Int,
    errorSize: Int? = nil, hiddenReverseTime: Bool = true, firstLayerInputBits: Int? = nil,
    inputEncoding: String? = nil
  ) {
    self.name = name
    self.layers = layers
    self.timeSteps = timeSteps
    self.batchSize = batchSize
    self.samplesPerEpoch = samplesPerEpoch
    self.errorSize = errorSize ?? layers.last?.outFeatures ?? 0
    self.hiddenReverseTime = hiddenReverseTime
    self.firstLayerInputBits = firstLayerInputBits
    self.inputEncoding = inputEncoding
  }

  /// The first layer's input bits: the network's as trained, else the technology's.
  public func inputBits(_ tech: Technology) -> Int { firstLayerInputBits ?? tech.firstLayerInputBits }

  /// Whether layer `i`'s neuron backward runs through time (hidden layers per
  /// ``hiddenReverseTime``; the output layer always).
  public func reverseTime(layer i: Int) -> Bool { i == layers.count - 1 || hiddenReverseTime }

  /// Feedback-point sizes of the layers that have one.
  public var feedbackSizes: [Int] { layers.filter(\.hasFeedbackPoint).map(\.feedbackSize) }
  /// Optimizer steps per epoch, `ceil(N_train / B)`.
  public var batchesPerEpoch: Int { (samplesPerEpoch + batchSize - 1) / batchSize }

  /// Errors naming the field and allowed range; empty when usable.
  public func validate() -> [TechnologyIssue] {
    var issues: [TechnologyIssue] = []
    func atLeastOne(_ path: String, _ v: Int) {
      if v < 1 { issues.append(TechnologyIssue(path: path, value: "\(v)", allowed: ">= 1")) }
    }
    if layers.isEmpty { issues.append(TechnologyIssue(path: "layers", value: "[]", allowed: "at least one layer")) }
    atLeastOne("timeSteps", timeSteps)
    atLeastOne("batchSize", batchSize)
    atLeastOne("samplesPerEpoch", samplesPerEpoch)
    atLeastOne("errorSize", errorSize)
    for (i, layer) in layers.enumerated() {
      atLeastOne("layers[\(i)].inFeatures", layer.inFeatures)
      atLeastOne("layers[\(i)].outFeatures", layer.outFeatures)
      atLeastOne("layers[\(i)].kernel", layer.kernel)
      atLeastOne("layers[\(i)].outputHeight", layer.outputHeight)
      atLeastOne("layers[\(i)].outputWidth", layer.outputWidth)
      atLeastOne("layers[\(i)].pool", layer.pool)
    }
    return issues
  }
}
