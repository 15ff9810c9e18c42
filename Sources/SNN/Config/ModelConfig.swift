/// The network to build (DESIGN.md "Models").
///
/// ```swift
/// let model = ModelConfig(arch: .mlp, hidden: [1000], neuron: NeuronConfig(kind: .lif, tau: 2))
/// ```
public struct ModelConfig: Codable, Hashable, Sendable {
  /// Model families of the reference code.
  public enum Architecture: String, Codable, Hashable, Sendable, CaseIterable {
    case mlp, convnet, vgg11
  }

  /// The model family.
  public var arch: Architecture
  /// Hidden layer widths of an `mlp`.
  public var hidden: [Int]
  /// Base channel count of `convnet` (default 128) and `vgg11` (default 512).
  public var channels: Int?
  /// The neuron used after every layer.
  public var neuron: NeuronConfig

  public init(
    arch: Architecture = .mlp, hidden: [Int] = [1000], channels: Int? = nil,
    neuron: NeuronConfig = NeuronConfig()
  ) {
    self.arch = arch
    self.hidden = hidden
    self.channels = channels
    self.neuron = neuron
  }
}

/// A spiking neuron as the spec names it.
public struct NeuronConfig: Codable, Hashable, Sendable {
  /// Neuron models.
  public enum Kind: String, Codable, Hashable, Sendable { case lif, `if` }

  public var kind: Kind
  /// Membrane time constant (LIF).
  public var tau: Float
  public var vThreshold: Float
  /// ATan surrogate sharpness.
  public var alpha: Float
  /// spikingjelly's `detach_reset` (spec `model.neuron.detach_reset`): the reset's spike is a
  /// constant in the backward pass. The published table's code used true; the reference's
  /// current configs use false (our default, unchanged behaviour).
  public var detachReset: Bool

  public init(
    kind: Kind = .lif, tau: Float = 2, vThreshold: Float = 1, alpha: Float = 2,
    detachReset: Bool = false
  ) {
    self.kind = kind
    self.tau = tau
    self.vThreshold = vThreshold
    self.alpha = alpha
    self.detachReset = detachReset
  }

  private enum CodingKeys: String, CodingKey { case kind, tau, vThreshold, alpha, detachReset }

  /// Decodes checkpoints written before `detachReset` existed as `false`.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      kind: try c.decode(Kind.self, forKey: .kind), tau: try c.decode(Float.self, forKey: .tau),
      vThreshold: try c.decode(Float.self, forKey: .vThreshold),
      alpha: try c.decode(Float.self, forKey: .alpha),
      detachReset: try c.decodeIfPresent(Bool.self, forKey: .detachReset) ?? false)
  }

  /// Omits `detachReset` when false, so that checkpoints of the default neuron keep their bytes.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(kind, forKey: .kind)
    try c.encode(tau, forKey: .tau)
    try c.encode(vThreshold, forKey: .vThreshold)
    try c.encode(alpha, forKey: .alpha)
    if detachReset { try c.encode(detachReset, forKey: .detachReset) }
  }

  /// The kernel-level parameters.
  public var parameters: NeuronParameters {
    NeuronParameters(
      leaky: kind == .lif, tau: tau, vThreshold: vThreshold, alpha: alpha,
      detachReset: detachReset)
  }
}
