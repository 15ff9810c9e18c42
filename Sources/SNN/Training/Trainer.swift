import Dispatch

/// Trains a spiking network with BP, SDFA or the output layer alone.
///
/// ```swift
/// var trainer = Trainer(model: ModelConfig(hidden: [256]), train: TrainConfig(method: .sdfa))
/// trainer.progress = { print($0.epoch, $0.batch, $0.loss) }
/// let result = try trainer.train(on: trainData, test: testData)
/// ```
///
/// Deterministic: the same configs, data and seed give bit-identical metrics and weights (for a
/// given thread count).
public struct Trainer {
  public var model: ModelConfig
  public var train: TrainConfig
  /// Called after every batch.
  public var progress: ((TrainingProgress) -> Void)?
  /// Polled before every batch; returning true stops training with ``TrainingError/cancelled(epoch:batch:)``.
  public var shouldCancel: (() -> Bool)?
  /// Called after every optimizer step with the old and new weights.
  public var weightObserver: ((WeightStep) -> Void)?
  /// Which kernels the layers' products use (tests force one path).
  public var kernels = ProductKernels.measured
  /// The state an interrupted training reached (its last completed epoch): training continues
  /// from there instead of from the initial network, with the same results as if it had never
  /// stopped.
  public var resumeFrom: TrainingSnapshot?
  /// Called after every completed epoch with the state to resume from.
  public var epochFinished: ((TrainingSnapshot) -> Void)?

  public init(model: ModelConfig, train: TrainConfig) {
    self.model = model
    self.train = train
  }

  /// SDFA's fixed feedback matrix `B ~ N(0, 1)`, `[classes, F_max]`, for `seed`
  /// (``SDFAFeedback/matrix(classes:maxFeatures:seed:)``).
  public static func feedbackMatrix(classes: Int, maxFeatures: Int, seed: UInt64) -> Tensor {
    SDFAFeedback.matrix(classes: classes, maxFeatures: maxFeatures, seed: seed)
  }

  /// Trains a new network of ``model`` on `trainData` (`[C, H, W]` frames for `convnet` and
  /// `vgg11`), evaluating on `testData` after every epoch.
  public func train(on trainData: some SpikeFrameSource, test testData: some SpikeFrameSource)
    throws(TrainingError) -> TrainingResult
  {
    guard trainData.sampleCount > 0, train.batchSize > 0, train.epochs >= 0 else {
      throw .invalidSetup("empty training data or non-positive batch size")
    }
    guard trainData.inputShape == testData.inputShape,
      trainData.timeSteps == testData.timeSteps, trainData.classCount == testData.classCount
    else { throw .invalidSetup("train and test data differ in shape, steps or classes") }
    if model.arch != .mlp {
      guard trainData.inputShape.count == 3 else {
        throw .invalidSetup("architecture '\(model.arch.rawValue)' needs [C, H, W] frames; these are shaped \(trainData.inputShape)")
      }
    }
    let net = Network(
      config: model, inputShape: trainData.inputShape, classes: trainData.classCount, seed: train.seed)
    guard let last = net.spatialSizes.last, last.allSatisfy({ $0 >= 1 }) else {
      let pools = net.convs.filter(\.pool).count
      throw .invalidSetup(
        "frames of \(trainData.inputShape[1])×\(trainData.inputShape[2]) are too small for \(model.arch.rawValue)'s \(pools) 2×2 poolings: it needs at least \(1 << pools)×\(1 << pools)")
    }
    return try train(net, on: trainData, test: testData)
  }

  /// Continues training `initial` (e.g. read from a checkpoint).
  public func train(
    _ initial: Network, on trainData: some SpikeFrameSource, test testData: some SpikeFrameSource
  ) throws(TrainingError) -> TrainingResult {
    // The engine parallelises products itself; BLAS threads would busy-wait against it.
    Kernels.setBLASThreads(1)
    let start = try resumed(initial)
    let session = TrainingSession(
      model: start, config: train, timeSteps: trainData.timeSteps, kernels: kernels)
    if let resumeFrom { try session.restoreOptimizer(resumeFrom.optimizer) }
    let metrics = try runEpochs(
      layers: initial.layerWeights.count, trainData: trainData,
      step: { session.step(trainData, samples: $0, lr: $1) },
      setObserver: { session.weightObserver = $0 },
      snapshot: { (session.model.checkpoint(), session.optimizerState) },
      evaluate: { session.evaluate(on: testData, loss: train.loss) })
    return TrainingResult(model: session.model, epochs: metrics)
  }

  /// The network to start from: ``resumeFrom``'s, or `initial`.
  private func resumed(_ initial: Network) throws(TrainingError) -> Network {
    guard let resumeFrom else { return initial }
    do { return try Network(checkpoint: resumeFrom.model) } catch {
      throw .invalidSetup("the network to resume from cannot be read: \(error)")
    }
  }

  /// The epoch loop shared by every model: seeded shuffling, schedule, progress, cancellation,
  /// divergence, observer, metrics and snapshots. Every epoch's randomness is keyed by its
  /// number, so a resumed training draws what the uninterrupted one would have.
  private func runEpochs(
    layers: Int, trainData: some SpikeFrameSource,
    step: (ArraySlice<Int>, Float) -> TrainingSession.StepResult,
    setObserver: (((_ old: [Tensor], _ new: [Tensor]) -> Void)?) -> Void,
    snapshot: () -> (model: [UInt8], optimizer: [String: Tensor]),
    evaluate: () -> Evaluator.Result
  ) throws(TrainingError) -> [EpochMetrics] {
    let shuffle = RandomStream(seed: train.seed, purpose: "train.shuffle")
    // With drop_last the samples of the last partial batch sit out the epoch (reshuffled each
    // epoch, so each sits out only now and then); metrics average over the samples trained.
    let batches = train.batchesPerEpoch(samples: trainData.sampleCount)
    let n = min(trainData.sampleCount, batches * train.batchSize)
    var metrics = resumeFrom?.metrics ?? []
    guard metrics.count <= train.epochs else {
      throw .invalidSetup("the state to resume from has \(metrics.count) epochs, more than the \(train.epochs) to train")
    }

    for epoch in metrics.count..<train.epochs {
      let start = DispatchTime.now().uptimeNanoseconds
      let lr = train.learningRate(epoch: epoch)
      var order = shuffle.substream("epoch\(epoch)")
      let perm = order.permutation(trainData.sampleCount)
      var lossSum = 0.0, correct = 0
      var rates = [Double](repeating: 0, count: layers)
      var batch = 0
      if let observer = weightObserver {
        setObserver { old, new in
          observer(WeightStep(epoch: epoch, batch: batch, old: old, new: new))
        }
      }
      for b in 0..<batches {
        batch = b
        if shouldCancel?() == true { throw .cancelled(epoch: epoch, batch: b) }
        let idx = perm[(b * train.batchSize)..<min(n, (b + 1) * train.batchSize)]
        let r = step(idx, lr)
        if let what = r.nonFinite { throw .diverged(epoch: epoch, batch: b, what: what) }
        lossSum += r.loss * Double(idx.count)
        correct += r.correct
        for (l, rate) in r.spikeRates.enumerated() { rates[l] += rate * Double(idx.count) }
        progress?(
          TrainingProgress(epoch: epoch, epochs: train.epochs, batch: b, batches: batches, loss: r.loss))
      }
      let eval = evaluate()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      metrics.append(
        EpochMetrics(
          epoch: epoch, learningRate: lr, trainLoss: lossSum / Double(n),
          trainAccuracy: Double(correct) / Double(n), testLoss: eval.loss,
          testAccuracy: eval.accuracy, trainSpikeRates: rates.map { $0 / Double(n) },
          testSpikeRates: eval.spikeRates, wallSeconds: seconds))
      if let epochFinished {
        let state = snapshot()
        epochFinished(TrainingSnapshot(metrics: metrics, model: state.model, optimizer: state.optimizer))
      }
    }
    return metrics
  }
}
