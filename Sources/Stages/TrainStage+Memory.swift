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
    guard model.arch == .mlp || inputShape.count == 3 else { return }  // the trainer says why
    // Shapes are all the estimate reads: one network serves every batch size and mode.
    let net = Network(config: model, inputShape: inputShape, classes: classes, seed: 0)
    func estimate(_ batch: Int, _ memory: TrainConfig.Memory) -> MemoryEstimate {
      net.trainingMemory(batch: batch, steps: steps, method: config.method, threads: config.threads, memory: memory)
    }
    let needed = estimate(config.batchSize, config.memory)
    guard needed.bytes > machine.available else { return }
    let largest = needed.parts.sorted { $0.bytes > $1.bytes }.prefix(3)
      .map { "\($0.name) \(MemoryEstimate.format($0.bytes))" }.joined(separator: ", ")
    var fixes: [String] = []
    if model.arch != .mlp && config.memory == .fast {
      let lean = estimate(config.batchSize, .lean)
      if lean.bytes <= machine.available {
        fixes.append("set train.memory: lean (about \(MemoryEstimate.format(lean.bytes)); each step recomputes the blocks' membranes, 2–3× slower)")
      }
    }
    // The largest batch that fits, in the mode that needs least.
    let mode: TrainConfig.Memory = model.arch == .mlp ? config.memory : .lean
    if let fitting = (1..<config.batchSize).reversed().first(where: { estimate($0, mode).bytes <= machine.available }) {
      fixes.append(
        "set train.batch_size to \(fitting) or less\(mode != config.memory ? " with train.memory: lean" : "") (memory grows with batch_size × T)")
    }
    let fix = fixes.isEmpty
      ? "even train.batch_size: 1 does not fit: use a machine with more memory, fewer time steps or model.channels"
      : fixes.joined(separator: ", or ")
    throw StageFailure(
      "one training step needs about \(MemoryEstimate.format(needed.bytes)) (largest: \(largest)) but this machine has \(MemoryEstimate.format(machine.available)) available of \(MemoryEstimate.format(machine.total)); \(fix)")
  }
}
