import Foundation

/// The active features of one (sample, time step): parallel, ascending `indices` and their
/// `values`. Views into the memory-mapped container; valid while it lives.
public struct SparseFrame {
  public let indices: UnsafeBufferPointer<Int32>
  public let values: UnsafeBufferPointer<Float>
  /// The number of active features.
  public var count: Int { indices.count }
}

/// A memory-mapped frames container (the training engine's input), validated on open.
///
/// Samples are addressed either container-wide (`sample:`) or within a split (`split:index:`).
/// Access is allocation-free:
///
/// ```swift
/// let frames = try FramesContainer(contentsOf: url)
/// let n = frames.count(split: .train)
/// for t in 0..<frames.timeSteps {
///   let active = frames.activeFeatures(split: .train, index: 0, step: t)
///   for k in 0..<active.count { input[Int(active.indices[k])] = active.values[k] }
/// }
/// ```
public final class FramesContainer: @unchecked Sendable {
  public let url: URL
  public let metadata: FramesContainerMetadata
  private let file: SectionFileReader
  private let sampleOffsets: UnsafeBufferPointer<UInt64>
  private let stepOffsets: UnsafeBufferPointer<UInt64>
  private let labels: UnsafeBufferPointer<Int32>
  private let splits: UnsafeBufferPointer<UInt8>
  /// The `entr` section: per sample, its indices then its values.
  private let entries: UnsafeBufferPointer<Int32>
  private let splitIndices: [[Int]]

  /// Opens and validates a container (offsets, labels, feature indices in range);
  /// `verifyChecksum` also checks the payload CRC-32.
  public init(contentsOf url: URL, verifyChecksum: Bool = true) throws {
    self.url = url
    let path = url.path
    file = try SectionFileReader(
      path: path, magic: FramesContainerFormat.magic, supportedVersion: FramesContainerFormat.version,
      verifyPayload: verifyChecksum)
    do {
      metadata = try JSONDecoder().decode(FramesContainerMetadata.self, from: Data(try file.raw("meta")))
    } catch let error as EventsError {
      throw error
    } catch {
      throw EventsError(file: path, .byte(file.sections["meta"]?.offset ?? 0), "unreadable metadata: \(error)")
    }
    guard metadata.timeSteps >= 0, !metadata.inputShape.isEmpty,
      metadata.inputShape.allSatisfy({ (1...(1 << 20)).contains($0) }),
      metadata.inputShape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) <= 1 << 31
    else {
      throw EventsError(file: path, .byte(file.sections["meta"]!.offset), "implausible time steps \(metadata.timeSteps) or input shape \(metadata.inputShape)")
    }
    sampleOffsets = try file.typed("soff", as: UInt64.self)
    guard sampleOffsets.count >= 1, sampleOffsets[0] == 0 else { throw EventsError(file: path, "sample offsets table is empty or does not start at 0") }
    let n = sampleOffsets.count - 1
    guard let totalSteps = Int(exactly: sampleOffsets[n]), totalSteps < Int.max / 8 else {
      throw EventsError(file: path, .byte(file.sections["soff"]!.offset + 8 * n), "step count \(sampleOffsets[n]) is impossible")
    }
    stepOffsets = try file.typed("toff", as: UInt64.self, count: totalSteps + 1)
    labels = try file.typed("labl", as: Int32.self, count: n)
    splits = try file.typed("splt", as: UInt8.self, count: n)
    guard let entryCount = Int(exactly: stepOffsets[stepOffsets.count - 1]), entryCount < Int.max / 8 else {
      throw EventsError(file: path, .byte(file.sections["toff"]!.offset + 8 * totalSteps), "entry count is impossible")
    }
    entries = try file.typed("entr", as: Int32.self, count: 2 * entryCount)
    let features = metadata.inputShape.reduce(1, *)
    let classes = metadata.classNames.count
    for i in 0..<n {
      let steps = sampleOffsets[i + 1] &- sampleOffsets[i]
      guard sampleOffsets[i] <= sampleOffsets[i + 1], !metadata.fixedTimeSteps || steps == UInt64(metadata.timeSteps) else {
        throw EventsError(file: path, .sample(i), "has \(Int64(bitPattern: steps)) time steps, expected \(metadata.timeSteps)")
      }
      guard labels[i] >= 0, Int(labels[i]) < classes else { throw EventsError(file: path, .sample(i), "label \(labels[i]) outside 0..<\(classes)") }
      guard splits[i] <= 1 else { throw EventsError(file: path, .sample(i), "split marker \(splits[i]) is not 0 or 1") }
    }
    for s in 0..<(stepOffsets.count - 1) where stepOffsets[s] > stepOffsets[s + 1] {
      throw EventsError(file: path, .byte(file.sections["toff"]!.offset + 8 * s), "step offsets decrease at step \(s)")
    }
    let entryBase = file.sections["entr"]!.offset
    for i in 0..<n {
      let lo = Int(stepOffsets[Int(sampleOffsets[i])]), hi = Int(stepOffsets[Int(sampleOffsets[i + 1])])
      for k in (2 * lo)..<(lo + hi) where entries[k] < 0 || Int(entries[k]) >= features {
        throw EventsError(file: path, .byte(entryBase + 4 * k), "sample \(i): feature index \(entries[k]) outside 0..<\(features)")
      }
      if i % 1024 == 1023 || i == n - 1 { file.releasePages("entr", elements: 0..<(2 * hi)) }
    }
    var perSplit: [[Int]] = [[], []]
    for i in 0..<n { perSplit[Int(splits[i])].append(i) }
    splitIndices = perSplit
  }

  /// Time steps per sample (the largest, when they vary).
  public var timeSteps: Int { metadata.timeSteps }
  /// Per-step input shape: [2, H, W] for cameras, [units] for channel data.
  public var inputShape: [Int] { metadata.inputShape }
  /// Features per time step (product of ``inputShape``).
  public var featureCount: Int { metadata.inputShape.reduce(1, *) }
  public var classNames: [String] { metadata.classNames }
  public var classCount: Int { metadata.classNames.count }
  /// Samples of both splits.
  public var sampleCount: Int { labels.count }

  /// The number of samples in `split`.
  public func count(split: DatasetSplit) -> Int { splitIndices[Int(split.rawValue)].count }
  /// Container-wide indices of the samples of `split`.
  public func sampleIndices(in split: DatasetSplit) -> [Int] { splitIndices[Int(split.rawValue)] }
  /// Container-wide index of the `index`-th sample of `split`.
  public func sampleIndex(split: DatasetSplit, index: Int) -> Int { splitIndices[Int(split.rawValue)][index] }
  /// Class of the `index`-th sample of `split`.
  public func label(split: DatasetSplit, _ index: Int) -> Int { Int(labels[sampleIndex(split: split, index: index)]) }
  /// Class of container-wide sample `sample`.
  public func label(_ sample: Int) -> Int { Int(labels[sample]) }
  /// Split of container-wide sample `sample`.
  public func split(_ sample: Int) -> DatasetSplit { DatasetSplit(rawValue: splits[sample])! }
  /// Time steps of container-wide sample `sample`.
  public func stepCount(_ sample: Int) -> Int { Int(sampleOffsets[sample + 1] - sampleOffsets[sample]) }

  /// The active features of container-wide sample `sample` at time step `step`.
  /// O(1), allocation-free; a step past the sample's last is empty.
  @inline(__always)
  public func activeFeatures(sample: Int, step: Int) -> SparseFrame {
    let row = Int(sampleOffsets[sample]) + step
    guard step < stepCount(sample), stepOffsets[row] < stepOffsets[row + 1] else {
      return SparseFrame(indices: UnsafeBufferPointer(start: nil, count: 0), values: UnsafeBufferPointer(start: nil, count: 0))
    }
    let lo = Int(stepOffsets[row]), hi = Int(stepOffsets[row + 1])
    // Sample block: indices of entries [first, last), then their values.
    let first = Int(stepOffsets[Int(sampleOffsets[sample])]), last = Int(stepOffsets[Int(sampleOffsets[sample + 1])])
    let base = entries.baseAddress! + 2 * first
    return SparseFrame(
      indices: UnsafeBufferPointer(start: base + (lo - first), count: hi - lo),
      values: UnsafeBufferPointer(start: UnsafeRawPointer(base + (last - first) + (lo - first)).assumingMemoryBound(to: Float.self), count: hi - lo))
  }

  /// The active features of the `index`-th sample of `split` at time step `step`.
  @inline(__always)
  public func activeFeatures(split: DatasetSplit, index: Int, step: Int) -> SparseFrame {
    activeFeatures(sample: sampleIndex(split: split, index: index), step: step)
  }

  /// Writes time step `step` of `sample` densely into `buffer` (``featureCount`` floats,
  /// zeroed first).
  public func fillDense(sample: Int, step: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
    precondition(buffer.count >= featureCount, "buffer holds \(buffer.count) floats, a frame needs \(featureCount)")
    buffer.update(repeating: 0)
    let frame = activeFeatures(sample: sample, step: step)
    for k in 0..<frame.count { buffer[Int(frame.indices[k])] = frame.values[k] }
  }

  /// Writes all ``timeSteps`` frames of `sample` densely into `buffer`, laid out
  /// [T][featureCount] (missing steps of shorter samples are zero).
  public func fillDense(sample: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
    let f = featureCount
    precondition(buffer.count >= timeSteps * f, "buffer holds \(buffer.count) floats, a sample needs \(timeSteps * f)")
    for t in 0..<timeSteps {
      fillDense(sample: sample, step: t, into: UnsafeMutableBufferPointer(rebasing: buffer[(t * f)..<((t + 1) * f)]))
    }
  }

  /// Writes time step `step` of every sample in `samples` densely into `buffer`, laid out
  /// [samples.count][featureCount] (a training batch at one step), zeroing it first.
  public func fillDense(samples: [Int], step: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
    let f = featureCount
    precondition(buffer.count >= samples.count * f, "buffer holds \(buffer.count) floats, the batch needs \(samples.count * f)")
    guard let base = buffer.baseAddress else { return }
    base.update(repeating: 0, count: samples.count * f)
    for (row, sample) in samples.enumerated() {
      let frame = activeFeatures(sample: sample, step: step)
      let out = base + row * f
      for k in 0..<frame.count { out[Int(frame.indices[k])] = frame.values[k] }
    }
  }

  /// Drops the pages of `samples`' frames from this process's resident set (they stay in the
  /// page cache); for long passes over containers larger than memory.
  public func releasePages(samples: Range<Int>) {
    guard !samples.isEmpty else { return }
    let first = Int(stepOffsets[Int(sampleOffsets[samples.lowerBound])])
    let last = Int(stepOffsets[Int(sampleOffsets[samples.upperBound])])
    file.releasePages("entr", elements: (2 * first)..<(2 * last))
  }

  /// A dense copy of one sample, [T][featureCount] (convenient in tests).
  public func denseFrames(sample: Int) -> [Float] {
    var out = [Float](repeating: 0, count: timeSteps * featureCount)
    out.withUnsafeMutableBufferPointer { fillDense(sample: sample, into: $0) }
    return out
  }
}
