import Foundation

/// What one training step of a network holds in memory at its peak, by part, from the shapes
/// alone (docs/training.md "Memory"): the train stage checks it against the machine before
/// starting, instead of being killed an hour in.
///
/// `N = T · B` images or rows per step; every count below is 4-byte floats or `Int32`s.
/// - Conv block `i` with output `E = cOut · H · W` per image (before pooling): the membrane
///   `h` (`N · E`, later overwritten by the gradient), batch norm's input `z` where it has
///   one (`N · E`) and for BP dL/d(input) (`N ·` input size), in `fast` mode for every
///   block, in `lean` mode for the largest block only (one at a time, with BP's gradient
///   from the block above, `N ·` output size); pooled: the pooled
///   spikes (`N · E / 4`); unpooled: the spikes (`N · E`); and their list, sized for every
///   unit firing but resident only as far as a kernel writes it (``SparseRows/reserveIndices(_:)``):
///   counted at a 25 % firing rate (a quarter of the spikes' count). Pooled, `fast`: the
///   argmax (`N · E / 4`); `lean` keeps none (the backward pass finds the maxima again).
/// - Linear layer (of any network, an MLP's included) of `n` outputs from `k` inputs:
///   pre-activation, membrane, spikes, spike list, dL/dS and dL/dZ (`6 · N · n`); for BP,
///   dL/d(input) (`N · k`).
/// - Parameters: weights, gradients and Adam's two moments (`4 ·` parameter count).
/// - Input: the dense frames and their event list (`2 · N ·` features).
/// - SDFA: the feedback matrix `B` (`classes · F_max`) and its projection `e · B` (`B · F_max`).
/// - Scratch: one im2col matrix and one dW partial per thread for the widest block.
public struct MemoryEstimate: Sendable, Hashable {
  /// Bytes per part (`"block 1"`, `"linear 2"`, `"parameters"`, …), in network order.
  public var parts: [Part]
  public struct Part: Sendable, Hashable {
    public var name: String
    public var bytes: Int
  }

  /// The sum of ``parts``, plus ``baseBytes`` for the process itself (code, BLAS, data).
  public var bytes: Int { parts.reduce(Self.baseBytes) { $0 + $1.bytes } }

  /// The process before any tensor: binaries, BLAS and Swift runtimes, measured at ~60 MB
  /// resident; 200 MB leaves room for the data set's index.
  public static let baseBytes = 200 << 20

  /// A human-readable size, `"5.4 GB"`.
  public static func format(_ bytes: Int) -> String {
    let gb = Double(bytes) / 1e9
    return gb >= 1 ? String(format: "%.1f GB", gb) : String(format: "%.0f MB", Double(bytes) / 1e6)
  }
}

extension Network {
  /// Peak memory of training this network at `batch` samples of `steps` time steps, keeping
  /// what `memory` keeps (evaluation between epochs reuses the training buffers).
  public func trainingMemory(
    batch: Int, steps: Int, method: TrainConfig.Method, threads: Int,
    memory: TrainConfig.Memory = .fast
  ) -> MemoryEstimate {
    let n = batch * steps, f = 4
    let sizes = spatialSizes
    var parts: [MemoryEstimate.Part] = []
    parts.append(.init(name: "input", bytes: 2 * n * inputFeatures * f))
    var widestScratch = 0, widestRecomputed = 0
    for (i, b) in convs.enumerated() {
      let e = b.outChannels * sizes[i][0] * sizes[i][1]
      let inputSize = b.inChannels * sizes[i][0] * sizes[i][1]
      // h, and z with batch norm: kept by every block (fast), or by one block at a time
      // together with its input gradient (lean: recomputed in the backward pass, then freed).
      let full = (b.batchNorm ? 2 : 1) * n * e
      let gradInput = method == .bp && i > 0 ? n * inputSize : 0
      // BP, lean: the gradient from the block above lives until this block's is done (the
      // last block's is the first Linear's dL/d(input), counted there).
      let gradFromAbove = method == .bp && i + 1 < convs.count ? n * (b.pool ? e / 4 : e) : 0
      let spikes = b.pool ? n * e / 4 : n * e  // pooled spikes / spikes
      var floats = spikes + spikes / 4  // and their list at a 25 % rate
      floats += batch * e  // the neuron's per-step state
      if b.pool && memory == .fast { floats += n * e / 4 }  // fast: the argmax (Int32 per pooled output)
      if memory == .lean && b.recomputable {
        widestRecomputed = max(widestRecomputed, full + gradInput + gradFromAbove)
      } else {
        floats += full + gradInput
      }
      parts.append(.init(name: "block \(i + 1)", bytes: floats * f))
      widestScratch = max(widestScratch, threads * (inputSize * 9 + b.outChannels * b.inChannels * 9))
    }
    if !convs.isEmpty {
      if memory == .lean {
        parts.append(.init(name: "recomputed block", bytes: widestRecomputed * f))
      }
      parts.append(.init(name: "convolution scratch", bytes: widestScratch * f))
    }
    for j in 0..<(linearSizes.count - 1) {
      let (k, out) = (linearSizes[j], linearSizes[j + 1])
      parts.append(.init(name: "linear \(j + 1)", bytes: (6 * n * out + (method == .bp ? n * k : 0)) * f))
    }
    let parameterCount = parameters.reduce(0) { $0 + $1.count }
    parts.append(.init(name: "parameters", bytes: 4 * parameterCount * f))
    if method == .sdfa, let widest = feedbackWidths.max() {
      parts.append(.init(name: "feedback", bytes: (classCount + batch) * widest * f))
    }
    return MemoryEstimate(parts: parts)
  }
}
