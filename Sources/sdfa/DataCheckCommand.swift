import ArgumentParser
import CLI
import Events
import Foundation
import Stages

/// `sdfa data check KIND ROOT`: reads a dataset from its original files exactly as the `load`
/// stage does, into a temporary events container, and prints what it found.
struct DataCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Read a dataset from its original files and print its samples per split and class.",
    discussion: """
      Reads every file as the 'load' stage would (into a temporary container, removed \
      afterwards). A truncated or corrupt file stops the check with its name and byte offset \
      (exit status 1); a missing ROOT says where to download the dataset.

      Examples:
        sdfa data check nmnist data/nmnist            # Train/<digit>/*.bin, Test/<digit>/*.bin or the zips
        sdfa data check braille data/braille --seed 3
      """)

  @Argument(help: ArgumentHelp("Dataset kind.", valueName: "kind")) var kind: DatasetKind
  @Argument(help: ArgumentHelp("The folder (or archive) holding the dataset's original files.", valueName: "root"),
            completion: .file()) var root: String
  @Option(name: .customLong("label-order"), help: "Class order: string-sorted as spikingjelly, or natural.")
  var labelOrder: LabelOrder = .spikingjelly
  @Option(name: .long, help: "Seed of the random train/test split (N-Caltech101, Braille).") var seed: UInt64 = 0
  @Option(name: .customLong("train-fraction"), help: "Train fraction where the dataset has no official split.")
  var trainFraction: Double = 0.8

  func validate() throws {
    guard trainFraction > 0, trainFraction <= 1 else { throw ValidationError("--train-fraction must be in (0, 1]") }
  }

  func run() throws {
    let rootURL = URL(fileURLWithPath: root)
    guard FileManager.default.fileExists(atPath: rootURL.path) else {
      Terminal.error("error: " + MissingData.message(kind, root: root))
      throw ExitCode(1)
    }
    var options = DatasetLoadOptions()
    options.labelOrder = labelOrder
    options.seed = seed
    options.trainFraction = trainFraction

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-data-check-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let output = scratch.appendingPathComponent("events.sdfe")
    let interactive = Terminal.isInteractive
    do {
      try DatasetLoader.load(kind, root: rootURL, options: options, to: output) { p in
        if interactive { Terminal.raw("\r\u{1B}[Kreading \(p.completed)/\(p.total) samples") }
      }
      if interactive { Terminal.raw("\r\u{1B}[K") }
      let container = try EventsContainer(contentsOf: output)
      Terminal.out(DatasetCensus(container).report(kind: kind, root: root, labelOrder: labelOrder))
    } catch let error as EventsError {
      if interactive { Terminal.raw("\r\u{1B}[K") }
      Terminal.error(error.description)
      Terminal.error("\(kind.rawValue) at \(root): check failed")
      throw ExitCode(1)
    } catch {
      if interactive { Terminal.raw("\r\u{1B}[K") }
      Terminal.error("\(root): error: \(error)")
      throw ExitCode(1)
    }
  }
}

/// Samples and events per split and class of an events container.
struct DatasetCensus {
  var classNames: [String]
  /// [class][split] sample counts.
  var samples: [[Int]]
  /// [class][split] event counts.
  var events: [[Int]]
  var layout: SensorLayout

  init(_ container: EventsContainer) {
    classNames = container.classNames
    layout = container.layout
    samples = Array(repeating: [0, 0], count: classNames.count)
    events = samples
    for i in 0..<container.sampleCount {
      let c = container.label(i), s = Int(container.split(i).rawValue)
      samples[c][s] += 1
      events[c][s] += container.eventCount(i)
    }
  }

  /// A header line, then one row per class and a total row.
  func report(kind: DatasetKind, root: String, labelOrder: LabelOrder) -> String {
    let train = samples.reduce(0) { $0 + $1[0] }, test = samples.reduce(0) { $0 + $1[1] }
    let totalEvents = events.reduce(0) { $0 + $1[0] + $1[1] }
    let sensor: String
    switch layout {
    case .camera(let w, let h): sensor = "\(w)×\(h) camera"
    case .channels(let n): sensor = "\(n) channels"
    }
    var lines = [
      "\(kind.rawValue) at \(root): \(counted(train + test, "sample")) (\(grouped(train)) train, \(grouped(test)) test), "
        + "\(counted(classNames.count, "class", "classes")) (\(labelOrder.rawValue) order), \(counted(totalEvents, "event")), \(sensor)",
      "",
    ]
    let header = ["label", "class", "train", "test", "events/sample"]
    var rows: [[String]] = []
    for (label, name) in classNames.enumerated() {
      let n = samples[label][0] + samples[label][1]
      rows.append([String(label), name, grouped(samples[label][0]), grouped(samples[label][1]),
                   n == 0 ? "—" : grouped((events[label][0] + events[label][1]) / n)])
    }
    rows.append(["", "total", grouped(train), grouped(test), train + test == 0 ? "—" : grouped(totalEvents / (train + test))])
    let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c == 1 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    lines.append(line(header))
    lines += rows.map(line)
    let empty = classNames.indices.filter { samples[$0][0] == 0 || samples[$0][1] == 0 }
    if !empty.isEmpty {
      lines.append("")
      lines.append("note: no samples in one split for class\(empty.count == 1 ? "" : "es") "
        + empty.prefix(10).map { "'\(classNames[$0])'" }.joined(separator: ", ") + (empty.count > 10 ? ", …" : ""))
    }
    return lines.joined(separator: "\n")
  }
}

/// `1 sample`, `60,000 samples`.
func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
  "\(grouped(n)) \(n == 1 ? singular : plural ?? singular + "s")"
}

/// `60000` → `60,000`.
func grouped(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, ch) in digits.enumerated() {
    if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(ch)
  }
  return n < 0 ? "-" + out : out
}
