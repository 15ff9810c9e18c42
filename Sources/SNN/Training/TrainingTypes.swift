/// Where training stands, for progress display.
public struct TrainingProgress: Sendable {
  /// 0-based epoch and batch.
  public var epoch: Int
  public var epochs: Int
  public var batch: Int
  public var batches: Int
  /// Mean loss of this batch.
  public var loss: Double
}

/// One optimizer step's weight change, for the hardware model's update counting.
///
/// `old[l]` and `new[l]` are layer `l`'s weights (convs, then Linears `[in, out]`) before and after the step; frozen
/// layers have `old[l] == new[l]` (shared storage, no copy).
public struct WeightStep {
  public var epoch: Int
  public var batch: Int
  public var old: [Tensor]
  public var new: [Tensor]
}

/// Metrics of one epoch.
public struct EpochMetrics: Codable, Hashable, Sendable {
  public var epoch: Int
  public var learningRate: Float
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testLoss: Double
  public var testAccuracy: Double
  /// Mean spike rate of each layer (hidden…, output) over the epoch's training batches.
  public var trainSpikeRates: [Double]
  /// The same on the test data.
  public var testSpikeRates: [Double]
  /// Wall time of the epoch (training and test) in seconds.
  public var wallSeconds: Double
}

/// What ``Trainer/train(on:test:)`` returns.
public struct TrainingResult: Sendable {
  /// The trained network.
  public var model: Network
  /// Per-epoch metrics.
  public var epochs: [EpochMetrics]
  /// The last epoch's spike rate per layer on the training data.
  public var spikeRates: [Double] { epochs.last?.trainSpikeRates ?? [] }
}

/// Why training stopped.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// The loss or a gradient became NaN or infinite.
  case diverged(epoch: Int, batch: Int, what: String)
  /// The cancellation check returned true.
  case cancelled(epoch: Int, batch: Int)
  /// The model or data cannot be trained (message says why).
  case invalidSetup(String)

  public var description: String {
    switch self {
    case .diverged(let e, let b, let what):
      return "training diverged at epoch \(e + 1), batch \(b + 1): \(what) is not finite"
    case .cancelled(let e, let b): return "training cancelled at epoch \(e + 1), batch \(b + 1)"
    case .invalidSetup(let m): return "cannot train: \(m)"
    }
  }
}
