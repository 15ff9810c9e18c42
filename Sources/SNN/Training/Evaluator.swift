/// Accuracy and loss of a trained network, optionally with transformed weights.
public enum Evaluator {
  /// Result of an evaluation.
  public struct Result: Sendable, Hashable {
    public var loss: Double
    public var accuracy: Double
    /// Mean spike rate per layer (conv blocks, then Linears).
    public var spikeRates: [Double]
  }

  /// Evaluates `model` on `data` (batch norm from running statistics); `transform(layer,
  /// weights)` maps each layer's weights first (convs, then Linears `[in, out]`, as
  /// ``Network/layerWeights``), e.g. quantisation to conductance levels.
  ///
  /// ```swift
  /// let q = Evaluator.evaluate(model, on: test) { _, w in w.map { ($0 * 16).rounded() / 16 } }
  /// ```
  public static func evaluate(
    _ model: Network, on data: some SpikeFrameSource, batchSize: Int? = nil,
    loss: TrainConfig.Loss = .mse, threads: Int = 1, kernels: ProductKernels = .measured,
    transform: ((Int, Tensor) -> Tensor)? = nil
  ) -> Result {
    var net = model
    if let transform {
      let nb = net.convs.count
      net.convWeights = net.convWeights.enumerated().map { transform($0, $1) }
      net.linearWeights = net.linearWeights.enumerated().map { transform(nb + $0, $1) }
    }
    return evaluate(
      net, on: data, batchSize: batchSize ?? defaultBatchSize(net), loss: loss,
      engine: NetworkEngine(network: net, steps: data.timeSteps, threads: threads, kernels: kernels))
  }

  /// The batch size of an evaluation that names none: 128 samples for an MLP, 16 for a conv
  /// network (whose per-sample buffers are large).
  public static func defaultBatchSize(_ net: Network) -> Int { net.convs.isEmpty ? 128 : 16 }

  /// Evaluates `net` with `engine`'s buffers (a training session's, so that evaluating between
  /// epochs needs no second set).
  static func evaluate(
    _ net: Network, on data: some SpikeFrameSource, batchSize: Int, loss: TrainConfig.Loss,
    engine: NetworkEngine
  ) -> Result {
    let n = data.sampleCount
    var lossSum = 0.0, correct = 0
    var rates = [Double](repeating: 0, count: engine.layers.count)
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
