/// How to train (DESIGN.md "SNN semantics" and the spec's `train` block).
public struct TrainConfig: Codable, Hashable, Sendable {
  /// Training methods.
  public enum Method: String, Codable, Hashable, Sendable, CaseIterable {
    /// Full backpropagation through time through every layer.
    case bp
    /// Spiking direct feedback alignment: one fixed random projection of the output error.
    case sdfa
    /// Only the output layer learns.
    case shallow
  }

  /// Learning-rate schedules.
  public enum Schedule: String, Codable, Hashable, Sendable {
    /// The same rate every epoch.
    case constant
    /// `lr · (1 + cos(π · epoch / epochs)) / 2`, stepped once per epoch (CosineAnnealingLR).
    case cosine
  }

  /// Losses on the output rate.
  public enum Loss: String, Codable, Hashable, Sendable {
    /// Mean squared error against the one-hot label.
    case mse
    /// Softmax cross-entropy with the rate as logits.
    case crossEntropy = "cross_entropy"
  }

  /// How a hidden layer's membrane gradient runs through time (spec `train.temporal`).
  public enum Temporal: String, Codable, Hashable, Sendable {
    /// Backpropagation through time inside every layer (the reference code, BP and SDFA).
    case bptt
    /// Hidden layers' membranes are cut between steps (`dH[t]/dV[t−1] = 0`): each step's
    /// hidden-layer gradient uses that step's error only, the "temporal independence" of the
    /// SDFA paper's figure. The output layer keeps its gradient through time (its error is the
    /// time-averaged rate's, so it has no per-step meaning of its own). Applies to BP and SDFA
    /// alike; `shallow` trains no hidden layer.
    case local
  }

  public var method: Method
  /// Hidden layers' gradient through time.
  public var temporal: Temporal
  /// Whether an epoch drops its last partial batch (PyTorch's `drop_last`; the reference's
  /// training loader sets it).
  public var dropLast: Bool
  public var epochs: Int
  public var batchSize: Int
  public var optimizer: OptimizerConfig
  public var schedule: Schedule
  public var loss: Loss
  /// Threads for kernels and BLAS (1 in tests).
  public var threads: Int
  public var seed: UInt64
  /// What a conv step keeps for its backward pass (``Memory``).
  public var memory: Memory = .fast

  public init(
    method: Method = .sdfa, epochs: Int = 1, batchSize: Int = 128,
    optimizer: OptimizerConfig = OptimizerConfig(), schedule: Schedule = .cosine,
    loss: Loss = .mse, threads: Int = 1, seed: UInt64 = 0, temporal: Temporal = .bptt,
    dropLast: Bool = false
  ) {
    self.method = method
    self.temporal = temporal
    self.dropLast = dropLast
    self.epochs = epochs
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.schedule = schedule
    self.loss = loss
    self.threads = threads
    self.seed = seed
  }

  /// Batches of one epoch over `samples` training samples (a lone partial batch is kept even
  /// with ``dropLast``, so that a split smaller than a batch still trains).
  public func batchesPerEpoch(samples: Int) -> Int {
    dropLast && samples >= batchSize ? samples / batchSize : (samples + batchSize - 1) / batchSize
  }

  /// The learning rate of `epoch` (0-based) under the schedule.
  public func learningRate(epoch: Int) -> Float {
    switch schedule {
    case .constant: return optimizer.lr
    case .cosine:
      let f = (1 + _cos(Double.pi * Double(epoch) / Double(max(epochs, 1)))) / 2
      return Float(Double(optimizer.lr) * f)
    }
  }
}

/// Optimizer and its hyper-parameters (PyTorch defaults).
public struct OptimizerConfig: Codable, Hashable, Sendable {
  /// Optimizers.
  public enum Kind: String, Codable, Hashable, Sendable { case adam, adamw, sgd }

  public var kind: Kind
  public var lr: Float
  /// L2 penalty (Adam, SGD) or decoupled decay (AdamW).
  public var weightDecay: Float
  /// SGD momentum.
  public var momentum: Float
  public var beta1: Float
  public var beta2: Float
  public var eps: Float

  public init(
    kind: Kind = .adam, lr: Float = 1e-3, weightDecay: Float = 0, momentum: Float = 0.9,
    beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8
  ) {
    self.kind = kind
    self.lr = lr
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
  }
}

#if canImport(Glibc)
  import Glibc
  func _cos(_ x: Double) -> Double { Glibc.cos(x) }
  func _log(_ x: Double) -> Double { Glibc.log(x) }
  func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
  import Darwin
  func _cos(_ x: Double) -> Double { Darwin.cos(x) }
  func _log(_ x: Double) -> Double { Darwin.log(x) }
  func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
