import Foundation
import Hardware
import Pipeline
import Report
import SNN

/// Reads one training run's artifacts (`train`, and `energy` where the spec has hardware)
/// into the report's values. Shared by the `report` stage and by whatever reads runs back
/// from the cache (`sdfa runs`, exports), so that every view of a run agrees.
///
/// ```swift
/// let row = try RunArtifacts.row(spec: "tau-sweep", specDigest: digest, pointID: "tau=2/method=bp/seed=0",
///                                coordinates: [("tau", "2"), ("method", "bp"), ("seed", "0")],
///                                config: pointConfig, artifacts: ["train": trainDir, "energy": energyDir])
/// ```
public enum RunArtifacts {
  /// The run's record: per-epoch metrics (1-based epochs), spike rates per layer (`layer 1`, …),
  /// the workload's labels and, with an `energy` artifact, both accelerators' estimates. The
  /// record carries no date: its bytes depend only on the artifacts.
  ///
  /// - Parameters:
  ///   - coordinates: (axis label, value label) pairs in axis order, the seed last.
  ///   - config: the point's configuration (for the dataset's and model's labels).
  ///   - artifacts: artifact directory by stage kind; `train` is required.
  public static func record(
    spec: String, specDigest: String, coordinates: [(axis: String, value: String)], config: SpecValue,
    artifacts: [String: URL]
  ) throws -> RunRecord {
    guard let train = artifacts["train"] else { throw StageFailure("run \(coordinates.map { "\($0.axis)=\($0.value)" }.joined(separator: "/")) has no train artifact") }
    let metrics = try ArtifactFiles.read([EpochRecord].self, from: train.appendingPathComponent("metrics.json"))
    let model = try ArtifactFiles.read(TrainedModel.self, from: train.appendingPathComponent("model.json"))
    var hardware: [HardwareResult]?
    if let energy = artifacts["energy"] {
      let estimate = try ArtifactFiles.read(HardwareEstimate.self, from: energy.appendingPathComponent("estimate.json"))
      hardware = [ReportStage.result(estimate.pipeLayer, name: "pipelayer"), ReportStage.result(estimate.pipeSDFA, name: "pipesdfa")]
    }
    let synthetic = config[path: "dataset.kind"]?.stringValue == "synthetic"
    return RunRecord(
      coordinates: coordinates.map { Coordinate($0.axis, $0.value) }, workload: ReportStage.workload(config, model: model),
      epochs: metrics.map { ReportEpochMetrics(epoch: $0.epoch + 1, trainLoss: $0.trainLoss, trainAccuracy: $0.trainAccuracy,
                                               testLoss: $0.testLoss, testAccuracy: $0.testAccuracy) },
      spikeRates: Dictionary(uniqueKeysWithValues: model.spikeRates.enumerated().map { ("layer \($0.offset + 1)", $0.element) }),
      hardware: hardware,
      provenance: Provenance(specName: spec, specDigest: specDigest, data: synthetic ? .synthetic : .real,
                             toolVersion: PipelineInfo.toolVersion))
  }

  /// The run as a flat row: ``record(spec:specDigest:coordinates:config:artifacts:)`` plus
  /// the point id, each artifact's digest (its directory name), and what only the index knows.
  public static func row(
    spec: String, specDigest: String, pointID: String, coordinates: [(axis: String, value: String)], config: SpecValue,
    artifacts: [String: URL], stageKeys: [String: String] = [:], wallSeconds: Double? = nil
  ) throws -> RunRow {
    let record = try record(spec: spec, specDigest: specDigest, coordinates: coordinates, config: config, artifacts: artifacts)
    return RunRow(record: record, pointID: pointID, artifacts: artifacts.mapValues(\.lastPathComponent),
                  stageKeys: stageKeys, wallSeconds: wallSeconds)
  }
}
