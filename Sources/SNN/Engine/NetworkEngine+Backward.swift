extension NetworkEngine {
  /// The backward pass from `e = dL/dRate` (`[B, classes]`): the gradient of every parameter,
  /// in ``Network/parameters`` order (nil where `method` does not train it).
  ///
  /// - Parameter feedback: SDFA's `B`, `[classes, F_max]` (only for `.sdfa` with hidden layers).
  /// - Parameter temporal: whether hidden layers' membrane gradients run through time.
  @discardableResult
  func backward(
    _ net: Network, outputError e: Tensor, method: TrainConfig.Method, feedback: Tensor?,
    temporal: TrainConfig.Temporal = .bptt
  ) -> [Tensor?] {
    var hiddenNeuron = neuron
    hiddenNeuron.backwardThroughTime = temporal == .bptt
    let last = layers.count - 1
    let lean = memory == .lean
    var trained = [Bool](repeating: false, count: layers.count)
    var grad: Tensor? = readout.backward(e)
    var below = layers[last].backward(
      &grad, input: source(of: last), net, neuron: neuron, inputGradient: method == .bp && last > 0,
      spent: {}, threads: threads)
    trained[last] = true
    switch method {
    case .shallow:
      break
    case .bp:
      for k in stride(from: last - 1, through: 0, by: -1) {
        let above = layers[k + 1]
        below = layers[k].backward(
          &below, input: source(of: k), net, neuron: hiddenNeuron, inputGradient: k > 0,
          spent: { if lean { above.releaseInputGradient() } }, threads: threads)
        trained[k] = true
      }
    case .sdfa:
      guard last > 0 else { break }  // no hidden layer: the output layer's true gradient only
      guard let feedback else { preconditionFailure("SDFA needs a feedback matrix") }
      let projected = SDFAFeedback.Projection(error: e, feedback: feedback)
      // Hidden layers are independent: each back-propagates its own projection through its
      // own time. An MLP's run side by side, one thread each, unless one layer outweighs the
      // others so much that running them in turn, each on every thread, ends sooner. Conv
      // blocks run in turn (side by side they would hold several recomputed membranes).
      let linears = layers.prefix(last).compactMap { $0 as? LinearBlock }
      let concurrent = linears.count == last && last > 1 && threads > 1
        && Self.sideBySideIsFaster(
          costs: linears.enumerated().map { $0.element.localBackwardCost(input: source(of: $0.offset)) },
          threads: threads)
      let inner = concurrent ? 1 : threads
      Kernels.parallelFor(last, threads: concurrent ? threads : 1) { k in
        let width = self.layers[k].outputShape.reduce(1, *)
        var slice: Tensor? = projected.slice(width: width)
        _ = self.layers[k].backward(
          &slice, input: self.source(of: k), net, neuron: hiddenNeuron, inputGradient: false,
          spent: {}, threads: inner)
      }
      for k in 0..<last { trained[k] = true }
    }
    return gradients(net, trained: trained)
  }

  /// The gradients of the layers `trained` marks, in ``Network/parameters`` order.
  private func gradients(_ net: Network, trained: [Bool]) -> [Tensor?] {
    let convs = convBlocks, linears = linearBlocks
    func ifTrained<T>(_ k: Int, _ value: T?) -> T? { trained[k] ? value : nil }
    var grads: [Tensor?] = convs.enumerated().map { ifTrained($0, $1.gradW) }
    grads += convs.enumerated().map { ifTrained($0, $1.gradGamma) }
    grads += convs.enumerated().map { ifTrained($0, $1.gradBeta) }
    grads += linears.enumerated().map { ifTrained(convs.count + $0, $1.gradW) }
    if net.linearBias { grads += linears.enumerated().map { ifTrained(convs.count + $0, $1.gradBias) } }
    return grads
  }

  /// Whether independent tasks of `costs` end sooner side by side, one thread each (longest
  /// first onto the least loaded thread), than one after another on all `threads` at a
  /// parallel efficiency of 0.85 (whole training steps measure 0.65–0.95 on two threads, the
  /// product kernels alone ~0.95: `snnbench --crossover`).
  static func sideBySideIsFaster(costs: [Double], threads: Int) -> Bool {
    var load = [Double](repeating: 0, count: threads)
    for c in costs.sorted(by: >) { load[load.indices.min { load[$0] < load[$1] }!] += c }
    let inTurn = costs.reduce(0, +) / (Double(threads) * 0.85)
    return load.max()! <= inTurn
  }
}
