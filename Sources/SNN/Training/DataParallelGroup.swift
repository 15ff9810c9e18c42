/// The processes that train one network together (`train.ranks`), each on its own contiguous
/// share of every batch; MPI's communicator is one (the `Stages` target makes it one).
///
/// Data-parallel training with a group keeps every rank's weights identical: each rank
/// computes the gradient of its share scaled to the global batch (the loss is normalised by
/// the global batch size), the group sums the gradients before the optimizer step, and every
/// rank takes the same step. Batch norm's per-channel sums are summed too, so that it
/// normalises by the global batch's statistics, as one process would.
///
/// Sums must be deterministic: the same bits on every rank and in every run, whatever the
/// timing (MPI's communicator adds in rank order; see `Communicator+Sum.swift`).
public protocol DataParallelGroup: AnyObject {
  /// This process's rank, 0 ..< ``size``.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Sums `values` elementwise over the ranks, in place, on every rank.
  func sum(_ values: UnsafeMutableBufferPointer<Float>)
  /// Sums `values` elementwise over the ranks, in place, on every rank.
  func sum(_ values: UnsafeMutableBufferPointer<Double>)
}

extension DataParallelGroup {
  /// This rank's share of a batch of `count` samples: positions `count·r/size ..<
  /// count·(r+1)/size`, so ranks hold contiguous ranges in rank order and differ in size by
  /// at most one.
  public func share(of count: Int) -> Range<Int> {
    (count * rank / size)..<(count * (rank + 1) / size)
  }

  /// Whether this rank writes what the training produces (checkpoints, snapshots, metrics):
  /// rank 0 alone.
  public var isWriter: Bool { rank == 0 }

  /// Sums an array of doubles over the ranks.
  public func sum(_ values: inout [Double]) {
    values.withUnsafeMutableBufferPointer { sum($0) }
  }

  /// Sums the gradients (nil for frozen parameters, the same on every rank) over the ranks as
  /// one vector: one collective per step, whatever the number of layers.
  public func sumGradients(_ gradients: inout [Tensor?]) {
    let total = gradients.reduce(0) { $0 + ($1?.count ?? 0) }
    var flat = [Float](repeating: 0, count: total)
    var offset = 0
    for g in gradients {
      guard let g else { continue }
      g.withUnsafeBufferPointer { p in
        for i in 0..<p.count { flat[offset + i] = p[i] }
      }
      offset += g.count
    }
    flat.withUnsafeMutableBufferPointer { sum($0) }
    offset = 0
    for k in gradients.indices {
      guard let g = gradients[k] else { continue }
      let count = g.count
      gradients[k] = Tensor(shape: g.shape, scalars: Array(flat[offset..<(offset + count)]))
      offset += count
    }
  }
}

/// A group as the training session's ``BatchReducer``: each rank's gradients, already of the
/// whole batch's mean loss (``TrainingSession/step(_:samples:lr:batchSize:)``), are summed;
/// the step's loss, accuracy and spike rates stay the rank's own (``Trainer`` sums them once
/// per epoch, one collective instead of one per step); batch norm's sums are summed.
final class GroupReducer: BatchReducer {
  let group: any DataParallelGroup

  init(_ group: any DataParallelGroup) { self.group = group }

  func sum(_ values: inout [Double]) { group.sum(&values) }

  func reduce(_ step: inout StepReduction) { group.sumGradients(&step.gradients) }
}
