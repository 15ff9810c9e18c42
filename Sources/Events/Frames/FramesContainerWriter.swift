import Foundation

/// Streams binned samples into a frames container, one time step at a time.
///
/// ```swift
/// let writer = try FramesContainerWriter(to: url, metadata: meta)
/// for step in 0..<T { try writer.appendStep(indices: idx, values: val) }
/// try writer.endSample(label: 3, split: .train)
/// try writer.finish()
/// ```
public final class FramesContainerWriter {
  public let url: URL
  public private(set) var metadata: FramesContainerMetadata
  private var sampleOffsets: [UInt64] = [0]
  private var stepOffsets: [UInt64] = [0]
  private var labels: [Int32] = []
  private var splits: [UInt8] = []
  private let indices: ColumnSpool
  private let values: ColumnSpool
  private var entries: UInt64 = 0
  private var finished = false

  public init(to url: URL, metadata: FramesContainerMetadata) throws {
    self.url = url
    self.metadata = metadata
    indices = try ColumnSpool(path: url.path + ".spool.indx")
    values = try ColumnSpool(path: url.path + ".spool.valu")
  }

  /// The number of completed samples.
  public var sampleCount: Int { labels.count }

  /// Appends the next time step of the current sample: its active features (ascending) and
  /// their values.
  public func appendStep(indices stepIndices: UnsafeBufferPointer<Int32>, values stepValues: UnsafeBufferPointer<Float>) throws {
    precondition(stepIndices.count == stepValues.count)
    try indices.append(stepIndices)
    try values.append(stepValues)
    entries += UInt64(stepIndices.count)
    stepOffsets.append(entries)
  }

  /// Array convenience for ``appendStep(indices:values:)``.
  public func appendStep(indices stepIndices: [Int32], values stepValues: [Float]) throws {
    try stepIndices.withUnsafeBufferPointer { (i) in
      try stepValues.withUnsafeBufferPointer { (v) in try appendStep(indices: i, values: v) }
    }
  }

  /// Closes the current sample.
  public func endSample(label: Int, split: DatasetSplit) throws {
    let steps = UInt64(stepOffsets.count - 1) - sampleOffsets[sampleOffsets.count - 1]
    if metadata.fixedTimeSteps, steps != UInt64(metadata.timeSteps) {
      throw EventsError(file: url.path, .sample(labels.count), "sample has \(steps) time steps, the container \(metadata.timeSteps)")
    }
    sampleOffsets.append(UInt64(stepOffsets.count - 1))
    labels.append(Int32(label))
    splits.append(split.rawValue)
  }

  /// Writes the container (temporary name, then rename) and removes the spools.
  /// `timeSteps` replaces the metadata's step count (for variable-length samples, the largest).
  public func finish(timeSteps: Int? = nil) throws {
    precondition(!finished)
    if let timeSteps { metadata.timeSteps = timeSteps }
    finished = true
    let temporary = url.path + ".partial"
    let writer = try SectionFileWriter(path: temporary, magic: FramesContainerFormat.magic, version: FramesContainerFormat.version)
    try writer.section("soff", sampleOffsets)
    try writer.section("toff", stepOffsets)
    try writer.section("labl", labels)
    try writer.section("splt", splits)
    try writer.beginSection("indx", elementSize: 4)
    try indices.copy(into: writer)
    writer.endSection()
    try writer.beginSection("valu", elementSize: 4)
    try values.copy(into: writer)
    writer.endSection()
    try writer.section("meta", canonicalJSON(metadata))
    try writer.finish()
    if rename(temporary, url.path) != 0 {
      throw EventsError(file: url.path, "cannot rename \(temporary) into place (errno \(errno))")
    }
  }
}
