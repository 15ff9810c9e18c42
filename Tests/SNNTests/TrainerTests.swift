import Testing
import TestSupport

@testable import SNN

@Suite struct TrainerTests {
  static let train = syntheticFrames(samples: 400, seed: 1, purpose: "train")
  static let test = syntheticFrames(samples: 200, seed: 1, purpose: "test")

  static func trainer(
    _ method: TrainConfig.Method, epochs: Int = 3, seed: UInt64 = 0, hidden: [Int] = [64]
  ) -> Trainer {
    Trainer(
      model: ModelConfig(hidden: hidden),
      train: TrainConfig(
        method: method, epochs: epochs, batchSize: 32,
        optimizer: OptimizerConfig(kind: .adam, lr: 1e-2), schedule: .cosine, seed: seed))
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func learnsWellAboveChance(method: TrainConfig.Method) throws {
    let result = try Self.trainer(method).train(on: Self.train, test: Self.test)
    #expect(result.epochs.count == 3)
    #expect(result.epochs.last!.testAccuracy > 0.6, "\(method): \(result.epochs)")
    #expect(result.spikeRates.count == 2 && result.spikeRates.allSatisfy { $0 > 0 })
  }

  static let optimizerCases: [(OptimizerConfig, TrainConfig.Loss)] = [
    (OptimizerConfig(kind: .sgd, lr: 2, weightDecay: 1e-4, momentum: 0.9), .mse),
    (OptimizerConfig(kind: .adamw, lr: 1e-2, weightDecay: 1e-2), .mse),
    (OptimizerConfig(kind: .adam, lr: 1e-2), .crossEntropy),
  ]

  @Test(arguments: optimizerCases)
  func otherOptimizersAndLossesLearn(optimizer: OptimizerConfig, loss: TrainConfig.Loss) throws {
    var t = Self.trainer(.bp, epochs: 3)
    t.train.optimizer = optimizer
    t.train.loss = loss
    // Plain SGD moves by the (tiny) MSE gradient itself: start with active layers so it learns
    // within the test's few epochs (Adam's steps are lr-sized whatever the gradient).
    if optimizer.kind == .sgd { t.model.neuron.vThreshold = 0.3 }
    let result = try t.train(on: Self.train, test: Self.test)
    #expect(result.epochs.last!.testAccuracy > 0.3, "\(optimizer.kind)/\(loss): \(result.epochs.map(\.testAccuracy))")
  }

  @Test func shallowTrainsTheOutputLayerOnly() throws {
    var t = Self.trainer(.shallow, epochs: 1)
    t.model.neuron.vThreshold = 0.2  // hidden spikes from the start, so the output layer learns
    let result = try t.train(on: Self.train, test: Self.test)
    let initial = Network(config: t.model, inputShape: [128], classes: 10, seed: 0)
    #expect(result.model.linearWeights[0] == initial.linearWeights[0])
    #expect(result.model.linearWeights[1] != initial.linearWeights[1])
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func sameSeedIsBitIdenticalOtherSeedDiffers(method: TrainConfig.Method) throws {
    let a = try Self.trainer(method, epochs: 2, seed: 5).train(on: Self.train, test: Self.test)
    let b = try Self.trainer(method, epochs: 2, seed: 5).train(on: Self.train, test: Self.test)
    let c = try Self.trainer(method, epochs: 2, seed: 6).train(on: Self.train, test: Self.test)
    #expect(a.model == b.model)
    #expect(a.model.checkpoint() == b.model.checkpoint())
    let strip = { (m: [EpochMetrics]) in m.map { e -> EpochMetrics in var e = e; e.wallSeconds = 0; return e } }
    #expect(strip(a.epochs) == strip(b.epochs))
    #expect(a.model != c.model)
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func twoThreadsAreDeterministicAndAgreeWithOne(method: TrainConfig.Method) throws {
    var t = Self.trainer(method, epochs: 1)
    t.model.hidden = [96, 80]  // two hidden layers: SDFA runs their backward passes concurrently
    let one = try t.train(on: Self.train, test: Self.test)
    t.train.threads = 2
    let a = try t.train(on: Self.train, test: Self.test)
    let b = try t.train(on: Self.train, test: Self.test)
    #expect(a.model == b.model)
    for (wa, w1) in zip(a.model.linearWeights, one.model.linearWeights) {
      #expect(firstMismatch(wa.scalars, w1.scalars, rtol: 1e-3, atol: 1e-4) == nil)
    }
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func sparseDenseAndBinaryKernelsTrainAlike(method: TrainConfig.Method) throws {
    func trained(_ kernels: ProductKernels) throws -> [Tensor] {
      var t = Self.trainer(method, epochs: 1, hidden: [64, 48])
      t.kernels = kernels
      return try t.train(on: Self.train, test: Self.test).model.linearWeights
    }
    let dense = try trained(.dense)
    for kernels in [ProductKernels.sparse, .binary] {
      for (l, (w, reference)) in zip(try trained(kernels), dense).enumerated() {
        #expect(
          firstMismatch(w.scalars, reference.scalars, rtol: 1e-3, atol: 1e-4) == nil,
          "\(kernels) layer \(l)")
      }
    }
  }

  /// The threaded paths (split kernels, spikes counted instead of listed, SDFA's hidden layers
  /// side by side) compute what one thread does.
  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func threadsDoNotChangeTheResult(method: TrainConfig.Method) throws {
    func trained(threads: Int) throws -> TrainingResult {
      var t = Self.trainer(method, epochs: 1, hidden: [160, 144, 64])  // 32 × 144 ≥ 4,096 units: threaded neurons
      t.train.threads = threads
      return try t.train(on: Self.train, test: Self.test)
    }
    let one = try trained(threads: 1)
    for threads in [2, 3] {
      let many = try trained(threads: threads)
      for (l, (w, reference)) in zip(many.model.linearWeights, one.model.linearWeights).enumerated() {
        #expect(firstMismatch(w.scalars, reference.scalars, rtol: 1e-5, atol: 1e-6) == nil, "\(threads) threads, layer \(l)")
      }
      #expect(many.epochs[0].trainSpikeRates == one.epochs[0].trainSpikeRates)
    }
  }

  @Test func divergenceNamesEpochAndBatch() {
    var bad = InMemoryFrames(inputShape: [128], timeSteps: 5, classCount: 10)
    for i in 0..<40 {
      let frame: [(index: Int32, value: Float)] = [(Int32(i), i == 35 ? .nan : 1)]
      bad.appendSample(label: i % 10, steps: Array(repeating: frame, count: 5))
    }
    var t = Self.trainer(.bp, epochs: 1)
    t.train.batchSize = 8
    t.train.optimizer.lr = 0
    #expect(throws: TrainingError.self) { try t.train(on: bad, test: bad) }
    do {
      _ = try t.train(on: bad, test: bad)
    } catch {
      guard case .diverged(let epoch, _, _) = error else {
        Issue.record("expected divergence, got \(error)")
        return
      }
      #expect(epoch == 0)
      #expect(error.description.contains("epoch 1, batch"))
    }
  }

  @Test func cancellationStopsAtTheNextBatch() {
    var t = Self.trainer(.sdfa)
    var calls = 0
    t.progress = { _ in calls += 1 }
    t.shouldCancel = { calls >= 3 }
    #expect(throws: TrainingError.cancelled(epoch: 0, batch: 3)) {
      try t.train(on: Self.train, test: Self.test)
    }
  }

  @Test func observerSeesEveryStepsOldAndNewWeights() throws {
    var t = Self.trainer(.sdfa, epochs: 1)
    var steps: [WeightStep] = []
    t.weightObserver = { steps.append($0) }
    let result = try t.train(on: Self.train, test: Self.test)
    #expect(steps.count == 13)
    #expect(steps.last!.new == result.model.linearWeights)
    #expect(zip(steps.dropFirst(), steps).allSatisfy { $0.old == $1.new })
    #expect(steps[0].old[0] != steps[0].new[0])
  }

  @Test func evaluationWithTransformedWeights() throws {
    let result = try Self.trainer(.bp).train(on: Self.train, test: Self.test)
    let plain = Evaluator.evaluate(result.model, on: Self.test)
    #expect(plain.accuracy == result.epochs.last!.testAccuracy)
    let same = Evaluator.evaluate(result.model, on: Self.test) { _, w in w }
    #expect(same == plain)
    // All-zero weights: no spikes, rate 0 everywhere, argmax 0 → accuracy = share of class 0.
    let zero = Evaluator.evaluate(result.model, on: Self.test) { _, w in Tensor(shape: w.shape) }
    let share = Double((0..<Self.test.sampleCount).filter { Self.test.label($0) == 0 }.count) / 200
    #expect(zero.accuracy == share)
    #expect(zero.spikeRates == [0, 0])
  }

  @Test func cosineScheduleAndDescriptions() {
    let c = TrainConfig(epochs: 4, optimizer: OptimizerConfig(lr: 1), schedule: .cosine)
    #expect(c.learningRate(epoch: 0) == 1)
    #expect(abs(c.learningRate(epoch: 2) - 0.5) < 1e-6)
    let net = Network.mlp(inputFeatures: 2312, hidden: [1000], classes: 10, neuron: NeuronConfig(), seed: 0)
    let d = net.describe(timeSteps: 10)
    #expect(d.map(\.inFeatures) == [2312, 1000] && d.map(\.outFeatures) == [1000, 10])
    #expect(d.allSatisfy { $0.kind == .linear && $0.timeSteps == 10 && $0.kernelSize == 1 })
    #expect(d.map(\.receivesFeedback) == [true, false])
    let bound = 1 / Float(2312).squareRoot()
    #expect(net.linearWeights[0].maxAbs() <= bound && net.linearWeights[0].maxAbs() > 0.99 * bound)
  }

  @Test(arguments: TrainConfig.Method.allCases)
  func networksWithoutHiddenLayersTrain(method: TrainConfig.Method) throws {
    var t = Self.trainer(method, epochs: 1)
    t.model.hidden = []
    let result = try t.train(on: Self.train, test: Self.test)
    #expect(result.model.linearSizes == [128, 10])
  }

  @Test func unsupportedArchitectureIsAnError() {
    var t = Self.trainer(.bp)
    t.model.arch = .convnet
    #expect(throws: TrainingError.self) { try t.train(on: Self.train, test: Self.test) }
  }
}
