/// Combines what each process of a data-parallel training computed on its share of a batch
/// (e.g. an MPI all-reduce). The session and engine call it at fixed points of every training
/// step; without one (the default) nothing is combined and nothing is spent.
///
/// Every method must leave the same values on every process and must not depend on timing:
/// sum in a fixed order (e.g. by rank), so that reruns are bit-identical.
///
/// Where it is called:
/// - ``TrainingSession`` after the backward pass and before the non-finite check and the
///   optimizer step: ``reduce(_:)`` with the step's gradients and statistics.
/// - Every batch-norm conv block in a training forward pass: ``sum(_:)`` with the per-channel
///   `[Σx…, Σx²…, count]` of this process's conv output, before mean and variance are taken
///   from them; and in the backward pass with the per-channel `[Σ dL/dy…, Σ dL/dy · x̂…]`
///   before they are applied (synchronised batch norm).
public protocol BatchReducer: AnyObject {
  /// Replaces `values` by their elementwise sum over every process.
  func sum(_ values: inout [Double])

  /// Combines one step's results over every process: the gradients (each process's for its
  /// own samples) and the statistics.
  func reduce(_ step: inout StepReduction)
}

/// One training step's results as this process computed them, for ``BatchReducer/reduce(_:)``.
public struct StepReduction {
  /// The gradient of every parameter in ``Network/parameters`` order, each of the mean loss
  /// over this process's ``samples``; nil where the method does not train the parameter (the
  /// same on every process). A reducer replaces them by the gradients of the whole batch.
  public var gradients: [Tensor?]
  /// Samples in this process's share of the batch.
  public var samples: Int
  /// The mean loss over ``samples``.
  public var loss: Double
  /// Samples predicted correctly.
  public var correct: Int
  /// Spike rate per layer (conv blocks, then Linears) over ``samples``.
  public var spikeRates: [Double]
}
