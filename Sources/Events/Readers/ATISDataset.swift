import Foundation
import Tensor

/// N-MNIST and N-Caltech101: folders of ATIS `.bin` recordings, one folder per class.
enum ATISDataset {
  /// N-MNIST: `Train/<digit>/*.bin` and `Test/<digit>/*.bin`, extracted or inside
  /// `Train.zip` / `Test.zip`. Samples are ordered split, class (label order), file name.
  static func loadNMNIST(
    root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?
  ) throws -> LoadSummary {
    let tree = try DatasetFiles(root: root, suffix: ".bin")
    var bySplit: [DatasetSplit: [(String, DatasetFiles.File)]] = [:]
    for file in tree.files {
      let parts = file.components
      guard parts.count >= 3 else { continue }
      let splitName = parts[parts.count - 3].lowercased()
      let split: DatasetSplit
      switch splitName {
      case "train": split = .train
      case "test": split = .test
      default: continue
      }
      bySplit[split, default: []].append((String(parts[parts.count - 2]), file))
    }
    let names = Set(bySplit.values.flatMap { $0.map(\.0) })
    guard !names.isEmpty else {
      throw EventsError(file: root.path, "no N-MNIST recordings found (expected Train/<digit>/*.bin and Test/<digit>/*.bin, extracted or in Train.zip/Test.zip)")
    }
    let classNames = options.labelOrder.sorted(Array(names))
    var jobs: [(DatasetFiles.File, Int, DatasetSplit)] = []
    for split in DatasetSplit.allCases {
      let files = bySplit[split, default: []]
      for (label, name) in classNames.enumerated() {
        for (_, file) in files.filter({ $0.0 == name }).sorted(by: { $0.1.relativePath < $1.1.relativePath }) {
          jobs.append((file, label, split))
        }
      }
    }
    return try write(
      jobs, tree: tree, kind: "nmnist", sensor: (34, 34), classNames: classNames, options: options, to: output,
      progress: progress)
  }

  /// N-Caltech101: `Caltech101/<class>/image_NNNN.bin` (extracted or in `Caltech101.zip`),
  /// sensor 240 × 180; split per class, seeded (``DatasetLoadOptions/shuffleSplit``),
  /// `ceil(n · trainFraction)` to train as spikingjelly's `split_to_train_test_set`.
  static func loadNCaltech101(
    root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?
  ) throws -> LoadSummary {
    let tree = try DatasetFiles(root: root, suffix: ".bin")
    var byClass: [String: [DatasetFiles.File]] = [:]
    for file in tree.files {
      let parts = file.components
      guard parts.count >= 2 else { continue }
      byClass[String(parts[parts.count - 2]), default: []].append(file)
    }
    guard !byClass.isEmpty else {
      throw EventsError(file: root.path, "no N-Caltech101 recordings found (expected Caltech101/<class>/*.bin, extracted or in Caltech101.zip)")
    }
    let classNames = options.labelOrder.sorted(Array(byClass.keys))
    var jobs: [(DatasetFiles.File, Int, DatasetSplit)] = []
    for (label, name) in classNames.enumerated() {
      let files = byClass[name]!.sorted { $0.relativePath < $1.relativePath }
      let order: [Int]
      if options.shuffleSplit {
        var rng = RandomStream(seed: options.seed, purpose: "ncaltech101.split.\(name)")
        order = rng.permutation(files.count)
      } else {
        order = Array(files.indices)
      }
      let trainCount = Int((Double(files.count) * options.trainFraction).rounded(.up))
      var inTrain = [Bool](repeating: false, count: files.count)
      for k in order.prefix(trainCount) { inTrain[k] = true }
      for (k, file) in files.enumerated() { jobs.append((file, label, inTrain[k] ? .train : .test)) }
    }
    return try write(
      jobs, tree: tree, kind: "ncaltech101", sensor: (240, 180), classNames: classNames, options: options,
      to: output, progress: progress)
  }

  static func write(
    _ jobs: [(DatasetFiles.File, Int, DatasetSplit)], tree: DatasetFiles, kind: String, sensor: (Int, Int),
    classNames: [String], options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?
  ) throws -> LoadSummary {
    let writer = try EventsContainerWriter(
      to: output,
      metadata: EventsContainerMetadata(
        datasetKind: kind, layout: .camera(width: sensor.0, height: sensor.1), timeBase: .microseconds,
        classNames: classNames, sources: options.sources,
        attributes: ["label_order": options.labelOrder.rawValue, "seed": String(options.seed)]))
    var counts = (train: 0, test: 0), events = 0
    for (k, (file, label, split)) in jobs.enumerated() {
      let sample = try ATISBinary.decode(tree.read(file), file: file.displayName, sensor: sensor, overflow: options.overflowMarkers)
      try writer.append(sample, label: label, split: split)
      events += sample.count
      if split == .train { counts.train += 1 } else { counts.test += 1 }
      if let progress, k % 256 == 255 || k == jobs.count - 1 { progress(ProgressReport(completed: k + 1, total: jobs.count)) }
    }
    try writer.finish()
    return LoadSummary(train: counts.train, test: counts.test, events: events, classNames: classNames)
  }
}
