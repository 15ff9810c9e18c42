import Foundation

/// A memory-mapped events container (see ``EventsContainerMetadata`` and the format table in
/// `EventsContainer+Format.swift`), validated on open.
///
/// ```swift
/// let events = try EventsContainer(contentsOf: url)
/// for i in events.sampleIndices(in: .train) {
///   let columns = events.columns(i)     // no copy
///   …
/// }
/// ```
public final class EventsContainer: @unchecked Sendable {
  public let url: URL
  public let metadata: EventsContainerMetadata
  private let file: SectionFileReader
  private let offsets: UnsafeBufferPointer<UInt64>
  private let labels: UnsafeBufferPointer<Int32>
  private let splits: UnsafeBufferPointer<UInt8>
  private let time: UnsafeBufferPointer<Int64>
  private let xcol: UnsafeBufferPointer<UInt16>
  private let ycol: UnsafeBufferPointer<UInt16>
  private let pcol: UnsafeBufferPointer<UInt8>
  private let vals: UnsafeBufferPointer<Float>

  /// Opens and validates a container; `verifyChecksum` also checks the payload CRC-32 (a pass
  /// over the whole file).
  public init(contentsOf url: URL, verifyChecksum: Bool = true) throws {
    self.url = url
    let path = url.path
    file = try SectionFileReader(
      path: path, magic: EventsContainerFormat.magic, supportedVersion: EventsContainerFormat.version,
      verifyPayload: verifyChecksum)
    let metaBytes = try file.raw("meta")
    do {
      metadata = try JSONDecoder().decode(EventsContainerMetadata.self, from: Data(metaBytes))
    } catch {
      throw EventsError(file: path, .byte(file.sections["meta"]!.offset), "unreadable metadata: \(error)")
    }
    switch metadata.layout {
    case .camera(let w, let h) where (1...65536).contains(w) && (1...65536).contains(h): break
    case .channels(let n) where (1...65536).contains(n): break
    default: throw EventsError(file: path, .byte(file.sections["meta"]!.offset), "implausible sensor layout \(metadata.layout)")
    }
    offsets = try file.typed("offs", as: UInt64.self)
    guard offsets.count >= 1, offsets[0] == 0 else { throw EventsError(file: path, "sample offsets table is empty or does not start at 0") }
    let n = offsets.count - 1
    labels = try file.typed("labl", as: Int32.self, count: n)
    splits = try file.typed("splt", as: UInt8.self, count: n)
    guard let events = Int(exactly: offsets[n]), events < Int.max / 8 else {
      throw EventsError(file: path, .byte(file.sections["offs"]!.offset + 8 * n), "event count \(offsets[n]) is impossible")
    }
    time = try file.typed("time", as: Int64.self, count: events)
    xcol = try file.typed("xcol", as: UInt16.self, count: events)
    if case .camera = metadata.layout {
      ycol = try file.typed("ycol", as: UInt16.self, count: events)
      pcol = try file.typed("pcol", as: UInt8.self, count: events)
    } else {
      ycol = UnsafeBufferPointer(start: nil, count: 0)
      pcol = UnsafeBufferPointer(start: nil, count: 0)
    }
    vals = metadata.hasValues ? try file.typed("vals", as: Float.self, count: events) : UnsafeBufferPointer(start: nil, count: 0)
    let classes = metadata.classNames.count
    for i in 0..<n {
      guard offsets[i] <= offsets[i + 1] else { throw EventsError(file: path, .sample(i), "event offsets decrease") }
      guard labels[i] >= 0, Int(labels[i]) < classes else { throw EventsError(file: path, .sample(i), "label \(labels[i]) outside 0..<\(classes)") }
      guard splits[i] <= 1 else { throw EventsError(file: path, .sample(i), "split marker \(splits[i]) is not 0 or 1") }
    }
    var perSplit: [[Int]] = [[], []]
    for i in 0..<n { perSplit[Int(splits[i])].append(i) }
    splitIndices = perSplit
  }

  private let splitIndices: [[Int]]

  public var layout: SensorLayout { metadata.layout }
  public var timeBase: TimeBase { metadata.timeBase }
  public var classNames: [String] { metadata.classNames }
  /// All samples, both splits.
  public var sampleCount: Int { labels.count }
  /// All events of all samples.
  public var eventCount: Int { time.count }

  /// The class index of sample `i` (a container-wide index).
  public func label(_ i: Int) -> Int { Int(labels[i]) }
  /// The split of sample `i`.
  public func split(_ i: Int) -> DatasetSplit { DatasetSplit(rawValue: splits[i])! }
  /// Container-wide indices of the samples in `split`, in stored order.
  public func sampleIndices(in split: DatasetSplit) -> [Int] { splitIndices[Int(split.rawValue)] }
  /// The number of samples in `split`.
  public func count(split: DatasetSplit) -> Int { splitIndices[Int(split.rawValue)].count }
  /// The number of events of sample `i`.
  public func eventCount(_ i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }

  /// Zero-copy views of sample `i`'s columns.
  public func columns(_ i: Int) -> EventColumns {
    let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
    func slice<T>(_ b: UnsafeBufferPointer<T>) -> UnsafeBufferPointer<T> {
      b.isEmpty ? b : UnsafeBufferPointer(rebasing: b[lo..<hi])
    }
    return EventColumns(t: slice(time), x: slice(xcol), y: slice(ycol), p: slice(pcol), values: slice(vals))
  }

  /// Tells the system that samples `samples` will not be read again soon: their pages leave
  /// this process's resident set (they stay in the page cache). Long sequential passes call
  /// this to keep memory flat.
  public func releasePages(samples: Range<Int>) {
    guard !samples.isEmpty else { return }
    let events = Int(offsets[samples.lowerBound])..<Int(offsets[samples.upperBound])
    for tag in ["time", "xcol", "ycol", "pcol", "vals"] { file.releasePages(tag, elements: events) }
  }

  /// An owned copy of sample `i`.
  public func sample(_ i: Int) -> EventSample { columns(i).sample }
}
