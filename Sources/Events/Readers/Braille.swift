import Foundation

/// The Braille letters of SpyTorch tutorial 5 (`tutorial5_braille_spiking_data.pkl.gz`),
/// read through ``RestrictedUnpickler`` and preprocessed as the tutorial does: x = 1 − v/255,
/// crop to the shortest recording (76 steps), keep taxels 1, 2, 6, 10, standardise each with
/// its mean and std over all samples and steps as the SDFA reference code does
/// (`module/dataloader.py`: `(x − mean) / (std + 1e-6)`, torch's unbiased std), repeat every
/// step twice (152 steps), shuffle with numpy's `seed(42)` and split 80/20 — or, for a split
/// drawn per run (the reference shuffles unseeded), keep every sample in `train` and record the
/// fraction in the ``perSeedSplitAttribute`` for the trainer to split with the run's seed.
public enum Braille: DatasetReader {
  /// The 27 letter classes in the file's (and the tutorial's) order.
  public static let classNames = ["Space"] + (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { String(UnicodeScalar($0)) }
  /// The taxels the tutorial keeps.
  public static let keptTaxels = [1, 2, 6, 10]
  public static let fileName = "tutorial5_braille_spiking_data.pkl.gz"
  /// Container attribute holding the train fraction of a split left to each run.
  public static let perSeedSplitAttribute = "per_seed_split"

  /// One raw recording: its letter and `[T][12]` taxel values.
  public struct Recording: Sendable {
    public var letter: String
    public var repetition: Int
    public var steps: Int
    /// Row-major `[steps][12]`.
    public var taxels: [Double]
  }

  /// Decodes the gzip'ed pickle into raw recordings (no preprocessing).
  public static func readRecordings(_ gzipped: [UInt8], file: String) throws -> [Recording] {
    let pickle = try Gzip.decompress(gzipped, file: file)
    let root = try RestrictedUnpickler.load(pickle, file: file)
    guard case .list(let list) = root else { throw EventsError(file: file, "expected a list of dicts, found \(root.typeName)") }
    return try list.items.enumerated().map { (i, item) in
      guard case .dict(let d) = item else { throw EventsError(file: file, .sample(i), "expected a dict, found \(item.typeName)") }
      var letter: String?, repetition = 0, array: RestrictedUnpickler.ArrayBox?
      for (key, value) in d.pairs {
        guard case .string(let k) = key else { continue }
        switch (k, value) {
        case ("letter", .string(let s)): letter = s
        case ("repetition", .int(let r)): repetition = r
        case ("taxel_data", .object(let a as RestrictedUnpickler.ArrayBox)): array = a
        default: break
        }
      }
      guard let letter, classNames.contains(letter) else { throw EventsError(file: file, .sample(i), "missing or unknown 'letter'") }
      guard let array, array.built, array.shape.count == 2, array.shape[1] == 12, array.shape[0] > 0 else {
        throw EventsError(file: file, .sample(i), "'taxel_data' is not a built [T, 12] float64 array")
      }
      return Recording(letter: letter, repetition: repetition, steps: array.shape[0], taxels: array.values)
    }
  }

  /// The tutorial's preprocessing of `recordings` into per-sample `[152][4]` values (row-major),
  /// in file order.
  public static func preprocess(_ recordings: [Recording]) -> [[Float]] {
    guard let steps = recordings.map(\.steps).min() else { return [] }
    let k = keptTaxels.count
    var x = recordings.map { r in
      (0..<steps).flatMap { t in keptTaxels.map { 1 - r.taxels[t * 12 + $0] / 255 } }
    }
    for c in 0..<k {
      var sum = 0.0, count = 0.0
      for s in x { for t in 0..<steps { sum += s[t * k + c]; count += 1 } }
      let mean = sum / count
      var squares = 0.0
      for s in x { for t in 0..<steps { squares += (s[t * k + c] - mean) * (s[t * k + c] - mean) } }
      let std = (squares / (count - 1)).squareRoot()  // torch.std: unbiased
      for i in x.indices { for t in 0..<steps { x[i][t * k + c] = (x[i][t * k + c] - mean) / (std + 1e-6) } }
    }
    return x.map { s in (0..<(2 * steps)).flatMap { t in (0..<k).map { Float(s[(t / 2) * k + $0]) } } }
  }

  /// The tutorial's split: `np.random.seed(seed)`, shuffle `arange(n)`, first
  /// `trainFraction` to train.
  public static func split(count n: Int, seed: UInt32 = 42, trainFraction: Double = 0.8) -> (train: [Int], test: [Int]) {
    var idx = Array(0..<n)
    var mt = MT19937(seed: seed)
    mt.shuffle(&idx)
    let cut = Int(Double(n) * trainFraction)
    return (Array(idx[..<cut]), Array(idx[cut...]))
  }

  /// Reads the dataset under `root` into an events container; see ``DatasetReader``.
  public static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
    let url = exists && isDirectory.boolValue ? root.appendingPathComponent(fileName) : root
    guard let data = try? Data(contentsOf: url) else { throw EventsError(file: url.path, "missing or unreadable") }
    let recordings = try readRecordings(Array(data), file: url.path)
    let values = preprocess(recordings)
    var attributes = ["taxels": "1,2,6,10", "steps": "152", "normalisation": "(x - mean) / (unbiased std + 1e-6)"]
    let (train, test): ([Int], [Int])
    if let seed = options.brailleShuffleSeed {
      (train, test) = split(count: recordings.count, seed: seed, trainFraction: options.trainFraction)
      attributes["shuffle_seed"] = String(seed)
    } else {
      (train, test) = (Array(recordings.indices), [])
      attributes[perSeedSplitAttribute] = String(options.trainFraction)
    }
    let writer = try EventsContainerWriter(
      to: output,
      metadata: EventsContainerMetadata(
        datasetKind: "braille", layout: .channels(count: keptTaxels.count), timeBase: .steps, classNames: classNames,
        hasValues: true, sources: options.sources, attributes: attributes))
    let k = keptTaxels.count
    for (n, (i, split)) in (train.map { ($0, DatasetSplit.train) } + test.map { ($0, DatasetSplit.test) }).enumerated() {
      let v = values[i]
      let steps = v.count / k
      let sample = EventSample(
        t: (0..<(steps * k)).map { Int64($0 / k) }, x: (0..<(steps * k)).map { UInt16($0 % k) }, values: v)
      try writer.append(sample, label: classNames.firstIndex(of: recordings[i].letter)!, split: split)
      if let progress, n % 256 == 255 || n == recordings.count - 1 { progress(ProgressReport(completed: n + 1, total: recordings.count)) }
    }
    try writer.finish()
    return LoadSummary(train: train.count, test: test.count, events: values.reduce(0) { $0 + $1.count }, classNames: classNames)
  }
}
