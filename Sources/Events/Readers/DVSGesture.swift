import Foundation

/// DVS128 Gesture: `userNN_<light>.aedat` recordings with `…_labels.csv` and the
/// `trials_to_train.txt` / `trials_to_test.txt` lists, cut into one sample per CSV row as
/// spikingjelly does (events with `start ≤ t < end`, file order kept).
public enum DVSGesture: DatasetReader {
  /// Class names in natural label order (`gesture_mapping.csv`, class k + 1 ↦ label k).
  public static let classNames = [
    "hand_clapping", "right_hand_wave", "left_hand_wave", "right_arm_clockwise",
    "right_arm_counter_clockwise", "left_arm_clockwise", "left_arm_counter_clockwise", "arm_roll",
    "air_drums", "air_guitar", "other_gestures",
  ]

  /// The label of natural class index `k` (0…10) under `order`: spikingjelly string-sorts the
  /// folder names `0…10`, so 10 becomes 2, 2 becomes 3, ….
  public static func label(ofClass k: Int, order: LabelOrder) -> Int {
    order == .natural ? k : LabelOrder.spikingjelly.sorted((0..<11).map(String.init)).firstIndex(of: String(k))!
  }

  /// One row of a `_labels.csv`.
  public struct Segment: Equatable, Sendable {
    /// Class index 0…10 (CSV class − 1).
    public var classIndex: Int
    public var start: Int64
    public var end: Int64
  }

  /// Parses a `_labels.csv` (header row, then `class,startTime_usec,endTime_usec`).
  public static func parseLabels(_ text: String, file: String) throws -> [Segment] {
    var segments: [Segment] = []
    for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if n == 0 || line.isEmpty { continue }
      let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard fields.count == 3, let c = Int(fields[0]), let s = Int64(fields[1]), let e = Int64(fields[2]) else {
        throw EventsError(file: file, .line(n + 1), "expected 'class,startTime_usec,endTime_usec', found '\(line)'")
      }
      guard (1...11).contains(c) else { throw EventsError(file: file, .line(n + 1), "class \(c) outside 1…11") }
      segments.append(Segment(classIndex: c - 1, start: s, end: e))
    }
    return segments
  }

  /// Reads the dataset under `root` into an events container; see ``DatasetReader``.
  public static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    let fm = FileManager.default
    let folder = fm.fileExists(atPath: root.appendingPathComponent("trials_to_train.txt").path)
      ? root : root.appendingPathComponent("DvsGesture")
    var trials: [(String, DatasetSplit)] = []
    for (name, split) in [("trials_to_train.txt", DatasetSplit.train), ("trials_to_test.txt", .test)] {
      let list = folder.appendingPathComponent(name)
      guard let text = try? String(contentsOf: list, encoding: .utf8) else {
        throw EventsError(file: list.path, "missing trial list (expected DvsGesture/\(name))")
      }
      for line in text.split(whereSeparator: \.isNewline) {
        let trial = line.trimmingCharacters(in: .whitespaces)
        if !trial.isEmpty { trials.append((trial, split)) }
      }
    }
    let names = (0..<11).map { k in (k, label(ofClass: k, order: options.labelOrder)) }
    var classNames = [String](repeating: "", count: 11)
    for (k, l) in names { classNames[l] = Self.classNames[k] }
    let writer = try EventsContainerWriter(
      to: output,
      metadata: EventsContainerMetadata(
        datasetKind: "dvsgesture", layout: .camera(width: 128, height: 128), timeBase: .microseconds,
        classNames: classNames, sources: options.sources, attributes: ["label_order": options.labelOrder.rawValue]))
    var counts = (train: 0, test: 0), events = 0
    for (n, (trial, split)) in trials.enumerated() {
      let aedat = folder.appendingPathComponent(trial)
      let csv = folder.appendingPathComponent(trial.replacingOccurrences(of: ".aedat", with: "") + "_labels.csv")
      guard let bytes = try? Data(contentsOf: aedat) else { throw EventsError(file: aedat.path, "listed trial is missing or unreadable") }
      guard let text = try? String(contentsOf: csv, encoding: .utf8) else { throw EventsError(file: csv.path, "label file is missing or unreadable") }
      let segments = try parseLabels(text, file: csv.path)
      let recording = try AEDAT31.decode(Array(bytes), file: aedat.path)
      let all = recording.sample
      for segment in segments {
        var s = EventSample()
        for i in 0..<all.count where all.t[i] >= segment.start && all.t[i] < segment.end {
          s.t.append(all.t[i])
          s.x.append(all.x[i])
          s.y.append(all.y[i])
          s.p.append(all.p[i])
        }
        try writer.append(s, label: label(ofClass: segment.classIndex, order: options.labelOrder), split: split)
        events += s.count
        if split == .train { counts.train += 1 } else { counts.test += 1 }
      }
      progress?(ProgressReport(completed: n + 1, total: trials.count))
    }
    try writer.finish()
    return LoadSummary(train: counts.train, test: counts.test, events: events, classNames: classNames)
  }
}
