import Testing

@testable import SNN

/// `train.memory: lean` (membranes recomputed in the backward pass, state freed as soon as a
/// block's gradient is done) against `fast` (everything kept): the same gradients bit for bit,
/// and the same trained networks, for BP and SDFA, with batch norm (ConvNet) and without it,
/// pooled and unpooled blocks (VGG11).
@Suite struct LeanMemoryTests {
  static let data = syntheticFrames(
    samples: 12, classes: 4, shape: [2, 32, 32], steps: 3, seed: 5, purpose: "lean")

  static let networks: [(String, Network)] = [
    ("convnet", .convnet(inputShape: [2, 32, 32], classes: 4, channels: 8, hidden: 16, neuron: NeuronConfig(), seed: 3)),
    ("vgg11", .vgg11(inputShape: [2, 32, 32], classes: 4, channels: 16, hidden: 32, neuron: NeuronConfig(kind: .if, vThreshold: 0.5), seed: 3)),
    // Issue 14's options act in the backward kernels, which both modes share.
    ("vgg11 detach_reset", .vgg11(inputShape: [2, 32, 32], classes: 4, channels: 16, hidden: 32, neuron: NeuronConfig(kind: .if, vThreshold: 0.5, detachReset: true), seed: 3)),
  ]

  @Test(arguments: [TrainConfig.Method.bp, .sdfa], [1, 2])
  func leanGradientsEqualFast(method: TrainConfig.Method, threads: Int) {
    for (name, net) in Self.networks {
      for temporal in [TrainConfig.Temporal.bptt, .local] {
        Self.compare(name: "\(name) \(temporal)", net, method: method, threads: threads, temporal: temporal)
      }
    }
  }

  static func compare(
    name: String, _ net: Network, method: TrainConfig.Method, threads: Int,
    temporal: TrainConfig.Temporal
  ) {
    var grads: [TrainConfig.Memory: [Tensor?]] = [:]
    var rates: [TrainConfig.Memory: [Double]] = [:]
    let feedback = Trainer.feedbackMatrix(classes: 4, maxFeatures: net.feedbackWidths.max()!, seed: 1)
    for memory in TrainConfig.Memory.allCases {
      let engine = NetworkEngine(network: net, steps: 3, threads: threads)
      engine.memory = memory
      engine.load(data, samples: Array(0..<6)[...])
      let rate = engine.forward(net, training: true)
      rates[memory] = engine.spikeRates
      let (_, e) = LossFunction.evaluate(.mse, rate: rate, labels: (0..<6).map { data.label($0) })
      grads[memory] = engine.backward(
        net, outputError: e, method: method, feedback: feedback, temporal: temporal)
      if memory == .lean {
        // What lean keeps after the step: no block's full-size tensors.
        #expect(engine.convBlocks.allSatisfy { $0.h.count == 0 && $0.z.count == 0 }, "\(name)")
      }
    }
    #expect(rates[.lean] == rates[.fast] && rates[.fast]!.contains { $0 > 0 }, "\(name)")
    let (lean, fast) = (grads[.lean]!, grads[.fast]!)
    #expect(lean.count == fast.count)
    for (k, (a, b)) in zip(lean, fast).enumerated() {
      #expect(a?.scalars == b?.scalars, "\(name) \(method) parameter \(k)")
    }
    // The convolutions' gradients are not all zero (the comparison means something).
    #expect(fast[0]!.scalars.contains { $0 != 0 }, "\(name) \(method)")
  }

  @Test func leanTrainingEqualsFast() throws {
    func train(_ memory: TrainConfig.Memory) throws -> TrainingResult {
      var config = TrainConfig(
        method: .bp, epochs: 2, batchSize: 4, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2))
      config.memory = memory
      return try Trainer(model: ModelConfig(arch: .convnet, channels: 8), train: config)
        .train(on: Self.data, test: Self.data)
    }
    let (fast, lean) = (try train(.fast), try train(.lean))
    #expect(lean.model == fast.model)
    #expect(lean.epochs.map(\.testAccuracy) == fast.epochs.map(\.testAccuracy))
    #expect(lean.epochs.map(\.trainLoss) == fast.epochs.map(\.trainLoss))
  }
}
