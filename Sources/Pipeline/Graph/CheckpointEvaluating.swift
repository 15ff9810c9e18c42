import Foundation

/// A stage kind whose artifact is a trained model that a checkpoint file can stand in for:
/// `sdfa validate SPEC --checkpoint FILE` runs the node's upstream stages and hands the file,
/// the node's params and its input artifacts to ``evaluateCheckpoint(_:params:inputs:threads:)``.
public protocol CheckpointEvaluating: Stage {
  /// Loads the checkpoint at `file` as the model the params describe (checking every tensor's
  /// shape) and evaluates it on the test split of the `inputs` artifacts (by role, as
  /// ``StageContext/inputs``).
  /// - Throws: an error whose description says what does not fit and where.
  func evaluateCheckpoint(_ file: URL, params: SpecValue, inputs: [String: URL], threads: Int) throws -> CheckpointEvaluation
}

/// How a checkpoint did on the test split.
public struct CheckpointEvaluation: Sendable {
  /// The file's format in words (`safetensors`, `PyTorch state dict`).
  public var format: String
  /// The model in words (`mlp 32-20-10`).
  public var model: String
  public var samples: Int
  public var accuracy: Double
  public var loss: Double
  /// Mean spike rate per layer, with the layer's name.
  public var spikeRates: [(layer: String, rate: Double)]
  /// What the file says beside its tensors (`epoch`, `max_test_acc`, `method`), and what was
  /// ignored (`ignored`), in order.
  public var details: [(key: String, value: String)]

  public init(
    format: String, model: String, samples: Int, accuracy: Double, loss: Double,
    spikeRates: [(layer: String, rate: Double)], details: [(key: String, value: String)]
  ) {
    self.format = format
    self.model = model
    self.samples = samples
    self.accuracy = accuracy
    self.loss = loss
    self.spikeRates = spikeRates
    self.details = details
  }
}
