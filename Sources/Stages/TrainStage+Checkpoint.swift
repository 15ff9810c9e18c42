import Events
import Foundation
import Pipeline
import SNN

/// `sdfa validate SPEC --checkpoint FILE`: a checkpoint evaluated as the spec's model on the
/// test frames, exactly as the train stage evaluates after each epoch (its batch size, loss and
/// threads), so that a checkpoint the stage wrote reproduces its final test accuracy.
extension TrainStage: CheckpointEvaluating {
  func evaluateCheckpoint(_ file: URL, params: SpecValue, inputs: [String: URL], threads: Int) throws -> CheckpointEvaluation {
    guard let bin = inputs["bin"] else { throw StageFailure("the train node has no 'bin' input") }
    let frames = try FramesContainer(contentsOf: bin.appendingPathComponent("frames.sdff"))
    let test = try TrainingSplits(frames, params: params).test
    guard test.sampleCount > 0 else { throw StageFailure("the frames have no test samples to evaluate on") }
    let model = Self.modelConfig(params)
    let config = Self.trainConfig(params, threads: threads)
    guard model.arch == .mlp || frames.inputShape.count == 3 else {
      throw StageFailure("model.arch \(model.arch.rawValue) needs [C, H, W] frames; these are shaped \(frames.inputShape)")
    }
    let expected = Network(config: model, inputShape: test.inputShape, classes: test.classCount, seed: 0)
    let checkpoint = try CheckpointFile(contentsOf: file, arch: model.arch)
    if let trained = checkpoint.neuron, trained != model.neuron {
      let fix = [
        trained.kind != model.neuron.kind ? "model.neuron.type=\(trained.kind.rawValue)" : nil,
        trained.tau != model.neuron.tau ? "model.neuron.tau=\(trained.tau)" : nil,
        trained.vThreshold != model.neuron.vThreshold ? "model.neuron.v_threshold=\(trained.vThreshold)" : nil,
        trained.alpha != model.neuron.alpha ? "model.neuron.alpha=\(trained.alpha)" : nil,
        trained.detachReset != model.neuron.detachReset ? "model.neuron.detach_reset=\(trained.detachReset)" : nil,
      ].compactMap { $0.map { "--set \($0)" } }
      throw StageFailure("\(file.lastPathComponent) was trained with another neuron (\(Self.describe(trained))) than the spec's model has (\(Self.describe(model.neuron)))\n  fix: validate with \(fix.joined(separator: " ")), or the spec it was trained with")
    }
    let network: Network
    do { network = try expected.loadingWeights(checkpoint.tensors) } catch {
      throw StageFailure("\(file.lastPathComponent) does not fit the spec's model (\(expected.summary)):\n"
                         + error.problems.map { "  " + $0 }.joined(separator: "\n"))
    }
    let result = Evaluator.evaluate(network, on: test, batchSize: config.batchSize, loss: config.loss, threads: threads)
    return CheckpointEvaluation(
      format: checkpoint.format, model: expected.summary, samples: test.sampleCount, accuracy: result.accuracy,
      loss: result.loss, spikeRates: Array(zip(network.layerNames, result.spikeRates)), details: checkpoint.details)
  }
}

extension TrainStage {
  /// A neuron in the spec's words: `lif tau 2.0, v_threshold 1.0, alpha 2.0`.
  static func describe(_ n: NeuronConfig) -> String {
    "\(n.kind.rawValue) tau \(n.tau), v_threshold \(n.vThreshold), alpha \(n.alpha)"
  }
}
