import Foundation
import Hardware
import Pipeline

/// `energy`: training time and energy per epoch of the PipeLayer-style and the PipeSDFA
/// accelerator, per layer and component, from the measured spike rates and weight-change
/// trace of the training run.
///
/// Artifact: `estimate.json`, `breakdown.txt` (the table `sdfa hw` prints), `summary.json`.
struct EnergyStage: Stage {
  let kind = "energy"
  let version = 2
  let reads = ["hardware.technology_values", "hardware.crossbar"]
  let consumes = ["train", "map"]
  var trigger: String? { "hardware" }

  func run(_ context: StageContext) throws {
    let inputs = try HardwareInputs(context)
    let technology = inputs.technology
    let activity = ActivityProfile(inputRate: inputs.model.inputRate, outputRates: inputs.model.spikeRates)
    var assumptions: [String] = []
    // The trace counts level changes at the bits it was recorded with; other bits use the
    // model's default (every cell moves one level per batch).
    var trace: WeightUpdateTrace?
    if inputs.model.traceWeightBits == technology.weightBits, inputs.model.traceCellBits == technology.cellBits {
      trace = try ArtifactFiles.read(WeightUpdateTrace.self, from: try context.input("train").appendingPathComponent("trace.json"))
    } else {
      assumptions.append("weight-change trace recorded at \(inputs.model.traceWeightBits)-bit weights on \(inputs.model.traceCellBits)-bit cells; this technology differs, so every cell is assumed to change one level per batch")
    }
    var estimate = HardwareModel.estimate(network: inputs.network, activity: activity, trace: trace, technology: technology)
    estimate.assumptions += assumptions
    try ArtifactFiles.write(estimate, to: "estimate.json", in: context)
    try context.write(Data(HardwareReport.render(estimate, detail: true).utf8), to: "breakdown.txt")
    try ArtifactFiles.writeSummary([
      "pipelayer_epoch_seconds": estimate.pipeLayer.epochSeconds, "pipesdfa_epoch_seconds": estimate.pipeSDFA.epochSeconds,
      "pipelayer_epoch_joules": estimate.pipeLayer.epochJoules, "pipesdfa_epoch_joules": estimate.pipeSDFA.epochJoules,
      "time_ratio": estimate.timeRatio, "energy_ratio": estimate.energyRatio,
    ], in: context)
  }
}
