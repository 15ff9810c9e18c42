import Foundation
import Pipeline
import SNN
@testable import Stages
import Testing

/// The train stage's memory check: `/proc/meminfo` parsing, the estimate against hand counts,
/// and the refusal (with the estimate and the fix) on a machine too small, injected.
@Suite struct MemoryCheckTests {
  @Test func parsesMeminfo() {
    let text = """
      MemTotal:       25165824 kB
      MemFree:         1048576 kB
      MemAvailable:   20971520 kB
      Buffers:               0 kB
      """
    #expect(MachineMemory.parse(text) == MachineMemory(total: 25_769_803_776, available: 21_474_836_480))
    #expect(MachineMemory.parse("MemTotal: 1 kB\n") == nil)
  }

  @Test func convEstimateCountsByHand() {
    // One block 2 → 4 channels on 4×4 with BN and pooling, Linear 16 → 2 · 10; T 2, B 3, SDFA.
    let net = Network(
      inputShape: [2, 4, 4], convs: [.init(inChannels: 2, outChannels: 4, batchNorm: true, pool: true)],
      hidden: [], classes: 2, voting: 10, linearBias: true, neuron: NeuronConfig(), seed: 0)
    let e = net.trainingMemory(batch: 3, steps: 2, method: .sdfa, threads: 1)
    let n = 6
    // h, z, pooled spikes, their list at a 25 % rate, the neuron's state, and (fast) the
    // pooling's argmax, an Int32 per pooled output
    let block = n * 64 + n * 64 + n * 64 / 4 + n * 64 / 16 + 3 * 64 + n * 64 / 4
    let parameters = 4 * (4 * 2 * 9 + 4 + 4 + 16 * 20 + 20)
    let expected: [String: Int] = [
      "input": 2 * n * 32 * 4, "block 1": block * 4, "convolution scratch": (32 * 9 + 72) * 4,
      "linear 1": 6 * n * 20 * 4, "parameters": parameters * 4,
      "feedback": (2 + 3) * 16 * 4,  // B [2 classes, 16] and e · B [3, 16]: SDFA only
    ]
    #expect(Dictionary(uniqueKeysWithValues: e.parts.map { ($0.name, $0.bytes) }) == expected)
    #expect(e.bytes == expected.values.reduce(MemoryEstimate.baseBytes, +))
    // BP adds dL/d(input) of the Linear layer (none for the first block), and has no feedback.
    let bp = net.trainingMemory(batch: 3, steps: 2, method: .bp, threads: 1)
    #expect(bp.bytes - e.bytes == n * 16 * 4 - (2 + 3) * 16 * 4)
  }

  @Test func refusesWithTheEstimateAndTheFix() throws {
    let model = ModelConfig(arch: .vgg11, hidden: [], neuron: NeuronConfig(kind: .if))
    let config = TrainConfig(method: .sdfa, batchSize: 8, threads: 2)
    let small = MachineMemory(total: 8 << 30, available: 2 << 30)
    do {
      try TrainStage.checkMemory(
        model: model, config: config, inputShape: [2, 128, 128], classes: 11, steps: 30, machine: small)
      Issue.record("a VGG11 step at batch 8, T 30 does not fit in 2 GB")
    } catch let failure as StageFailure {
      let message = "\(failure)"
      #expect(message.contains("one training step needs about"), "\(message)")
      #expect(message.contains("2.1 GB available of 8.6 GB"), "\(message)")
      #expect(message.contains("set train.batch_size to"), "\(message)")
      // The suggested batch fits.
      let suggested = Int(message.split(separator: " ").drop { $0 != "to" }.dropFirst().first ?? "") ?? 0
      #expect(suggested >= 1 && suggested < 8, "\(message)")
      var smaller = config
      smaller.batchSize = suggested
      if message.contains("or less with train.memory: lean") { smaller.memory = .lean }
      try TrainStage.checkMemory(
        model: model, config: smaller, inputShape: [2, 128, 128], classes: 11, steps: 30, machine: small)
    }
    // Between the lean and the fast estimate: lean is the fix, and fits.
    let net = Network(config: model, inputShape: [2, 128, 128], classes: 11, seed: 0)
    let fast = net.trainingMemory(batch: 8, steps: 30, method: .sdfa, threads: 2, memory: .fast)
    let lean = net.trainingMemory(batch: 8, steps: 30, method: .sdfa, threads: 2, memory: .lean)
    #expect(lean.bytes < fast.bytes)
    let between = MachineMemory(total: 64 << 30, available: (lean.bytes + fast.bytes) / 2)
    do {
      try TrainStage.checkMemory(
        model: model, config: config, inputShape: [2, 128, 128], classes: 11, steps: 30, machine: between)
      Issue.record("fast does not fit between the two estimates")
    } catch let failure as StageFailure {
      #expect("\(failure)".contains("set train.memory: lean"), "\(failure)")
    }
    var leanConfig = config
    leanConfig.memory = .lean
    try TrainStage.checkMemory(
      model: model, config: leanConfig, inputShape: [2, 128, 128], classes: 11, steps: 30, machine: between)
    // A large machine, and no machine information at all: no refusal.
    try TrainStage.checkMemory(
      model: model, config: config, inputShape: [2, 128, 128], classes: 11, steps: 30,
      machine: MachineMemory(total: 64 << 30, available: 60 << 30))
    try TrainStage.checkMemory(
      model: model, config: config, inputShape: [2, 128, 128], classes: 11, steps: 30, machine: nil)
  }
}
