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
  /// Density below which layers use the sparse kernels (tests force either path).
  public var sparseCrossover: Double = 0.15

  public init(model: ModelConfig, train: TrainConfig) {
    self.model = model
    self.train = train
  }

  /// SDFA's fixed feedback matrix `B ~ N(0, 1)`, `[classes, F_max]`, for `seed`.
  public static func feedbackMatrix(classes: Int, maxFeatures: Int, seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "sdfa.feedback")
    var b = Tensor(shape: [classes, maxFeatures])
    b.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = rng.nextNormal() } }
    return b
  }

  /// Trains on `trainData`, evaluating on `testData` after every epoch.
  public func train(on trainData: some SpikeFrameSource, test testData: some SpikeFrameSource)
    throws(TrainingError) -> TrainingResult
  {
    guard model.arch == .mlp else {
      throw .invalidSetup("architecture '\(model.arch.rawValue)' is not implemented yet")
    }
    guard trainData.sampleCount > 0, train.batchSize > 0, train.epochs >= 0 else {
      throw .invalidSetup("empty training data or non-positive batch size")
    }
    guard trainData.featureCount == testData.featureCount,
      trainData.timeSteps == testData.timeSteps, trainData.classCount == testData.classCount
    else { throw .invalidSetup("train and test data differ in shape, steps or classes") }
    let net = SpikingMLP(
      config: model, inputFeatures: trainData.featureCount, classes: trainData.classCount,
      seed: train.seed)
    return try train(net, on: trainData, test: testData)
  }

  /// Continues training `initial` (e.g. read from a checkpoint).
  public func train(
    _ initial: SpikingMLP, on trainData: some SpikeFrameSource, test testData: some SpikeFrameSource
  ) throws(TrainingError) -> TrainingResult {
    Kernels.setBLASThreads(train.threads)
    var net = initial
    let engine = MLPEngine(
      sizes: net.sizes, steps: trainData.timeSteps, neuron: net.neuron.parameters,
      threads: train.threads)
    engine.sparseCrossover = sparseCrossover
    let hiddenSizes = net.sizes.dropFirst().dropLast()
    let feedback =
      train.method == .sdfa && !hiddenSizes.isEmpty
      ? Trainer.feedbackMatrix(
        classes: net.classCount, maxFeatures: hiddenSizes.max()!, seed: train.seed) : nil
    var optimizer = train.optimizer.makeOptimizer()
    let shuffle = RandomStream(seed: train.seed, purpose: "train.shuffle")
    let n = trainData.sampleCount
    let batches = (n + train.batchSize - 1) / train.batchSize
    var metrics: [EpochMetrics] = []

    for epoch in 0..<train.epochs {
      let start = DispatchTime.now().uptimeNanoseconds
      let lr = train.learningRate(epoch: epoch)
      var order = shuffle.substream("epoch\(epoch)")
      let perm = order.permutation(n)
      var lossSum = 0.0, correct = 0
      var rates = [Double](repeating: 0, count: net.layerCount)
      for b in 0..<batches {
        if shouldCancel?() == true { throw .cancelled(epoch: epoch, batch: b) }
        let idx = perm[(b * train.batchSize)..<min(n, (b + 1) * train.batchSize)]
        let labels = idx.map { trainData.label($0) }
        engine.load(trainData, samples: idx)
        let rate = engine.forward(net.weights)
        let (loss, e) = LossFunction.evaluate(train.loss, rate: rate, labels: labels)
        guard loss.isFinite else { throw .diverged(epoch: epoch, batch: b, what: "the loss") }
        engine.backward(net.weights, outputError: e, method: train.method, feedback: feedback)
        let grads = engine.gradients(method: train.method)
        for (l, g) in grads.enumerated() where g != nil && !g!.isFinite {
          throw .diverged(epoch: epoch, batch: b, what: "the gradient of layer \(l)")
        }
        let old = weightObserver == nil ? [] : net.weights.map { $0.copied() }
        optimizer.step(weights: &net.weights, gradients: grads, lr: lr)
        weightObserver?(WeightStep(epoch: epoch, batch: b, old: old, new: net.weights))
        lossSum += loss * Double(idx.count)
        correct += LossFunction.correctCount(rate: rate, labels: labels)
        for (l, r) in engine.spikeRates.enumerated() { rates[l] += r * Double(idx.count) }
        progress?(
          TrainingProgress(epoch: epoch, epochs: train.epochs, batch: b, batches: batches, loss: loss))
      }
      let eval = Evaluator.evaluate(
        net, on: testData, batchSize: train.batchSize, loss: train.loss, threads: train.threads,
        sparseCrossover: sparseCrossover)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      metrics.append(
        EpochMetrics(
          epoch: epoch, learningRate: lr, trainLoss: lossSum / Double(n),
          trainAccuracy: Double(correct) / Double(n), testLoss: eval.loss,
          testAccuracy: eval.accuracy, trainSpikeRates: rates.map { $0 / Double(n) },
          testSpikeRates: eval.spikeRates, wallSeconds: seconds))
    }
    return TrainingResult(model: net, epochs: metrics)
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
