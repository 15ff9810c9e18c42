import Dispatch

/// Step-level training of a ``SpikingConvNet`` (the counterpart of ``TrainingSession``).
///
/// Batch norm trains on batch statistics (over `T · B` images) and keeps PyTorch's running
/// statistics (momentum 0.1) for evaluation.
public final class ConvTrainingSession {
  /// The network as trained so far.
  public private(set) var model: SpikingConvNet
  public let config: TrainConfig
  /// Called after every optimizer step with every layer's weights (convs, then Linears) before
  /// and after it.
  public var weightObserver: ((_ old: [Tensor], _ new: [Tensor]) -> Void)?
  let engine: ConvEngine
  private var optimizer: any Optimizer
  /// SDFA's `B`, `[classes, F_max]` over the block outputs and hidden Linear layers.
  public let feedback: Tensor?

  /// The optimizer's state over ``SpikingConvNet/parameters`` (see ``Optimizer/state``).
  public var optimizerState: [String: Tensor] { optimizer.state }

  /// Restores an optimizer state saved after the same model's steps.
  public func restoreOptimizer(_ state: [String: Tensor]) throws(TrainingError) {
    try optimizer.restore(state, weights: model.parameters)
  }

  public init(model: SpikingConvNet, config: TrainConfig, timeSteps: Int) {
    self.model = model
    self.config = config
    engine = ConvEngine(network: model, steps: timeSteps, threads: config.threads)
    engine.memory = config.memory
    optimizer = config.optimizer.makeOptimizer(threads: config.threads)
    feedback = SDFAFeedback.matrix(
      method: config.method, classes: model.classCount, widths: model.feedbackWidths,
      seed: config.seed)
  }

  /// Evaluates the network as trained so far on `data` in batches of the training batch size,
  /// reusing this session's buffers (batch norm from running statistics).
  public func evaluate(on data: some SpikeFrameSource, loss: TrainConfig.Loss) -> Evaluator.Result {
    precondition(data.timeSteps == engine.steps, "\(data.timeSteps) time steps for an engine of \(engine.steps)")
    return Evaluator.evaluate(model, on: data, batchSize: config.batchSize, loss: loss, engine: engine)
  }

  /// Data-parallel training: the group whose ranks' gradients are summed before every
  /// optimizer step, and whose batch norm is synchronised (nil: this process trains alone).
  public var group: (any DataParallelGroup)? {
    didSet {
      engine.channelSums = group.map { group in { (sums: inout [Double]) in group.sum(&sums) } }
    }
  }

  /// Trains on `samples` of `data` at learning rate `lr`; `batchSize` is the whole batch's
  /// size when `samples` is this rank's share of it (see ``DataParallelGroup``).
  public func step(_ data: some SpikeFrameSource, samples: ArraySlice<Int>, lr: Float, batchSize: Int? = nil)
    -> TrainingSession.StepResult
  {
    let t0 = DispatchTime.now().uptimeNanoseconds
    engine.load(data, samples: samples)
    let labels = samples.map { data.label($0) }
    let rate = engine.forward(model, training: true)
    for (i, stats) in engine.batchStatistics.enumerated() {
      guard let (mean, variance) = stats else { continue }
      model.runningMean[i] = Tensor(
        shape: [mean.count],
        scalars: zip(model.runningMean[i].scalars, mean).map { 0.9 * $0 + 0.1 * $1 })
      model.runningVariance[i] = Tensor(
        shape: [variance.count],
        scalars: zip(model.runningVariance[i].scalars, variance).map { 0.9 * $0 + 0.1 * $1 })
    }
    let (loss, e) = LossFunction.evaluate(config.loss, rate: rate, labels: labels, batchSize: batchSize)
    let t1 = DispatchTime.now().uptimeNanoseconds
    var result = TrainingSession.StepResult(
      loss: loss, correct: LossFunction.correctCount(rate: rate, labels: labels),
      spikeRates: engine.spikeRates, nonFinite: nil, forwardSeconds: Double(t1 - t0) / 1e9,
      backwardSeconds: 0, optimizerSeconds: 0)
    guard loss.isFinite else {
      result.nonFinite = "the loss"
      return result
    }
    var grads = engine.backward(
      model, outputError: e, method: config.method, feedback: feedback,
      temporal: config.temporal)
    if config.method == .shallow {
      let last = grads.count
      let nb = model.blocks.count, nl = model.linearWeights.count
      for k in 0..<last where k != 3 * nb + nl - 1 && k != 3 * nb + 2 * nl - 1 { grads[k] = nil }
    }
    group?.sumGradients(&grads)
    for (k, g) in grads.enumerated() where g != nil && !g!.isFinite {
      result.nonFinite = "the gradient of parameter \(k)"
      return result
    }
    let t2 = DispatchTime.now().uptimeNanoseconds
    let old = weightObserver == nil ? [] : model.layerWeights.map { $0.copied() }
    var params = model.parameters
    optimizer.step(weights: &params, gradients: grads, lr: lr)
    model.parameters = params
    weightObserver?(old, model.layerWeights)
    let t3 = DispatchTime.now().uptimeNanoseconds
    result.backwardSeconds = Double(t2 - t1) / 1e9
    result.optimizerSeconds = Double(t3 - t2) / 1e9
    return result
  }
}

extension Evaluator {
  /// Evaluates a ``SpikingConvNet`` (batch norm from running statistics); `transform(layer,
  /// weights)` maps each layer's weights first (convs, then Linears, as ``SpikingConvNet/layerWeights``).
  public static func evaluate(
    _ model: SpikingConvNet, on data: some SpikeFrameSource, batchSize: Int = 16,
    loss: TrainConfig.Loss = .mse, threads: Int = 1, transform: ((Int, Tensor) -> Tensor)? = nil
  ) -> Result {
    var net = model
    if let transform {
      let nb = net.blocks.count
      net.convWeights = net.convWeights.enumerated().map { transform($0, $1) }
      net.linearWeights = net.linearWeights.enumerated().map { transform(nb + $0, $1) }
    }
    return evaluate(
      net, on: data, batchSize: batchSize, loss: loss,
      engine: ConvEngine(network: net, steps: data.timeSteps, threads: threads))
  }

  /// Evaluates `net` with `engine`'s buffers (a training session's, so that evaluating between
  /// epochs needs no second set).
  static func evaluate(
    _ net: SpikingConvNet, on data: some SpikeFrameSource, batchSize: Int, loss: TrainConfig.Loss,
    engine: ConvEngine
  ) -> Result {
    let n = data.sampleCount
    var lossSum = 0.0, correct = 0
    var rates = [Double](repeating: 0, count: net.blocks.count + net.linearWeights.count)
    var start = 0
    while start < n {
      let samples = Array(start..<min(n, start + batchSize))[...]
      let labels = samples.map { data.label($0) }
      engine.load(data, samples: samples)
      let rate = engine.forward(net, training: false)
      lossSum += LossFunction.evaluate(loss, rate: rate, labels: labels).loss * Double(samples.count)
      correct += LossFunction.correctCount(rate: rate, labels: labels)
      for (l, r) in engine.spikeRates.enumerated() { rates[l] += r * Double(samples.count) }
      start += batchSize
    }
    let d = Double(max(n, 1))
    return Result(loss: lossSum / d, accuracy: Double(correct) / d, spikeRates: rates.map { $0 / d })
  }
}
