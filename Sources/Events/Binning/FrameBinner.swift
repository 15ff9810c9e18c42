/// Bins single samples into sparse frames in memory, reusing its scratch space: the kernel of
/// ``Binning/bin(_:frames:splitBy:to:progress:)``, also for callers that want frames without a
/// container (inspection, plotting, benchmarks).
///
/// ```swift
/// let binner = FrameBinner(layout: events.layout, timeBase: events.timeBase, frames: 10, splitBy: .number)
/// let steps = try binner.bin(events.columns(0)) { step, frame in
///   print(step, frame.count)      // frame's buffers are valid only inside the closure
/// }
/// ```
public final class FrameBinner {
  public let layout: SensorLayout
  public let timeBase: TimeBase
  public let frames: Int
  public let splitBy: Binning.SplitBy
  private let accumulator: FrameAccumulator

  public init(layout: SensorLayout, timeBase: TimeBase, frames: Int, splitBy: Binning.SplitBy) {
    self.layout = layout
    self.timeBase = timeBase
    self.frames = frames
    self.splitBy = splitBy
    accumulator = FrameAccumulator(layout: layout)
  }

  /// Bins one sample, calling `body` with each frame in time order.
  /// - Returns: the number of frames (``frames``, or per sample for `duration`).
  /// - Throws: ``EventsError`` (file `<sample>`) when spikingjelly's rule fails on the sample
  ///   or an event lies outside the sensor; errors thrown by `body`.
  @discardableResult
  public func bin(_ columns: EventColumns, _ body: (Int, SparseFrame) throws -> Void) throws -> Int {
    var step = 0
    return try Binning.binSample(
      columns, layout: layout, timeBase: timeBase, frames: frames, splitBy: splitBy, accumulator: accumulator
    ) { indices, values in
      try body(step, SparseFrame(indices: indices, values: values))
      step += 1
    } fail: { EventsError(file: "<sample>", $0) }
  }
}
