import Foundation

/// Progress of a long operation: `completed` of `total` units (samples or files).
public struct ProgressReport: Sendable, Equatable {
  public var completed: Int
  public var total: Int
  public init(completed: Int, total: Int) {
    self.completed = completed
    self.total = total
  }
}

extension Binning {
  /// Bins every sample of an events container into a frames container.
  ///
  /// - Parameters:
  ///   - events: an events container written by ``EventsContainerWriter``.
  ///   - frames: T, the number of time steps (ignored by ``SplitBy/duration(_:)``, whose frame
  ///     count varies per sample; the container then records the largest).
  ///   - splitBy: the rule; see ``Binning``.
  ///   - output: where to write the frames container.
  ///   - progress: called every few hundred samples and at the end.
  /// - Throws: ``EventsError`` naming the events container and sample index when a sample
  ///   cannot be binned (empty time window, coordinates outside the sensor).
  ///
  /// ```swift
  /// try Binning.bin(events: eventsURL, frames: 10, splitBy: .number, to: framesURL)
  /// ```
  public static func bin(
    events: URL, frames: Int, splitBy: SplitBy, to output: URL,
    progress: ((ProgressReport) -> Void)? = nil
  ) throws {
    let container = try EventsContainer(contentsOf: events)
    try bin(container, frames: frames, splitBy: splitBy, to: output, progress: progress)
  }

  /// Bins an open events container; see ``bin(events:frames:splitBy:to:progress:)``.
  public static func bin(
    _ container: EventsContainer, frames: Int, splitBy: SplitBy, to output: URL,
    progress: ((ProgressReport) -> Void)? = nil
  ) throws {
    let layout = container.layout
    let variable: Bool
    if case .duration = splitBy { variable = true } else { variable = false }
    let metadata = FramesContainerMetadata(
      timeSteps: frames, fixedTimeSteps: !variable, inputShape: layout.frameShape,
      classNames: container.classNames, splitBy: splitBy.description, datasetKind: container.metadata.datasetKind,
      attributes: carriedAttributes(container).merging(["events": events(container)]) { $1 })
    let writer = try FramesContainerWriter(to: output, metadata: metadata)
    let accumulator = FrameAccumulator(layout: layout)
    var maxSteps = 0
    let n = container.sampleCount
    for i in 0..<n {
      let columns = container.columns(i)
      let steps = try binSample(columns, layout: layout, timeBase: container.timeBase, frames: frames, splitBy: splitBy, accumulator: accumulator) {
        (indices, values) in try writer.appendStep(indices: indices, values: values)
      } fail: { message in EventsError(file: container.url.path, .sample(i), message) }
      maxSteps = max(maxSteps, steps)
      try writer.endSample(label: container.label(i), split: container.split(i))
      if i % 1024 == 1023 { container.releasePages(samples: (i - 1023)..<(i + 1)) }
      if let progress, i % 256 == 255 || i == n - 1 { progress(ProgressReport(completed: i + 1, total: n)) }
    }
    try writer.finish(timeSteps: variable ? maxSteps : nil)
  }

  /// Bins one sample, handing each frame to `emit` in time order.
  /// - Returns: the number of frames.
  static func binSample(
    _ columns: EventColumns, layout: SensorLayout, timeBase: TimeBase, frames: Int, splitBy: SplitBy,
    accumulator: FrameAccumulator,
    emit: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) throws -> Void,
    fail: (String) -> EventsError
  ) throws -> Int {
    var digitized: [Int]?
    let segments: FrameSegments
    if case .digitize(let maxSeconds) = splitBy {
      digitized = digitizedSteps(t: columns.t, timeBase: timeBase, frames: frames, maxSeconds: maxSeconds)
      segments = FrameSegments(lower: Array(repeating: 0, count: frames), upper: Array(repeating: columns.count, count: frames))
    } else {
      do {
        segments = try Binning.segments(t: columns.t, timeBase: timeBase, frames: frames, splitBy: splitBy)
      } catch {
        throw fail(error.description)
      }
    }
    for j in 0..<segments.count {
      let bad: Int?
      if let digitized {
        bad = accumulator.integrate(columns, steps: digitized, step: j)
      } else {
        bad = accumulator.integrate(columns, range: segments.lower[j]..<segments.upper[j])
      }
      if let bad { throw fail("event \(bad) lies outside the sensor \(layout)") }
      try emit(accumulator.frameIndices, accumulator.frameValues)
    }
    return segments.count
  }

  /// Dense frames of one sample, [frames][featureCount] (for tests and inspection).
  public static func denseFrames(
    of sample: EventSample, layout: SensorLayout, timeBase: TimeBase, frames: Int, splitBy: SplitBy
  ) throws -> [[Float]] {
    let accumulator = FrameAccumulator(layout: layout)
    var out: [[Float]] = []
    let f = layout.featureCount
    try sample.t.withUnsafeBufferPointer { (t) in
      try sample.x.withUnsafeBufferPointer { (x) in
        try sample.y.withUnsafeBufferPointer { (y) in
          try sample.p.withUnsafeBufferPointer { (p) in
            try sample.values.withUnsafeBufferPointer { (v) in
              let columns = EventColumns(t: t, x: x, y: y, p: p, values: v)
              _ = try binSample(columns, layout: layout, timeBase: timeBase, frames: frames, splitBy: splitBy, accumulator: accumulator) {
                (indices, values) in
                var frame = [Float](repeating: 0, count: f)
                for k in 0..<indices.count { frame[Int(indices[k])] = values[k] }
                out.append(frame)
              } fail: { EventsError(file: "<sample>", $0) }
            }
          }
        }
      }
    }
    return out
  }

  private static func events(_ container: EventsContainer) -> String { container.url.lastPathComponent }
}

extension Binning {
  /// Attributes of the events that the trainer needs from the frames: a split left to each run
  /// (``Braille/perSeedSplitAttribute``) and a validation fraction (``validationAttribute``).
  static func carriedAttributes(_ container: EventsContainer) -> [String: String] {
    container.metadata.attributes.filter {
      [Braille.perSeedSplitAttribute, validationAttribute].contains($0.key)
    }
  }

  /// Container attribute holding the fraction of the train split held out for validation.
  public static let validationAttribute = "validation"
}
