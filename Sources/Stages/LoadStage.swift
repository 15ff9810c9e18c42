import Events
import Foundation
import Pipeline

/// `load`: reads a dataset from its original files (or generates a synthetic one) into an
/// events container, `events.sdfe`.
struct LoadStage: Stage {
  let kind = "load"
  let version = 2
  let reads = [
    "dataset.kind", "dataset.files", "dataset.seed", "dataset.label_order", "dataset.train_fraction",
    "dataset.like", "dataset.train", "dataset.test", "dataset.events_per_sample", "dataset.split_seed",
  ]
  /// Where the files are is not what they are: `dataset.files` (their content digest) is keyed
  /// instead, so the same data under another path hits the cache. `expand` makes the root
  /// absolute and adds `dataset.root_written` (what the spec said, and why it means that
  /// folder) for the message when the folder is missing.
  let settings = ["dataset.root", "dataset.root_written"]

  /// A synthetic dataset is made from its size and seed; a real one is its files' content
  /// with the loader's options.
  func reads(in config: SpecValue) -> [String] {
    if config[path: "dataset.kind"]?.stringValue == "synthetic" {
      return ["dataset.kind", "dataset.like", "dataset.train", "dataset.test", "dataset.events_per_sample", "dataset.seed"]
    }
    return ["dataset.kind", "dataset.files", "dataset.seed", "dataset.label_order", "dataset.train_fraction", "dataset.split_seed"]
  }

  static let kinds = DatasetKind.allCases.map(\.rawValue) + ["synthetic"]

  /// `dataset.train` / `dataset.test`: N-MNIST, the largest dataset read, has 60,000 training
  /// samples; making and binning samples takes time linear in their count.
  static let sampleLimit = PlausibleLimit.atMost(1_000_000, "the largest dataset read, N-MNIST, has 60,000 training samples")

  var sections: [String: Schema] {
    ["dataset": .object([
      .init("kind", .choice(Self.kinds), required: true, doc: Self.kinds.joined(separator: " | ")),
      .init("root", .string, doc: "the folder holding the dataset's original files; a relative path is relative to the spec's folder, or to the current folder when built from ${VAR}"),
      .init("like", .choice(SyntheticDataset.Like.allCases.map(\.rawValue)), default: "nmnist"),
      .init("train", .positiveInteger, default: 2000, limit: Self.sampleLimit),
      .init("test", .positiveInteger, default: 500, limit: Self.sampleLimit),
      .init("events_per_sample", .positiveInteger,
            limit: .atMost(1_000_000, "DVS Gesture's longest recordings hold about a million events; synthetic samples are made and stored event by event")),
      .init("seed", .integer(min: 0), default: 0),
      .init("label_order", .choice(["spikingjelly", "natural"]), default: "spikingjelly"),
      .init("train_fraction", .number(min: 0, max: 1, exclusiveMinimum: true), default: 0.8),
      // No schema default: datasets with an official split never see it (their keys stay);
      // `expand` fills `per_seed` for Braille.
      .init("split_seed", .choice(["per_seed", "fixed"]),
            doc: "Braille only: per_seed (default) draws the 80/20 split from each run's seed, as the reference (unseeded shuffle); fixed uses the SpyTorch tutorial's numpy seed 42"),
    ])]
  }

  /// Makes `dataset.root` absolute (``ValueOrigin``: a literal relative path follows the file
  /// that wrote it, one built from `${SDFA_DATA:-data}` the current folder) and adds
  /// `dataset.files`, the content digest of the dataset folder (every file's relative path,
  /// size and SHA-256; memoized by stat in the cache's index), so that changing any file
  /// reruns `load` and everything after it, and a copy elsewhere does not. Both root leaves
  /// are settings: moving the data changes no key.
  func expand(_ config: SpecValue, context: ExpansionContext) throws -> SpecValue {
    var config = config
    if config[path: "dataset.kind"]?.stringValue == "braille", config[path: "dataset.split_seed"] == nil {
      config = config.setting("dataset.split_seed", to: .string("per_seed"))
    }
    guard let dataset = config[path: "dataset"], dataset[path: "kind"]?.stringValue != "synthetic",
      let written = dataset[path: "root"]?.stringValue
    else { return config }
    let resolved = context.resolvePath(at: "dataset.root", written)
    let root = resolved.path
    config = config.setting("dataset.root", to: .string(root)).setting("dataset.root_written", to: .string(resolved.description))
    // A missing folder is no error here: `validate` and `status` work before the data is
    // downloaded; `load` says where it looked when it runs.
    guard FileManager.default.fileExists(atPath: root) else { return config }
    do {
      return config.setting("dataset.files", to: .string(try context.treeDigester.digest(of: root).digest))
    } catch {
      throw SpecErrors([SpecError(context.locate("dataset.root"), "cannot read the dataset under '\(root)': \(error)",
                                  hint: "make every file under the folder readable, or point 'root' at another copy")])
    }
  }

  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] {
    // A synthetic stand-in (`--set dataset.kind=synthetic` on a Braille spec) makes its own
    // split and ignores the option; another real dataset has an official split.
    if config[path: "dataset.split_seed"] != nil, !["braille", "synthetic"].contains(config[path: "dataset.kind"]?.stringValue ?? "") {
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
    guard FileManager.default.fileExists(atPath: root.path) else {
      throw StageFailure(MissingData.message(dataset, root: root.path, written: context.param("dataset.root_written")?.stringValue))
    }
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
