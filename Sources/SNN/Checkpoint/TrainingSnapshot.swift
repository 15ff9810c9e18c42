import Foundation

/// The state of a training after a completed epoch: enough to continue it bit-identically to a
/// run that was never interrupted (``Trainer/resumeFrom``).
///
/// On disk (``write(to:)``) it is a folder of three files: `model.safetensors` (the network's
/// checkpoint), `optimizer.safetensors` (moments and step counts) and `metrics.json` (the
/// completed epochs' metrics).
public struct TrainingSnapshot: Sendable {
  /// Metrics of the completed epochs, in order.
  public var metrics: [EpochMetrics]
  /// The network's safetensors checkpoint (``Network/checkpoint(metadata:)``).
  public var model: [UInt8]
  /// The optimizer's state (``Optimizer/state``).
  public var optimizer: [String: Tensor]

  public init(metrics: [EpochMetrics], model: [UInt8], optimizer: [String: Tensor]) {
    self.metrics = metrics
    self.model = model
    self.optimizer = optimizer
  }

  /// Epochs completed so far; training continues with this (0-based) epoch.
  public var completedEpochs: Int { metrics.count }

  static let files = (model: "model.safetensors", optimizer: "optimizer.safetensors", metrics: "metrics.json")

  /// Writes the three files into `directory` (which must exist).
  public func write(to directory: URL) throws {
    try Data(model).write(to: directory.appendingPathComponent(Self.files.model))
    try Data(SafeTensors.encode(optimizer, metadata: [:]))
      .write(to: directory.appendingPathComponent(Self.files.optimizer))
    try JSONEncoder().encode(metrics).write(to: directory.appendingPathComponent(Self.files.metrics))
  }

  /// Reads a snapshot written by ``write(to:)``.
  public init(contentsOf directory: URL) throws {
    model = Array(try Data(contentsOf: directory.appendingPathComponent(Self.files.model)))
    let state = Array(try Data(contentsOf: directory.appendingPathComponent(Self.files.optimizer)))
    optimizer = try SafeTensors.decode(state).tensors
    metrics = try JSONDecoder().decode(
      [EpochMetrics].self, from: Data(contentsOf: directory.appendingPathComponent(Self.files.metrics)))
  }
}
