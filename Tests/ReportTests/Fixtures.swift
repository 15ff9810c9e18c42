@testable import Report

/// Small hand-checkable record sets shared by the Report tests.
enum Fixtures {
  static let provenance = Provenance(
    specName: "quick", specDigest: "0123456789abcdef0123", data: .synthetic, toolVersion: "0.1.0",
    date: "2026-11-29")
  static let nmnist = Workload(dataset: "N-MNIST", classes: 10, neuron: "LIF", model: "MLP", setup: "2 FC")
  static let shd = Workload(dataset: "SHD", classes: 20, neuron: "IF", model: "MLP", setup: "3 FC")

  /// A run whose test accuracy per epoch is `accuracies`; losses mirror it.
  static func record(
    _ dataset: String, _ workload: Workload?, method: String, seed: Int, _ accuracies: [Double],
    hardware: [HardwareResult]? = nil
  ) -> RunRecord {
    RunRecord(
      coordinates: [.init("dataset", dataset), .init("method", method), .init("seed", String(seed))],
      workload: workload,
      epochs: accuracies.enumerated().map {
        EpochMetrics(epoch: $0 + 1, trainLoss: 1 - $1, trainAccuracy: $1, testLoss: 1.1 - $1, testAccuracy: $1)
      },
      hardware: hardware, provenance: provenance)
  }

  /// PipeLayer and PipeSDFA results scaled by `s`: PipeLayer 2 ms, 5 mJ; PipeSDFA 0.5 ms, 3 mJ.
  static func hardware(_ s: Double) -> [HardwareResult] {
    [
      HardwareResult(
        accelerator: "pipelayer", totalTime: 2.0e-3 * s, totalEnergy: 5e-3 * s,
        energyByComponent: ["crossbar read": 2e-3 * s, "ADC": 1.5e-3 * s, "cell programming": 1e-3 * s]),
      HardwareResult(
        accelerator: "pipesdfa", totalTime: 0.5e-3 * s, totalEnergy: 3e-3 * s,
        energyByComponent: ["crossbar read": 1.5e-3 * s, "ADC": 1e-3 * s, "feedback array": 0.3e-3 * s]),
    ]
  }

  /// N-MNIST, 3 seeds per method: best accuracies BP 0.90, 0.92, 0.94 (92.00 ± 2.00 %) and
  /// SDFA 0.88, 0.89, 0.93 (90.00 ± 2.65 %; final 0.87, 0.88, 0.92). SHD: BP one seed (70 %),
  /// SDFA two seeds of which seed 1 diverged to NaN in its last epoch (best 72 % and 50 %).
  static var small: [RunRecord] {
    var records: [RunRecord] = []
    for (seed, a) in [0.90, 0.92, 0.94].enumerated() {
      records.append(record("nmnist", nmnist, method: "bp", seed: seed, [a - 0.1, a - 0.03, a], hardware: hardware(1 + Double(seed) * 0.1)))
    }
    for (seed, a) in [0.88, 0.89, 0.93].enumerated() {
      records.append(record("nmnist", nmnist, method: "sdfa", seed: seed, [a - 0.2, a, a - 0.01], hardware: hardware(1 + Double(seed) * 0.1)))
    }
    records.append(record("shd", shd, method: "bp", seed: 0, [0.6, 0.7]))
    records.append(record("shd", shd, method: "sdfa", seed: 0, [0.65, 0.72]))
    records.append(record("shd", shd, method: "sdfa", seed: 1, [0.5, .nan]))
    return records
  }
}
