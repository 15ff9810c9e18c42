/// Accuracy and loss of a trained network, optionally with transformed weights.
public enum Evaluator {
  /// Result of an evaluation.
  public struct Result: Sendable, Hashable {
    public var loss: Double
    public var accuracy: Double
    /// Mean spike rate per layer.
    public var spikeRates: [Double]
  }

  /// Evaluates `model` on `data`; `transform(layer, weights)` maps each layer's `[in, out]`
  /// weights first (e.g. quantisation to conductance levels).
  ///
  /// ```swift
  /// let q = Evaluator.evaluate(model, on: test) { _, w in w.map { ($0 * 16).rounded() / 16 } }
  /// ```
  public static func evaluate(
    _ model: SpikingMLP, on data: some SpikeFrameSource, batchSize: Int = 128,
    loss: TrainConfig.Loss = .mse, threads: Int = 1, kernels: ProductKernels = .measured,
    transform: ((Int, Tensor) -> Tensor)? = nil
  ) -> Result {
    let weights = model.weights.enumerated().map { l, w in transform?(l, w) ?? w }
    let engine = MLPEngine(
      sizes: model.sizes, steps: data.timeSteps, neuron: model.neuron.parameters, threads: threads)
    engine.kernels = kernels
    let n = data.sampleCount
    var lossSum = 0.0, correct = 0
    var rates = [Double](repeating: 0, count: model.layerCount)
    var start = 0
    while start < n {
      let samples = Array(start..<min(n, start + batchSize))[...]
      let labels = samples.map { data.label($0) }
      engine.load(data, samples: samples)
      let rate = engine.forward(weights)
      lossSum += LossFunction.evaluate(loss, rate: rate, labels: labels).loss * Double(samples.count)
      correct += LossFunction.correctCount(rate: rate, labels: labels)
      for (l, r) in engine.spikeRates.enumerated() { rates[l] += r * Double(samples.count) }
      start += batchSize
    }
    let d = Double(max(n, 1))
    return Result(
      loss: lossSum / d, accuracy: Double(correct) / d, spikeRates: rates.map { $0 / d })
  }
}
