import Foundation

/// Streams samples into an events container: columns go to temporary spool files as samples
/// arrive, and ``finish()`` assembles the container, so memory use stays at one sample.
///
/// ```swift
/// let writer = try EventsContainerWriter(to: url, metadata: .init(
///   datasetKind: "nmnist", layout: .camera(width: 34, height: 34),
///   timeBase: .microseconds, classNames: (0..<10).map(String.init)))
/// try writer.append(sample, label: 3, split: .train)
/// try writer.finish()
/// ```
public final class EventsContainerWriter {
  public let url: URL
  public private(set) var metadata: EventsContainerMetadata
  private var offsets: [UInt64] = [0]
  private var labels: [Int32] = []
  private var splits: [UInt8] = []
  /// Timestamps (the widest column) stream straight into the final file's first section;
  /// the narrower columns wait in spools.
  private let file: SectionFileWriter
  private let xcol: ColumnSpool
  private let ycol, pcol, vals: ColumnSpool?
  private var finished = false

  deinit {
    if !finished { unlink(url.path + ".partial") }
  }

  /// The number of samples appended so far.
  public var sampleCount: Int { labels.count }

  public init(to url: URL, metadata: EventsContainerMetadata) throws {
    self.url = url
    self.metadata = metadata
    let base = url.path + ".spool"
    file = try SectionFileWriter(path: url.path + ".partial", magic: EventsContainerFormat.magic, version: EventsContainerFormat.version)
    try file.beginSection("time", elementSize: 8)
    xcol = try ColumnSpool(path: base + ".xcol")
    if case .camera = metadata.layout {
      ycol = try ColumnSpool(path: base + ".ycol")
      pcol = try ColumnSpool(path: base + ".pcol")
    } else {
      ycol = nil
      pcol = nil
    }
    vals = metadata.hasValues ? try ColumnSpool(path: base + ".vals") : nil
  }

  /// Records a source file in the provenance list.
  public func addSource(_ source: SourceFile) { metadata.sources.append(source) }

  /// Appends one sample; its columns are checked against the layout (lengths, coordinate
  /// ranges, polarity 0/1) and the label against the class names.
  public func append(_ sample: EventSample, label: Int, split: DatasetSplit) throws {
    precondition(!finished, "append after finish")
    let index = labels.count
    let n = sample.t.count
    func fail(_ message: String) -> EventsError { EventsError(file: url.path, .sample(index), message) }
    guard (0..<metadata.classNames.count).contains(label) else {
      throw fail("label \(label) outside 0..<\(metadata.classNames.count)")
    }
    guard sample.x.count == n else { throw fail("x has \(sample.x.count) events, t has \(n)") }
    if metadata.hasValues, sample.values.count != n { throw fail("values has \(sample.values.count) events, t has \(n)") }
    switch metadata.layout {
    case .camera(let w, let h):
      guard sample.y.count == n, sample.p.count == n else { throw fail("y/p lengths differ from t (\(n))") }
      if let k = sample.x.firstIndex(where: { Int($0) >= w }) { throw fail("event \(k): x = \(sample.x[k]) outside sensor width \(w)") }
      if let k = sample.y.firstIndex(where: { Int($0) >= h }) { throw fail("event \(k): y = \(sample.y[k]) outside sensor height \(h)") }
      if let k = sample.p.firstIndex(where: { $0 > 1 }) { throw fail("event \(k): polarity \(sample.p[k]) is not 0 or 1") }
      try ycol!.append(sample.y)
      try pcol!.append(sample.p)
    case .channels(let units):
      if let k = sample.x.firstIndex(where: { Int($0) >= units }) { throw fail("event \(k): unit \(sample.x[k]) outside 0..<\(units)") }
    }
    try file.write(sample.t)
    try xcol.append(sample.x)
    if let vals { try vals.append(sample.values) }
    offsets.append(offsets[offsets.count - 1] + UInt64(n))
    labels.append(Int32(label))
    splits.append(split.rawValue)
  }

  /// Writes the container (to a temporary name, then renamed into place) and removes the spools.
  public func finish() throws {
    precondition(!finished)
    finished = true
    let temporary = url.path + ".partial"
    let writer = file
    writer.endSection()
    for (tag, spool, size) in [("xcol", xcol, 2), ("ycol", ycol, 2), ("pcol", pcol, 1), ("vals", vals, 4)] {
      guard let spool else { continue }
      try writer.beginSection(tag, elementSize: size)
      try spool.copy(into: writer)
      writer.endSection()
    }
    try writer.section("offs", offsets)
    try writer.section("labl", labels)
    try writer.section("splt", splits)
    try writer.section("meta", canonicalJSON(metadata))
    try writer.finish()
    if rename(temporary, url.path) != 0 {
      throw EventsError(file: url.path, "cannot rename \(temporary) into place (errno \(errno))")
    }
  }
}
