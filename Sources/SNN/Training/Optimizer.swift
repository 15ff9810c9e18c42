/// A rule that updates weights from their gradients.
public protocol Optimizer {
  /// Updates `weights[l]` from `gradients[l]` at learning rate `lr`; nil gradients are frozen.
  mutating func step(weights: inout [Tensor], gradients: [Tensor?], lr: Float)
  /// Everything the next steps depend on (moments, step counts) as named tensors: what
  /// resuming an interrupted training needs besides the weights. Empty before the first step.
  var state: [String: Tensor] { get }
  /// Restores a ``state`` saved by an optimizer of the same kind over weights shaped as
  /// `weights`.
  mutating func restore(_ state: [String: Tensor], weights: [Tensor]) throws(TrainingError)
}

/// The tensor `name` of a saved optimizer state, checked against the shape it must have.
private func savedTensor(_ state: [String: Tensor], _ name: String, shape: [Int]) throws(TrainingError) -> Tensor {
  guard let t = state[name] else { throw .invalidSetup("the saved optimizer state has no '\(name)'") }
  guard t.shape == shape else {
    throw .invalidSetup("the saved optimizer state's '\(name)' is \(t.shape), the weights need \(shape)")
  }
  return t
}

/// Adam or AdamW, as `torch.optim.Adam` / `AdamW`.
public struct Adam: Optimizer {
  public var config: OptimizerConfig
  /// Threads over which each update is split.
  public var threads = 1
  private var m: [Tensor] = []
  private var v: [Tensor] = []
  private var steps: [Int] = []

  public init(config: OptimizerConfig) { self.config = config }

  public mutating func step(weights: inout [Tensor], gradients: [Tensor?], lr: Float) {
    if m.isEmpty {
      m = weights.map { Tensor(shape: $0.shape) }
      v = m
      steps = Array(repeating: 0, count: weights.count)
    }
    for l in weights.indices {
      guard let g = gradients[l] else { continue }
      steps[l] += 1
      weights[l].adamStep(
        gradient: g, m: &m[l], v: &v[l], lr: lr, beta1: config.beta1, beta2: config.beta2,
        eps: config.eps, weightDecay: config.weightDecay, step: steps[l],
        decoupled: config.kind == .adamw, threads: threads)
    }
  }

  /// `m.<l>`, `v.<l>` and `steps` (each layer's step count, exact up to 2²⁴ steps).
  public var state: [String: Tensor] {
    guard !m.isEmpty else { return [:] }
    var s = ["steps": Tensor(shape: [steps.count], scalars: steps.map(Float.init))]
    for l in m.indices {
      s["m.\(l)"] = m[l]
      s["v.\(l)"] = v[l]
    }
    return s
  }

  public mutating func restore(_ state: [String: Tensor], weights: [Tensor]) throws(TrainingError) {
    guard !state.isEmpty else { return }
    let counts = try savedTensor(state, "steps", shape: [weights.count])
    var (m, v): ([Tensor], [Tensor]) = ([], [])
    for (l, w) in weights.enumerated() {
      m.append(try savedTensor(state, "m.\(l)", shape: w.shape))
      v.append(try savedTensor(state, "v.\(l)", shape: w.shape))
    }
    (self.m, self.v, steps) = (m, v, counts.scalars.map { Int($0) })
  }
}

/// SGD with momentum and L2 weight decay, as `torch.optim.SGD`.
public struct SGD: Optimizer {
  public var config: OptimizerConfig
  private var buffers: [Tensor?] = []

  public init(config: OptimizerConfig) { self.config = config }

  public mutating func step(weights: inout [Tensor], gradients: [Tensor?], lr: Float) {
    if buffers.isEmpty { buffers = Array(repeating: nil, count: weights.count) }
    for l in weights.indices {
      guard let g = gradients[l] else { continue }
      let first = buffers[l] == nil
      var buf = buffers[l] ?? Tensor(shape: g.shape)
      buffers[l] = nil
      weights[l].sgdStep(
        gradient: g, buffer: &buf, lr: lr, momentum: config.momentum,
        weightDecay: config.weightDecay, firstStep: first)
      buffers[l] = buf
    }
  }

  /// `momentum.<l>` for every layer that has taken a step.
  public var state: [String: Tensor] {
    var s: [String: Tensor] = [:]
    for (l, b) in buffers.enumerated() { if let b { s["momentum.\(l)"] = b } }
    return s
  }

  public mutating func restore(_ state: [String: Tensor], weights: [Tensor]) throws(TrainingError) {
    guard !state.isEmpty else { return }
    var restored: [Tensor?] = []
    for (l, w) in weights.enumerated() {
      restored.append(state["momentum.\(l)"] == nil ? nil : try savedTensor(state, "momentum.\(l)", shape: w.shape))
    }
    buffers = restored
  }
}

extension OptimizerConfig {
  /// A fresh optimizer of this kind.
  public func makeOptimizer(threads: Int = 1) -> any Optimizer {
    switch kind {
    case .adam, .adamw:
      var adam = Adam(config: self)
      adam.threads = threads
      return adam
    case .sgd: return SGD(config: self)
    }
  }
}
