/// A rule that updates weights from their gradients.
public protocol Optimizer {
  /// Updates `weights[l]` from `gradients[l]` at learning rate `lr`; nil gradients are frozen.
  mutating func step(weights: inout [Tensor], gradients: [Tensor?], lr: Float)
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
