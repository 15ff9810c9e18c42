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

  public init(kind: Kind = .lif, tau: Float = 2, vThreshold: Float = 1, alpha: Float = 2) {
    self.kind = kind
    self.tau = tau
    self.vThreshold = vThreshold
    self.alpha = alpha
  }

  /// The kernel-level parameters.
  public var parameters: NeuronParameters {
    NeuronParameters(leaky: kind == .lif, tau: tau, vThreshold: vThreshold, alpha: alpha)
  }
}
