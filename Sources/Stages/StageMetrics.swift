import Foundation
import Pipeline

// What each stage kind records in the runs database (`Stage.metrics(artifact:)`): read
// from the artifact's own files, so a fresh commit and the backfill of an older artifact
// record the same numbers.

extension TrainStage {
  var headlineMetrics: [String] { ["best_test_accuracy", "final_test_accuracy"] }

  /// Final and best test accuracy and loss, the last epoch's per-layer spike rates and the
  /// per-epoch curves, from `metrics.json`.
  func metrics(artifact: URL) throws -> SpecValue? {
    let epochs = try ArtifactFiles.read([EpochRecord].self, from: artifact.appendingPathComponent("metrics.json"))
    guard let last = epochs.last else { return nil }
    func series(_ value: (EpochRecord) -> Double) -> SpecValue { .list(epochs.map { .number(value($0)) }) }
    let accuracies = epochs.map(\.testAccuracy).filter { !$0.isNaN }
    let losses = epochs.map(\.testLoss).filter { !$0.isNaN }
    return .object([
      "epochs": .number(Double(epochs.count)),
      "final_test_accuracy": .number(last.testAccuracy),
      "best_test_accuracy": .number(accuracies.max() ?? .nan),
      "final_test_loss": .number(last.testLoss),
      "best_test_loss": .number(losses.min() ?? .nan),
      "final_train_accuracy": .number(last.trainAccuracy),
      "final_train_loss": .number(last.trainLoss),
      "spike_rates": .list(last.trainSpikeRates.map { .number($0) }),
      RunEntry.curvesKey: .object([
        "train_loss": series(\.trainLoss), "train_accuracy": series(\.trainAccuracy),
        "test_loss": series(\.testLoss), "test_accuracy": series(\.testAccuracy),
        "learning_rate": series { Double($0.learningRate) },
      ]),
    ])
  }
}

extension MapStage {
  var headlineMetrics: [String] { ["hardware_test_accuracy"] }
  func metrics(artifact: URL) throws -> SpecValue? { try StageSummary.metrics(artifact) }
}

extension EnergyStage {
  var headlineMetrics: [String] { ["pipelayer_epoch_joules", "pipesdfa_epoch_joules"] }
  func metrics(artifact: URL) throws -> SpecValue? { try StageSummary.metrics(artifact) }
}

/// The flat `summary.json` every stage writes, as metrics.
enum StageSummary {
  static func metrics(_ artifact: URL) throws -> SpecValue? {
    let url = artifact.appendingPathComponent("summary.json")
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return .object(try ArtifactFiles.read([String: Double].self, from: url).mapValues { .number($0) })
  }
}
