/// One stage of a ``Network``'s forward and backward pass over a batch of `N = T · B` rows in
/// time-major order (row `t · B + b` is sample `b` at step `t`).
///
/// A block owns its per-batch buffers (reused from batch to batch), its forward pass, its
/// backward pass — from dL/d(its output) to its parameters' gradients and, when asked (BP),
/// dL/d(its input) — and, in `train.memory: lean`, the release of its full-size state after the
/// forward pass and its recomputation before the backward one. The engine (`NetworkEngine`)
/// only chains blocks and schedules their backward passes (in reverse order for BP; for SDFA,
/// independently, each from its own slice of the projected error).
///
/// Shapes, per row:
/// - ``ConvBlock``: input `[cIn, H, W]` → output `[cOut, H, W]`, or `[cOut, H/2, W/2]` pooled.
/// - ``LinearBlock``: input `[k]` (or anything of `k` values, flattened) → output `[n]`.
/// - ``VotingBlock``: the last Linear's spikes `[classes · v]` → the rate `[B, classes]`, the mean
///   over each group of `v` outputs and over the `T` steps (once per sample, not per row).
protocol Block: AnyObject {
  /// The output of one row (`[width]` or `[C, H, W]`).
  var outputShape: [Int] { get }
  /// The block's spike rate in the last forward pass (nil: not a spiking layer).
  var spikeRate: Double? { get }
}

/// A block's spikes (or the network's input frames) as the block above reads them.
protocol BlockOutput: AnyObject {
  /// `[N, …]`: spikes (0/1), or event counts for the input.
  var dense: Tensor { get }
  /// The active positions of each row (with their values for event counts). Unlisted
  /// (``SparseRows/indicesListed`` false) where every reader takes ``dense`` as a bitmap.
  var active: SparseRows { get }
}

/// A weight layer with its neuron: a ``ConvBlock`` or a ``LinearBlock``.
protocol LayerBlock: Block, BlockOutput {
  /// Runs the layer on `input` (`batch` samples of the engine's steps); with `training`,
  /// batch norm normalises by batch statistics (else by its running ones).
  func forward(_ input: any BlockOutput, _ net: Network, batch: Int, training: Bool, threads: Int)

  /// The backward pass from `gradOutput`, dL/d(output) `[N, …]` or the same at every step
  /// `[B, …]`, which the block sets to nil once spent and then calls `spent` (where lean
  /// training frees the buffer it came from). Fills the layer's parameter gradients; returns
  /// dL/d(input) `[N, …]` when `inputGradient`. `neuron` is the neuron as the backward pass
  /// sees it (``TrainConfig/temporal`` cuts hidden ones between steps).
  func backward(
    _ gradOutput: inout Tensor?, input: any BlockOutput, _ net: Network, neuron: NeuronParameters,
    inputGradient: Bool, spent: () -> Void, threads: Int
  ) -> Tensor?

  /// Frees the dL/d(input) buffer (lean training, once the block below has consumed it).
  func releaseInputGradient()
}

/// The network's input frames for one batch: event counts per row, dense on demand.
final class FrameInput: BlockOutput {
  private(set) var active = SparseRows(columnCount: 0, binary: false)
  /// `[C, H, W]` or `[features]`.
  private(set) var shape: [Int] = []
  private var denseFrames = Tensor.zeros([0])
  private var denseValid = false

  var dense: Tensor {
    if !denseValid {
      let full = [active.rowCount] + shape
      if denseFrames.shape != full { denseFrames = Tensor(shape: full) }
      active.denseInto(&denseFrames)
      denseValid = true
    }
    return denseFrames
  }

  /// Loads `samples` of `data`, `steps` rows each, time-major.
  func load(_ data: some SpikeFrameSource, samples: ArraySlice<Int>, steps: Int) {
    active.removeAll()
    active.columnCount = data.featureCount
    var values = active.values ?? []
    active.values = nil
    for t in 0..<steps {
      for i in samples {
        data.appendActiveFeatures(sample: i, step: t, indices: &active.indices, values: &values)
        active.closeRow()
      }
    }
    active.values = values
    shape = data.inputShape
    denseValid = false
  }

  /// Loads rows given directly.
  func load(_ rows: SparseRows) {
    active = rows
    shape = [rows.columnCount]
    denseValid = false
  }
}
