import Dispatch

/// Step-level training of a ``Network``: one batch per ``step(_:samples:lr:)``.
///
/// ``Trainer`` drives a session over epochs; benchmarks and resumable stages can drive one
/// directly. The session owns the engine's buffers, the optimizer state and SDFA's feedback
/// matrix, so steps allocate almost nothing. Batch norm trains on batch statistics (over
/// `T · B` images) and keeps PyTorch's running statistics (momentum 0.1) for evaluation.
///
/// ```swift
/// let session = TrainingSession(model: net, config: cfg, timeSteps: 10)
/// let r = session.step(data, samples: batchIndices[...], lr: 1e-3)
/// ```
public final class TrainingSession {
  /// Outcome of one step.
  public struct StepResult: Sendable {
    /// Mean loss over the batch.
    public var loss: Double
    /// Samples whose prediction equals the label.
    public var correct: Int
    /// Spike rate per layer (conv blocks, then Linears) in this batch.
    public var spikeRates: [Double]
    /// What became NaN or infinite (the weights were then left unchanged), or nil.
    public var nonFinite: String?
    /// Seconds spent in the forward pass, the backward pass and the optimizer.
    public var forwardSeconds: Double
    public var backwardSeconds: Double
    public var optimizerSeconds: Double
  }

  /// The network as trained so far.
  public private(set) var model: Network
  public let config: TrainConfig
  /// Called after every optimizer step with every layer's weights (convs, then Linears) before
  /// and after it; a layer the method does not train is passed without a copy.
  public var weightObserver: ((_ old: [Tensor], _ new: [Tensor]) -> Void)?
  /// Combines each step over the processes of a data-parallel training (gradients and
  /// statistics after the backward pass; batch norm's sums); nil: this process alone.
  public var reducer: (any BatchReducer)? {
    didSet { engine.batchNormReducer = reducer }
  }
  let engine: NetworkEngine
  private var optimizer: any Optimizer
  /// SDFA's `B`, `[classes, F_max]`; nil for other methods or networks without hidden layers.
  public let feedback: Tensor?

  public init(model: Network, config: TrainConfig, timeSteps: Int, kernels: ProductKernels = .measured) {
    self.model = model
    self.config = config
    engine = NetworkEngine(network: model, steps: timeSteps, threads: config.threads, kernels: kernels)
    engine.memory = config.memory
    optimizer = config.optimizer.makeOptimizer(threads: config.threads)
    feedback = SDFAFeedback.matrix(
      method: config.method, classes: model.classCount, widths: model.feedbackWidths,
      seed: config.seed)
  }

  /// The optimizer's state over ``Network/parameters`` (see ``Optimizer/state``).
  public var optimizerState: [String: Tensor] { optimizer.state }

  /// Restores an optimizer state saved after the same model's steps.
  public func restoreOptimizer(_ state: [String: Tensor]) throws(TrainingError) {
    try optimizer.restore(state, weights: model.parameters)
  }

  /// Evaluates the network as trained so far on `data` in batches of the training batch size,
  /// reusing this session's buffers (batch norm from running statistics).
  public func evaluate(on data: some SpikeFrameSource, loss: TrainConfig.Loss) -> Evaluator.Result {
    precondition(data.timeSteps == engine.steps, "\(data.timeSteps) time steps for an engine of \(engine.steps)")
    return Evaluator.evaluate(model, on: data, batchSize: config.batchSize, loss: loss, engine: engine)
  }

  /// Trains on `samples` of `data` at learning rate `lr`.
  public func step(_ data: some SpikeFrameSource, samples: ArraySlice<Int>, lr: Float) -> StepResult {
    engine.load(data, samples: samples)
    return run(labels: samples.map { data.label($0) }, lr: lr)
  }

  /// Trains on input rows given directly: `T · B` rows, row `t · B + b`.
  public func step(input: SparseRows, labels: [Int], lr: Float) -> StepResult {
    engine.load(input)
    return run(labels: labels, lr: lr)
  }

  private func run(labels: [Int], lr: Float) -> StepResult {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let rate = engine.forward(model, training: true)
    updateRunningStatistics()
    let (loss, e) = LossFunction.evaluate(config.loss, rate: rate, labels: labels)
    let t1 = DispatchTime.now().uptimeNanoseconds
    var result = StepResult(
      loss: loss, correct: LossFunction.correctCount(rate: rate, labels: labels),
      spikeRates: engine.spikeRates, nonFinite: nil, forwardSeconds: Double(t1 - t0) / 1e9,
      backwardSeconds: 0, optimizerSeconds: 0)
    guard loss.isFinite else {
      result.nonFinite = "the loss"
      return result
    }
    var grads = engine.backward(
      model, outputError: e, method: config.method, feedback: feedback, temporal: config.temporal)
    if let reducer {
      // Data parallelism: every process continues with the whole batch's gradients and results.
      var step = StepReduction(
        gradients: grads, samples: labels.count, loss: result.loss, correct: result.correct,
        spikeRates: result.spikeRates)
      reducer.reduce(&step)
      (grads, result.loss, result.correct, result.spikeRates) = (step.gradients, step.loss, step.correct, step.spikeRates)
    }
    for (k, g) in grads.enumerated() where g != nil && !g!.isFinite {
      result.nonFinite = "the gradient of \(model.parameterName(k))"
      return result
    }
    let t2 = DispatchTime.now().uptimeNanoseconds
    let old = weightObserver == nil ? [] : zip(model.layerWeights, model.layerParameterIndices).map { w, k in
      grads[k] == nil ? w : w.copied()
    }
    // The parameters leave the model for the update: held twice, every tensor the optimizer
    // writes would first be copied (copy on write), 0.4 GB per step for the N-Caltech VGG11.
    var params = model.parameters
    model.parameters = params.map { _ in .zeros([0]) }
    optimizer.step(weights: &params, gradients: grads, lr: lr)
    model.parameters = params
    weightObserver?(old, model.layerWeights)
    let t3 = DispatchTime.now().uptimeNanoseconds
    result.backwardSeconds = Double(t2 - t1) / 1e9
    result.optimizerSeconds = Double(t3 - t2) / 1e9
    return result
  }

  /// Batch norm's running statistics after a training forward pass: `0.9 · old + 0.1 · batch`.
  private func updateRunningStatistics() {
    for (i, stats) in engine.batchStatistics.enumerated() {
      guard let (mean, variance) = stats else { continue }
      model.runningMean[i] = Tensor(
        shape: [mean.count],
        scalars: zip(model.runningMean[i].scalars, mean).map { 0.9 * $0 + 0.1 * $1 })
      model.runningVariance[i] = Tensor(
        shape: [variance.count],
        scalars: zip(model.runningVariance[i].scalars, variance).map { 0.9 * $0 + 0.1 * $1 })
    }
  }
}

extension Network {
  /// Where each layer's weight sits in ``parameters`` (convs, then Linears).
  var layerParameterIndices: [Int] {
    let o = parameterOffsets
    return convs.indices.map { o.conv + $0 } + linearWeights.indices.map { o.linear + $0 }
  }

  /// Parameter `k` of ``parameters`` in words, for messages: `layer 2` for an MLP's weights
  /// (as earlier versions said), else `parameter k`.
  func parameterName(_ k: Int) -> String { isPerceptron ? "layer \(k)" : "parameter \(k)" }
}

extension Tensor {
  /// A copy with its own storage (so that later in-place updates of `self` leave it intact).
  func copied() -> Tensor {
    var t = self
    t.withUnsafeMutableBufferPointer { _ in }
    return t
  }
}
