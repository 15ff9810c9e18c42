import Dispatch

/// Step-level training of a ``SpikingMLP``: one batch per ``step(_:samples:lr:)``.
///
/// ``Trainer`` drives a session over epochs; benchmarks and resumable stages can drive one
/// directly. The session owns the forward/backward buffers, the optimizer state and SDFA's
/// feedback matrix, so steps allocate almost nothing.
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
    /// Spike rate per layer in this batch.
    public var spikeRates: [Double]
    /// What became NaN or infinite (the weights were then left unchanged), or nil.
    public var nonFinite: String?
    /// Seconds spent in the forward pass, the backward pass and the optimizer.
    public var forwardSeconds: Double
    public var backwardSeconds: Double
    public var optimizerSeconds: Double
  }

  /// The network as trained so far.
  public private(set) var model: SpikingMLP
  public let config: TrainConfig
  /// Called after every optimizer step with the weights before and after it.
  public var weightObserver: ((_ old: [Tensor], _ new: [Tensor]) -> Void)?
  let engine: MLPEngine
  private var optimizer: any Optimizer
  /// SDFA's `B`, `[classes, F_max]`; nil for other methods or networks without hidden layers.
  public let feedback: Tensor?

  public init(model: SpikingMLP, config: TrainConfig, timeSteps: Int, kernels: ProductKernels = .measured)
  {
    self.model = model
    self.config = config
    engine = MLPEngine(
      sizes: model.sizes, steps: timeSteps, neuron: model.neuron.parameters,
      threads: config.threads)
    engine.kernels = kernels
    optimizer = config.optimizer.makeOptimizer(threads: config.threads)
    feedback = SDFAFeedback.matrix(
      method: config.method, classes: model.classCount, widths: model.feedbackWidths,
      seed: config.seed)
  }

  /// The optimizer's state (see ``Optimizer/state``).
  public var optimizerState: [String: Tensor] { optimizer.state }

  /// Restores an optimizer state saved after the same model's steps.
  public func restoreOptimizer(_ state: [String: Tensor]) throws(TrainingError) {
    try optimizer.restore(state, weights: model.weights)
  }

  /// Data-parallel training: the group whose ranks' gradients are summed before every
  /// optimizer step (nil: this process trains alone).
  public var group: (any DataParallelGroup)?

  /// Trains on `samples` of `data` at learning rate `lr`; `batchSize` is the whole batch's
  /// size when `samples` is this rank's share of it (see ``DataParallelGroup``).
  public func step(_ data: some SpikeFrameSource, samples: ArraySlice<Int>, lr: Float, batchSize: Int? = nil)
    -> StepResult
  {
    engine.load(data, samples: samples)
    return run(labels: samples.map { data.label($0) }, lr: lr, batchSize: batchSize)
  }

  /// Trains on input rows given directly: `T · B` rows, row `t · B + b`.
  public func step(input: SparseRows, labels: [Int], lr: Float) -> StepResult {
    engine.load(input)
    return run(labels: labels, lr: lr, batchSize: nil)
  }

  private func run(labels: [Int], lr: Float, batchSize: Int?) -> StepResult {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let rate = engine.forward(model.weights)
    let (loss, e) = LossFunction.evaluate(config.loss, rate: rate, labels: labels, batchSize: batchSize)
    let t1 = DispatchTime.now().uptimeNanoseconds
    var result = StepResult(
      loss: loss, correct: LossFunction.correctCount(rate: rate, labels: labels),
      spikeRates: engine.spikeRates, nonFinite: nil, forwardSeconds: Double(t1 - t0) / 1e9,
      backwardSeconds: 0, optimizerSeconds: 0)
    guard loss.isFinite else {
      result.nonFinite = "the loss"
      return result
    }
    engine.backward(
      model.weights, outputError: e, method: config.method, feedback: feedback,
      temporal: config.temporal)
    var grads = engine.gradients(method: config.method)
    group?.sumGradients(&grads)
    for (l, g) in grads.enumerated() where g != nil && !g!.isFinite {
      result.nonFinite = "the gradient of layer \(l)"
      return result
    }
    let t2 = DispatchTime.now().uptimeNanoseconds
    let old = weightObserver == nil ? [] : model.weights.enumerated().map { l, w in
      grads[l] == nil ? w : w.copied()
    }
    optimizer.step(weights: &model.weights, gradients: grads, lr: lr)
    weightObserver?(old, model.weights)
    let t3 = DispatchTime.now().uptimeNanoseconds
    result.backwardSeconds = Double(t2 - t1) / 1e9
    result.optimizerSeconds = Double(t3 - t2) / 1e9
    return result
  }
}

extension Tensor {
  /// A copy with its own storage (so that later in-place updates of `self` leave it intact).
  func copied() -> Tensor {
    var t = self
    t.withUnsafeMutableBufferPointer { _ in }
    return t
  }
}
