import Foundation
import Pipeline
import SNN

/// The machine's memory as Linux reports it in `/proc/meminfo`.
struct MachineMemory: Equatable {
  /// `MemTotal` and `MemAvailable`, in bytes.
  var total: Int
  var available: Int

  /// This machine's, or nil where `/proc/meminfo` is absent or unreadable (not Linux): the
  /// check is then skipped.
  static func current() -> MachineMemory? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
    return parse(text)
  }

  /// Reads `MemTotal:` and `MemAvailable:` (kB) from `/proc/meminfo`'s text.
  static func parse(_ text: String) -> MachineMemory? {
    var fields: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
      if parts.count >= 2, let kb = Int(parts[1]) { fields[String(parts[0])] = kb * 1024 }
    }
    guard let total = fields["MemTotal"], let available = fields["MemAvailable"] else { return nil }
    return MachineMemory(total: total, available: available)
  }
}

extension TrainStage {
  /// Throws, before any training, when one training step's estimated peak
  /// (``MemoryEstimate``) exceeds the memory `machine` has available, saying by how much, what
  /// takes it and what to change. No machine (not Linux): no check.
  static func checkMemory(
    model: ModelConfig, config: TrainConfig, inputShape: [Int], classes: Int, steps: Int,
    machine: MachineMemory?
  ) throws {
    guard let machine else { return }
    let estimate: MemoryEstimate
    if model.arch == .mlp {
      let net = SpikingMLP(config: model, inputFeatures: inputShape.reduce(1, *), classes: classes, seed: 0)
      estimate = net.trainingMemory(batch: config.batchSize, steps: steps, method: config.method, threads: config.threads)
    } else {
      guard inputShape.count == 3 else { return }  // the trainer says what is wrong
      let net = SpikingConvNet(config: model, inputShape: inputShape, classes: classes, seed: 0)
      estimate = net.trainingMemory(batch: config.batchSize, steps: steps, method: config.method, threads: config.threads)
    }
    guard estimate.bytes > machine.available else { return }
    let largest = estimate.parts.sorted { $0.bytes > $1.bytes }.prefix(3)
      .map { "\($0.name) \(MemoryEstimate.format($0.bytes))" }.joined(separator: ", ")
    // Everything but the parameters scales with the batch.
    let fixed = estimate.parts.filter { $0.name == "parameters" }.reduce(MemoryEstimate.baseBytes) { $0 + $1.bytes }
    let perSample = Double(estimate.bytes - fixed) / Double(config.batchSize)
    let fitting = perSample > 0 ? Int(Double(machine.available - fixed) / perSample) : 0
    let fix =
      fitting >= 1
      ? "set train.batch_size to \(fitting) or less (memory grows with batch_size × T)"
      : "even train.batch_size: 1 does not fit: use a machine with more memory, fewer time steps or model.channels"
    throw StageFailure(
      "one training step needs about \(MemoryEstimate.format(estimate.bytes)) (largest: \(largest)) but this machine has \(MemoryEstimate.format(machine.available)) available of \(MemoryEstimate.format(machine.total)); \(fix)")
  }
}
