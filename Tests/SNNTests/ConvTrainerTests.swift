import Testing
import TestSupport

@testable import SNN

@Suite struct ConvTrainerTests {
  static let train = syntheticFrames(
    samples: 48, classes: 4, shape: [2, 32, 32], steps: 3, seed: 2, purpose: "train")
  static let test = syntheticFrames(
    samples: 24, classes: 4, shape: [2, 32, 32], steps: 3, seed: 2, purpose: "test")

  static func trainer(_ method: TrainConfig.Method, seed: UInt64 = 0) -> Trainer {
    Trainer(
      model: ModelConfig(arch: .convnet, channels: 8),
      train: TrainConfig(
        method: method, epochs: 2, batchSize: 12, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2),
        seed: seed))
  }

  /// Plumbing and determinism; learning of conv nets needs more steps than a unit test affords
  /// (their numerics are checked against spikingjelly in ``ConvNetParityTests``).
  @Test(arguments: TrainConfig.Method.allCases)
  func convnetTrainsDeterministically(method: TrainConfig.Method) throws {
    var t = Self.trainer(method)
    var steps = 0
    t.weightObserver = { step in
      steps += 1
      #expect(step.old.count == 7 && step.new.count == 7)
    }
    let a = try t.train(on: Self.train, test: Self.test)
    let b = try Self.trainer(method).train(on: Self.train, test: Self.test)
    #expect(a.model == b.model)
    #expect(steps == 8)
    #expect(a.spikeRates.count == 7 && a.spikeRates[0] > 0)
    let initial = Network(config: t.model, inputShape: [2, 32, 32], classes: 4, seed: 0)
    #expect(a.model.linearWeights[1] != initial.linearWeights[1])
    #expect((a.model.convWeights[0] == initial.convWeights[0]) == (method == .shallow))
    let plain = Evaluator.evaluate(a.model, on: Self.test, batchSize: 12)
    #expect(plain.accuracy == a.epochs.last!.testAccuracy)
  }

  @Test func evalModeBatchNormEqualsTrainingModeAtBatchStatistics() {
    var net = Network.convnet(
      inputShape: [2, 32, 32], classes: 4, channels: 8, hidden: 16, neuron: NeuronConfig(), seed: 1)
    let engine = NetworkEngine(network: net, steps: 3, threads: 1)
    engine.load(Self.train, samples: Array(0..<12)[...])
    let trainRate = engine.forward(net, training: true)
    let trainRates = engine.spikeRates
    for (i, s) in engine.batchStatistics.enumerated() {
      // Evaluation uses the biased variance of the batch to normalise the same way.
      let m = Float((12 * 3 * 32 * 32) >> (2 * i))
      net.runningMean[i] = Tensor(shape: [s!.0.count], scalars: s!.0)
      net.runningVariance[i] = Tensor(shape: [s!.1.count], scalars: s!.1.map { $0 * (m - 1) / m })
    }
    let evalRate = engine.forward(net, training: false)
    #expect(firstMismatch(evalRate.scalars, trainRate.scalars, rtol: 0, atol: 0.05) == nil)
    #expect(zip(engine.spikeRates, trainRates).allSatisfy { abs($0 - $1) < 0.01 }, "\(engine.spikeRates) \(trainRates)")
  }

  @Test func describesLayersForTheHardwareModel() {
    let net = Network.convnet(inputShape: [2, 128, 128], classes: 11, neuron: NeuronConfig(), seed: 0)
    let d = net.describe(timeSteps: 10)
    #expect(d.map(\.kind) == [.conv, .conv, .conv, .conv, .conv, .linear, .linear])
    #expect(d.map(\.outFeatures) == [32, 64, 128, 128, 128, 1024, 110])
    #expect(d[0].inputSize == [128, 128] && d[4].inputSize == [8, 8] && d[5].inFeatures == 128 * 4 * 4)
    let vgg = Network.vgg11(inputShape: [2, 180, 240], classes: 101, neuron: NeuronConfig(), seed: 0)
    #expect(vgg.linearSizes == [512 * 5 * 7, 4096, 4096, 1010])
  }

  @Test func framesTooSmallForThePoolingsAreAnError() {
    let tiny = syntheticFrames(samples: 8, classes: 4, shape: [2, 16, 16], steps: 2, seed: 2, purpose: "tiny")
    #expect {
      _ = try Self.trainer(.bp).train(on: tiny, test: tiny)
    } throws: { error in
      "\(error)".contains("frames of 16×16 are too small for convnet's 5 2×2 poolings: it needs at least 32×32")
    }
  }
}
