import Foundation

/// Streams binned samples into a frames container, one time step at a time.
///
/// A sample's steps are buffered until ``endSample(label:split:)``, then written as one
/// block (its indices, then its values) straight into the final file: no spool, no copy.
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
  private let file: SectionFileWriter
  private var pendingIndices: [Int32] = []
  private var pendingValues: [Float] = []
  private var entries: UInt64 = 0
  private var finished = false

  public init(to url: URL, metadata: FramesContainerMetadata) throws {
    self.url = url
    self.metadata = metadata
    file = try SectionFileWriter(path: url.path + ".partial", magic: FramesContainerFormat.magic, version: FramesContainerFormat.version)
    try file.beginSection("entr", elementSize: 4)
    pendingIndices.reserveCapacity(1 << 16)
    pendingValues.reserveCapacity(1 << 16)
  }

  deinit {
    if !finished { unlink(url.path + ".partial") }
  }

  /// The number of completed samples.
  public var sampleCount: Int { labels.count }

  /// Appends the next time step of the current sample: its active features (ascending) and
  /// their values.
  public func appendStep(indices stepIndices: UnsafeBufferPointer<Int32>, values stepValues: UnsafeBufferPointer<Float>) throws {
    precondition(stepIndices.count == stepValues.count)
    pendingIndices.append(contentsOf: stepIndices)
    pendingValues.append(contentsOf: stepValues)
    entries += UInt64(stepIndices.count)
    stepOffsets.append(entries)
  }

  /// Array convenience for ``appendStep(indices:values:)``.
  public func appendStep(indices stepIndices: [Int32], values stepValues: [Float]) throws {
    try stepIndices.withUnsafeBufferPointer { (i) in
      try stepValues.withUnsafeBufferPointer { (v) in try appendStep(indices: i, values: v) }
    }
  }

  /// Closes the current sample and writes its block.
  public func endSample(label: Int, split: DatasetSplit) throws {
    let steps = UInt64(stepOffsets.count - 1) - sampleOffsets[sampleOffsets.count - 1]
    if metadata.fixedTimeSteps, steps != UInt64(metadata.timeSteps) {
      throw EventsError(file: url.path, .sample(labels.count), "sample has \(steps) time steps, the container \(metadata.timeSteps)")
    }
    try file.write(pendingIndices)
    try file.write(pendingValues)
    pendingIndices.removeAll(keepingCapacity: true)
    pendingValues.removeAll(keepingCapacity: true)
    sampleOffsets.append(UInt64(stepOffsets.count - 1))
    labels.append(Int32(label))
    splits.append(split.rawValue)
  }

  /// Writes the tables and header and renames the file into place.
  /// `timeSteps` replaces the metadata's step count (for variable-length samples, the largest).
  public func finish(timeSteps: Int? = nil) throws {
    precondition(!finished)
    precondition(pendingIndices.isEmpty, "finish with an unterminated sample")
    if let timeSteps { metadata.timeSteps = timeSteps }
    finished = true
    let temporary = url.path + ".partial"
    file.endSection()
    try file.section("soff", sampleOffsets)
    try file.section("toff", stepOffsets)
    try file.section("labl", labels)
    try file.section("splt", splits)
    try file.section("meta", canonicalJSON(metadata))
    try file.finish()
    if rename(temporary, url.path) != 0 {
      throw EventsError(file: url.path, "cannot rename \(temporary) into place (errno \(errno))")
    }
  }
}
