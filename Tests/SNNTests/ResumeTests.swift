import Foundation
import Testing
import TestSupport

@testable import SNN

/// An interrupted training, resumed from its last completed epoch, ends exactly where an
/// uninterrupted one does.
@Suite struct ResumeTests {
  static let train = syntheticFrames(samples: 160, seed: 3, purpose: "train")
  static let test = syntheticFrames(samples: 60, seed: 3, purpose: "test")

  /// Metrics without the wall time, which no two runs share.
  static func comparable(_ m: [EpochMetrics]) -> [EpochMetrics] {
    m.map { var e = $0; e.wallSeconds = 0; return e }
  }

  /// Runs `trainer` until `stopAfter` epochs are complete, cancelling in the next epoch, and
  /// returns the snapshot it saved then, read back from disk.
  static func interrupted(_ trainer: Trainer, stopAfter: Int, run: (Trainer) throws(TrainingError) -> Void)
    throws -> TrainingSnapshot
  {
    var t = trainer
    var saved: TrainingSnapshot?
    t.epochFinished = { if $0.completedEpochs == stopAfter { saved = $0 } }
    t.shouldCancel = { saved != nil }
    #expect(throws: TrainingError.cancelled(epoch: stopAfter, batch: 0)) { try run(t) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try #require(saved).write(to: folder)
    return try TrainingSnapshot(contentsOf: folder)
  }

  static let optimizers: [(TrainConfig.Method, OptimizerConfig)] = [
    (.bp, OptimizerConfig(kind: .adam, lr: 1e-2)), (.sdfa, OptimizerConfig(kind: .adamw, lr: 1e-2, weightDecay: 0.01)),
    (.sdfa, OptimizerConfig(kind: .sgd, lr: 0.05, momentum: 0.9)),
  ]

  @Test(arguments: optimizers)
  func mlpResumesBitIdentically(method: TrainConfig.Method, optimizer: OptimizerConfig) throws {
    let trainer = Trainer(
      model: ModelConfig(hidden: [48, 32]),
      train: TrainConfig(method: method, epochs: 4, batchSize: 32, optimizer: optimizer, schedule: .cosine, seed: 5))
    let whole = try trainer.train(on: Self.train, test: Self.test)
    let snapshot = try Self.interrupted(trainer, stopAfter: 2) { t throws(TrainingError) in
      _ = try t.train(on: Self.train, test: Self.test)
    }
    #expect(snapshot.completedEpochs == 2 && !snapshot.optimizer.isEmpty)
    var resumed = trainer
    resumed.resumeFrom = snapshot
    let rest = try resumed.train(on: Self.train, test: Self.test)
    #expect(rest.model.linearWeights == whole.model.linearWeights)
    #expect(Self.comparable(rest.epochs) == Self.comparable(whole.epochs))
  }

  @Test func convNetResumesBitIdentically() throws {
    let train = syntheticFrames(samples: 24, classes: 4, shape: [2, 32, 32], steps: 3, seed: 2, purpose: "train")
    let test = syntheticFrames(samples: 12, classes: 4, shape: [2, 32, 32], steps: 3, seed: 2, purpose: "test")
    let trainer = Trainer(
      model: ModelConfig(arch: .convnet, channels: 8),
      train: TrainConfig(method: .sdfa, epochs: 3, batchSize: 12, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2)))
    let whole = try trainer.train(on: train, test: test)
    let snapshot = try Self.interrupted(trainer, stopAfter: 1) { t throws(TrainingError) in
      _ = try t.train(on: train, test: test)
    }
    var resumed = trainer
    resumed.resumeFrom = snapshot
    let rest = try resumed.train(on: train, test: test)
    // Weights, batch-norm parameters and running statistics.
    #expect(rest.model == whole.model)
    #expect(Self.comparable(rest.epochs) == Self.comparable(whole.epochs))
  }

  @Test func aStateForOtherWeightsIsRefused() throws {
    let trainer = Trainer(
      model: ModelConfig(hidden: [16]),
      train: TrainConfig(method: .bp, epochs: 2, batchSize: 40, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2)))
    var snapshot = try Self.interrupted(trainer, stopAfter: 1) { t throws(TrainingError) in
      _ = try t.train(on: Self.train, test: Self.test)
    }
    snapshot.optimizer["m.0"] = Tensor(shape: [3, 3])
    var resumed = trainer
    resumed.resumeFrom = snapshot
    #expect {
      _ = try resumed.train(on: Self.train, test: Self.test)
    } throws: { error in
      "\(error)".contains("'m.0' is [3, 3], the weights need [128, 16]")
    }
  }
}
