import Dispatch
import Foundation
import Testing
import TestSupport

@testable import SNN

/// The data-parallel hooks (``BatchReducer``): a one-process reducer changes nothing, bit for
/// bit (the split batch-norm kernels equal the whole ones); two simulated processes, each on
/// half the batch and summing through the hooks in rank order, take the step that one process
/// takes on the whole batch (synchronised batch norm included). With equal halves each
/// process's mean-loss gradients (batch norm's sums of dL/dy included) are one uniform multiple
/// of its part of the whole batch's, so weighting the gradients by the share is exact; unequal
/// shares need the loss normalised by the whole batch (the data-parallel trainer's job).
@Suite struct BatchReducerTests {
  static let data = syntheticFrames(
    samples: 8, classes: 4, shape: [2, 16, 16], steps: 3, seed: 9, purpose: "reducer")

  /// Batch norm in both forms: an unpooled block (normalised, then the neuron) and a pooled
  /// one (normalisation fused into the neuron).
  static let net = Network(
    inputShape: [2, 16, 16],
    convs: [
      .init(inChannels: 2, outChannels: 4, batchNorm: true, pool: false),
      .init(inChannels: 4, outChannels: 8, batchNorm: true, pool: true),
    ],
    hidden: [16], classes: 4, voting: 10, linearBias: true,
    neuron: NeuronConfig(kind: .if, vThreshold: 0.3), seed: 2)

  /// Processes simulated by threads: every all-reduce waits for all of them and sums in rank
  /// order.
  final class SimulatedRanks: @unchecked Sendable {
    let count: Int
    private let lock = NSCondition()
    private var deposits: [[Double]?]
    private var arrived = 0, generation = 0
    private var result: [Double] = []

    init(count: Int) {
      self.count = count
      deposits = Array(repeating: nil, count: count)
    }

    func allReduce(_ values: [Double], rank: Int) -> [Double] {
      lock.lock()
      defer { lock.unlock() }
      let round = generation
      deposits[rank] = values
      arrived += 1
      if arrived == count {
        var sum = deposits[0]!
        for r in 1..<count { for i in sum.indices { sum[i] += deposits[r]![i] } }
        (result, arrived, generation) = (sum, 0, generation + 1)
        deposits = Array(repeating: nil, count: count)
        lock.broadcast()
      } else {
        while generation == round { lock.wait() }
      }
      return result
    }
  }

  /// A reducer over simulated ranks: weights gradients and statistics by samples.
  final class RankReducer: BatchReducer {
    let ranks: SimulatedRanks?
    let rank: Int
    private(set) var calls = 0
    init(_ ranks: SimulatedRanks?, rank: Int) { (self.ranks, self.rank) = (ranks, rank) }

    private func allReduce(_ v: [Double]) -> [Double] {
      calls += 1
      return ranks?.allReduce(v, rank: rank) ?? v
    }

    func sum(_ values: inout [Double]) { values = allReduce(values) }

    func reduce(_ step: inout StepReduction) {
      let n = Double(step.samples)
      var flat = [n, step.loss * n, Double(step.correct)] + step.spikeRates.map { $0 * n }
      for g in step.gradients { if let g { flat += g.scalars.map { Double($0) * n } } }
      let sum = allReduce(flat)
      let total = sum[0]
      step.loss = sum[1] / total
      step.correct = Int(sum[2])
      let rates = step.spikeRates.count
      step.spikeRates = (0..<rates).map { sum[3 + $0] / total }
      var offset = 3 + rates
      step.gradients = step.gradients.map { g in
        guard let g else { return nil }
        defer { offset += g.count }
        return Tensor(shape: g.shape, scalars: sum[offset..<(offset + g.count)].map { Float($0 / total) })
      }
    }
  }

  static func config(_ method: TrainConfig.Method) -> TrainConfig {
    TrainConfig(
      method: method, batchSize: 8, optimizer: OptimizerConfig(kind: .sgd, lr: 0.5, momentum: 0))
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func oneProcessReducerChangesNothing(method: TrainConfig.Method) {
    let plain = TrainingSession(model: Self.net, config: Self.config(method), timeSteps: 3)
    let reduced = TrainingSession(model: Self.net, config: Self.config(method), timeSteps: 3)
    let reducer = RankReducer(nil, rank: 0)
    reduced.reducer = reducer
    for step in 0..<3 {
      let samples = Array((step % 2 * 4)..<(step % 2 * 4 + 4))[...]
      let a = plain.step(Self.data, samples: samples, lr: 0.5)
      let b = reduced.step(Self.data, samples: samples, lr: 0.5)
      #expect(a.loss == b.loss && a.correct == b.correct && a.spikeRates == b.spikeRates)
    }
    #expect(plain.model == reduced.model)
    // Per step: two blocks' forward and backward sums, the step's reduction.
    #expect(reducer.calls == 3 * 5)
  }

  @Test(arguments: [TrainConfig.Method.bp, .sdfa])
  func twoProcessesTakeTheWholeBatchStep(method: TrainConfig.Method) {
    let whole = TrainingSession(model: Self.net, config: Self.config(method), timeSteps: 3)
    let expected = whole.step(Self.data, samples: Array(0..<8)[...], lr: 0.5)
    let ranks = SimulatedRanks(count: 2)
    let lock = NSLock()
    nonisolated(unsafe) var models: [Network?] = [nil, nil]
    nonisolated(unsafe) var results: [TrainingSession.StepResult?] = [nil, nil]
    DispatchQueue.concurrentPerform(iterations: 2) { rank in
      let session = TrainingSession(model: Self.net, config: Self.config(method), timeSteps: 3)
      session.reducer = RankReducer(ranks, rank: rank)
      let r = session.step(Self.data, samples: Array((4 * rank)..<(4 * rank + 4))[...], lr: 0.5)
      lock.lock()
      (models[rank], results[rank]) = (session.model, r)
      lock.unlock()
    }
    // Every process holds the same network after the step.
    #expect(models[0]! == models[1]!)
    #expect(results[0]!.loss == results[1]!.loss && results[0]!.correct == expected.correct)
    #expect(abs(results[0]!.loss - expected.loss) <= 1e-6 * abs(expected.loss))
    // ... the one the whole batch gives, up to the order of float sums.
    let (split, one, start) = (models[0]!.parameters, whole.model.parameters, Self.net.parameters)
    for k in one.indices {
      let step = zip(one[k].scalars, start[k].scalars).map { abs($0 - $1) }.max()!
      let error = zip(split[k].scalars, one[k].scalars).map { abs($0 - $1) }.max()!
      #expect(error <= 1e-4 * step + 1e-7, "\(method) parameter \(k): \(error) against a step of \(step)")
    }
    #expect(one[0] != start[0], "the convolution trained")
    for (a, b) in zip(models[0]!.runningMean + models[0]!.runningVariance, whole.model.runningMean + whole.model.runningVariance) {
      #expect(firstMismatch(a.scalars, b.scalars, rtol: 1e-5, atol: 1e-6) == nil)
    }
  }
}
