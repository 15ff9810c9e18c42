/// One weight layer as the hardware model sees it.
public struct LayerDescription: Codable, Hashable, Sendable {
  /// Kinds of weight layer.
  public enum Kind: String, Codable, Hashable, Sendable { case linear, conv }

  public var kind: Kind
  /// Input features (Linear) or input channels (conv).
  public var inFeatures: Int
  /// Output features or output channels.
  public var outFeatures: Int
  /// Convolution kernel size (1 for Linear).
  public var kernelSize: Int
  /// Input spatial size `[H, W]` (`[1, 1]` for Linear).
  public var inputSize: [Int]
  /// Output spatial size `[H, W]` (`[1, 1]` for Linear).
  public var outputSize: [Int]
  /// Time steps per sample.
  public var timeSteps: Int
  /// Whether the layer receives an SDFA feedback projection (hidden layers).
  public var receivesFeedback: Bool

  /// Rows of the unrolled weight matrix `[in · k · k, out]`.
  public var weightRows: Int { inFeatures * kernelSize * kernelSize }
}
