import CHDF5
import Foundation
import _CHDF5Shim

/// Spiking Heidelberg Digits: `shd_train.h5` / `shd_test.h5` (datasets.md §3), read through
/// libhdf5. Spike times are float16 seconds, kept exactly (``TimeBase/float16Seconds``); units
/// 0…699; labels as stored (spikingjelly's event mode applies no permutation).
public enum SHD: DatasetReader {
  /// One opened SHD file, read sample by sample.
  public final class File {
    public let path: String
    private var handle = sdfa_shd_file()
    /// Samples in the file.
    public var count: Int { Int(handle.count) }

    public init(path: String) throws {
      self.path = path
      let status = sdfa_shd_open(path, &handle)
      guard status == 0 else {
        let what = [
          -1: "not a readable HDF5 file", -2: "missing dataset /spikes/times", -3: "missing dataset /spikes/units",
          -4: "missing dataset /labels", -5: "/spikes/times, /spikes/units and /labels are not 1-D of equal length",
        ][Int(status)] ?? "cannot open"
        throw EventsError(file: path, what)
      }
    }

    deinit { sdfa_shd_close(&handle) }

    /// Every label.
    public func labels() throws -> [Int] {
      var out = [Int64](repeating: 0, count: count)
      guard withUnsafePointer(to: handle, { h in out.withUnsafeMutableBufferPointer { sdfa_shd_read_labels(h, $0.baseAddress) } }) == 0 else {
        throw EventsError(file: path, "cannot read /labels")
      }
      return out.map(Int.init)
    }

    /// `/extra/keys`, when present.
    public func classNames() -> [String]? {
      var buffer = [CChar](repeating: 0, count: 1 << 16)
      let n = withUnsafePointer(to: handle) { h in buffer.withUnsafeMutableBufferPointer { sdfa_shd_read_keys(h, $0.baseAddress, $0.count) } }
      guard n > 0 else { return nil }
      let names = buffer.split(separator: 0, omittingEmptySubsequences: false).prefix(Int(n))
      return names.map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    /// Sample `index` as (t in ticks of 2⁻²⁴ s, unit) events in file order.
    public func sample(_ index: Int) throws -> EventSample {
      var capacity = 16_384
      while true {
        var times = [Float](repeating: 0, count: capacity)
        var units = [UInt16](repeating: 0, count: capacity)
        let n = withUnsafePointer(to: handle) { h in
          times.withUnsafeMutableBufferPointer { t in
            units.withUnsafeMutableBufferPointer { u in sdfa_shd_read_sample(h, Int64(index), t.baseAddress, u.baseAddress, Int64(capacity)) }
          }
        }
        if n == -2 { throw EventsError(file: path, .sample(index), "times and units differ in length") }
        guard n >= 0 else { throw EventsError(file: path, .sample(index), "cannot read spikes") }
        if Int(n) > capacity {
          capacity = Int(n)
          continue
        }
        var s = EventSample()
        s.t.reserveCapacity(Int(n))
        s.x.reserveCapacity(Int(n))
        for k in 0..<Int(n) {
          let seconds = times[k]
          guard seconds.isFinite, seconds >= 0, Float(Float16(seconds)) == seconds else {
            throw EventsError(file: path, .sample(index), "spike \(k): time \(seconds) is not a non-negative float16 value")
          }
          guard units[k] < 700 else { throw EventsError(file: path, .sample(index), "spike \(k): unit \(units[k]) outside 0…699") }
          s.t.append(Int64(Double(seconds) * 16_777_216))
          s.x.append(units[k])
        }
        return s
      }
    }
  }

  /// Writes an SHD-layout HDF5 file (float16 times, uint16 units, labels, optional
  /// `/extra/keys`), for fixtures and tests. `samples[i]` lists (seconds, unit) spikes.
  public static func writeFile(
    to url: URL, samples: [[(seconds: Float16, unit: UInt16)]], labels: [Int], classNames: [String]? = nil
  ) throws {
    precondition(samples.count == labels.count)
    var offsets: [Int64] = [0]
    var times: [Float] = [], units: [UInt16] = []
    for s in samples {
      times += s.map { Float($0.seconds) }
      units += s.map(\.unit)
      offsets.append(Int64(times.count))
    }
    let keys = (classNames ?? []).map { strdup($0) }
    defer { keys.forEach { free($0) } }
    let status = keys.map { UnsafePointer<CChar>($0) }.withUnsafeBufferPointer { k in
      sdfa_shd_write(url.path, Int64(samples.count), offsets, times, units, labels.map(Int64.init), classNames == nil ? nil : k.baseAddress, Int64(k.count))
    }
    guard status == 0 else { throw EventsError(file: url.path, "cannot write HDF5 file") }
  }

  /// Reads the dataset under `root` into an events container; see ``DatasetReader``.
  public static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    let files = [(DatasetSplit.train, "shd_train.h5"), (.test, "shd_test.h5")].map { ($0.0, root.appendingPathComponent($0.1)) }
    for (_, url) in files where !FileManager.default.fileExists(atPath: url.path) {
      throw EventsError(file: url.path, "missing (download shd_train.h5.zip / shd_test.h5.zip and extract them)")
    }
    let opened = try files.map { ($0.0, try File(path: $0.1.path)) }
    let classNames = opened[0].1.classNames() ?? SyntheticDataset.shdClassNames
    let writer = try EventsContainerWriter(
      to: output,
      metadata: EventsContainerMetadata(
        datasetKind: "shd", layout: .channels(count: 700), timeBase: .float16Seconds, classNames: classNames,
        sources: options.sources))
    let total = opened.reduce(0) { $0 + $1.1.count }
    var done = 0, events = 0, counts = [0, 0]
    for (split, file) in opened {
      let labels = try file.labels()
      for i in 0..<file.count {
        let s = try file.sample(i)
        guard (0..<classNames.count).contains(labels[i]) else {
          throw EventsError(file: file.path, .sample(i), "label \(labels[i]) outside 0..<\(classNames.count)")
        }
        try writer.append(s, label: labels[i], split: split)
        events += s.count
        counts[Int(split.rawValue)] += 1
        done += 1
        if let progress, done % 256 == 0 || done == total { progress(ProgressReport(completed: done, total: total)) }
      }
    }
    try writer.finish()
    return LoadSummary(train: counts[0], test: counts[1], events: events, classNames: classNames)
  }
}
