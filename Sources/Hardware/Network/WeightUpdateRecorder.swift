/// Records a training run's weight changes into a ``WeightUpdateTrace``.
///
/// The training engine calls ``observe(layer:old:new:)`` from its after-step observer hook.
/// Each layer's quantiser range is fixed at the layer's first observation (`headroom` × its
/// largest initial magnitude) so that a level change means a real conductance change, not a
/// rescaled range; weights outside the range clip, as they would on the array.
///
/// ```swift
/// var recorder = WeightUpdateRecorder(technology: .isaac32nm, layerCount: 3)
/// // after every optimizer step, per weight layer:
/// recorder.observe(layer: 0, old: before, new: after)
/// let trace = recorder.trace
/// ```
public struct WeightUpdateRecorder: Codable, Sendable {
  public private(set) var trace: WeightUpdateTrace
  public private(set) var quantizers: [WeightQuantizer?]
  public let technology: Technology
  public let headroom: Float

  public init(technology: Technology, layerCount: Int, headroom: Float = 2) {
    precondition(headroom > 0, "headroom must be positive")
    self.technology = technology
    self.headroom = headroom
    trace = WeightUpdateTrace(layerCount: layerCount)
    quantizers = Array(repeating: nil, count: layerCount)
  }

  /// Adds one optimizer step of `layer`, weights before and after (same layout).
  public mutating func observe(layer: Int, old: [Float], new: [Float]) {
    let quantizer = quantizers[layer] ?? WeightQuantizer(
      technology: technology, range: WeightQuantizer.range(of: old) * headroom)
    quantizers[layer] = quantizer
    trace.record(layer: layer, old: old, new: new, quantizer: quantizer)
  }
}
