import Events
import Foundation
import Pipeline

/// `load`: reads a dataset from its original files (or generates a synthetic one) into an
/// events container, `events.sdfe`.
struct LoadStage: Stage {
  let kind = "load"
  let version = 1
  let reads = ["dataset"]

  static let kinds = DatasetKind.allCases.map(\.rawValue) + ["synthetic"]

  var sections: [String: Schema] {
    ["dataset": .object([
      .init("kind", .choice(Self.kinds), required: true, doc: Self.kinds.joined(separator: " | ")),
      .init("root", .string, doc: "the folder holding the dataset's original files"),
      .init("like", .choice(SyntheticDataset.Like.allCases.map(\.rawValue)), default: "nmnist"),
      .init("train", .positiveInteger, default: 2000),
      .init("test", .positiveInteger, default: 500),
      .init("events_per_sample", .positiveInteger),
      .init("seed", .integer(min: 0), default: 0),
      .init("label_order", .choice(["spikingjelly", "natural"]), default: "spikingjelly"),
      .init("train_fraction", .number(min: 0, max: 1, exclusiveMinimum: true), default: 0.8),
      // No schema default: datasets with an official split never see it (their keys stay);
      // `expand` fills `per_seed` for Braille.
      .init("split_seed", .choice(["per_seed", "fixed"]),
            doc: "Braille only: per_seed (default) draws the 80/20 split from each run's seed, as the reference (unseeded shuffle); fixed uses the SpyTorch tutorial's numpy seed 42"),
    ])]
  }

  /// Adds `dataset.files`, a fingerprint of the dataset folder (names, sizes and modification
  /// times of its entries two levels deep: the archives and class folders), so that replacing
  /// the files under the same root reruns `load` and everything after it.
  func expand(_ config: SpecValue, context: ExpansionContext) throws -> SpecValue {
    var config = config
    if config[path: "dataset.kind"]?.stringValue == "braille", config[path: "dataset.split_seed"] == nil {
      config = config.setting("dataset.split_seed", to: .string("per_seed"))
    }
    guard let dataset = config[path: "dataset"], dataset[path: "kind"]?.stringValue != "synthetic",
      let root = dataset[path: "root"]?.stringValue, FileManager.default.fileExists(atPath: root)
    else { return config }
    return config.setting("dataset.files", to: .string(Self.fingerprint(root)))
  }

  static func fingerprint(_ root: String, depth: Int = 2) -> String {
    var lines: [String] = []
    func walk(_ path: String, _ relative: String, _ level: Int) {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
      for name in names.sorted() where !name.hasPrefix(".") {
        let full = path + "/" + name
        let attributes = (try? FileManager.default.attributesOfItem(atPath: full)) ?? [:]
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let isDirectory = (attributes[.type] as? FileAttributeType) == .typeDirectory
        lines.append("\(relative)\(name)\t\(isDirectory ? "dir" : String(size))\t\(Int64(modified * 1000))")
        if isDirectory && level < depth { walk(full, relative + name + "/", level + 1) }
      }
    }
    walk(root, "", 1)
    return Digest.sha256(lines.joined(separator: "\n"))
  }

  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] {
    if config[path: "dataset.split_seed"] != nil, config[path: "dataset.kind"]?.stringValue != "braille" {
      return [SpecError(locate("dataset.split_seed"), "'split_seed' applies to Braille only: the other datasets have an official split or use 'dataset.seed'",
                        hint: "remove 'split_seed' (N-Caltech101's random split follows 'dataset.seed')")]
    }
    guard let dataset = config[path: "dataset"], dataset[path: "kind"]?.stringValue != "synthetic" else { return [] }
    if dataset[path: "root"] == nil {
      return [SpecError(locate("dataset"), "dataset '\(dataset[path: "kind"]?.stringValue ?? "")' needs 'root', the folder of its files",
                        hint: "add 'root: ${SDFA_DATA:-data}/\(dataset[path: "kind"]?.stringValue ?? "")'")]
    }
    return []
  }

  func run(_ context: StageContext) throws {
    let kind = try context.string("dataset.kind")
    let output = context.outputDirectory.appendingPathComponent("events.sdfe")
    let seed = UInt64(try context.int("dataset.seed"))
    let report: (ProgressReport) -> Void = { p in
      context.progress(Double(p.completed) / Double(max(p.total, 1)), "\(p.completed)/\(p.total) samples")
    }
    if kind == "synthetic" {
      let like = SyntheticDataset.Like(rawValue: try context.string("dataset.like"))!
      try SyntheticDataset.write(
        like: like, train: try context.int("dataset.train"), test: try context.int("dataset.test"), seed: seed,
        eventsPerSample: context.param("dataset.events_per_sample")?.intValue, to: output, progress: report)
      context.log("synthetic \(like.rawValue): \(try context.int("dataset.train")) train, \(try context.int("dataset.test")) test samples")
      return
    }
    let dataset = DatasetKind(rawValue: kind)!
    let root = URL(fileURLWithPath: try context.string("dataset.root"))
    guard FileManager.default.fileExists(atPath: root.path) else { throw StageFailure(MissingData.message(dataset, root: root.path)) }
    var options = DatasetLoadOptions()
    options.seed = seed
    options.labelOrder = LabelOrder(rawValue: try context.string("dataset.label_order")) ?? .spikingjelly
    options.trainFraction = try context.double("dataset.train_fraction")
    // Braille per_seed: every sample goes to train; the train stage splits with the run's seed.
    options.brailleShuffleSeed = context.param("dataset.split_seed")?.stringValue == "fixed" ? 42 : nil
    let summary = try DatasetLoader.load(dataset, root: root, options: options, to: output, progress: report)
    context.log("\(kind) from \(root.path): \(summary.train) train, \(summary.test) test samples, \(summary.events) events")
  }
}
