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
    let expected: TrainedNetwork
    if model.arch == .mlp {
      expected = .mlp(SpikingMLP(config: model, inputFeatures: test.featureCount, classes: test.classCount, seed: 0))
    } else {
      guard frames.inputShape.count == 3 else {
        throw StageFailure("model.arch \(model.arch.rawValue) needs [C, H, W] frames; these are shaped \(frames.inputShape)")
      }
      expected = .conv(SpikingConvNet(config: model, inputShape: frames.inputShape, classes: test.classCount, seed: 0))
    }
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
    let network: TrainedNetwork
    do { network = try expected.loadingWeights(checkpoint.tensors) } catch {
      throw StageFailure("\(file.lastPathComponent) does not fit the spec's model (\(expected.summary)):\n"
                         + error.problems.map { "  " + $0 }.joined(separator: "\n"))
    }
    let result = network.evaluate(on: test, batchSize: config.batchSize, loss: config.loss, threads: threads)
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

extension TrainedNetwork {
  /// This network's family and sizes with the weights of `tensors`, checked tensor by tensor.
  func loadingWeights(_ tensors: CheckpointTensors) throws(CheckpointError) -> TrainedNetwork {
    switch self {
    case .mlp(let m): .mlp(try m.loadingWeights(tensors))
    case .conv(let c): .conv(try c.loadingWeights(tensors))
    }
  }

  /// The layers as the hardware model names them: `fc1…` for an MLP, `conv1…` then `fc1…`.
  var layerNames: [String] {
    switch self {
    case .mlp(let m): (1...m.layerCount).map { "fc\($0)" }
    case .conv(let c): (1...c.blocks.count).map { "conv\($0)" } + (1...c.linearWeights.count).map { "fc\($0)" }
    }
  }

  /// The family and widths in words: `mlp 32-20-10`, `conv [2, 32, 32]: channels 2-1-2-4-4-4, linear 4-8-30`.
  var summary: String {
    switch self {
    case .mlp(let m): "mlp " + m.sizes.map(String.init).joined(separator: "-")
    case .conv(let c):
      "conv \(c.inputShape): channels " + ([c.inputShape[0]] + c.blocks.map(\.outChannels)).map(String.init).joined(separator: "-")
        + ", linear " + c.linearSizes.map(String.init).joined(separator: "-")
    }
  }
}
