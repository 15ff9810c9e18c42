import Foundation

/// The original datasets ``DatasetLoader`` reads.
public enum DatasetKind: String, CaseIterable, Codable, Sendable {
  case nmnist, ncaltech101, dvsgesture, shd, braille
}

/// Options shared by the dataset readers.
public struct DatasetLoadOptions: Sendable {
  /// Label order of folder-based datasets (N-MNIST, N-Caltech101; DVS Gesture's numeric
  /// classes follow it too). Default: spikingjelly's string order.
  public var labelOrder: LabelOrder = .spikingjelly
  /// Seed of the random splits (N-Caltech101 and Braille).
  public var seed: UInt64 = 0
  /// Fraction of each class put in the train split where the dataset has no official split.
  public var trainFraction: Double = 0.8
  /// Shuffle each class before an N-Caltech101 split (spikingjelly's `random_split=True`);
  /// when false, the first files of each class go to train.
  public var shuffleSplit: Bool = true
  /// Treatment of N-MNIST/N-Caltech101 timestamp-overflow markers.
  public var overflowMarkers: ATISBinary.OverflowMarkers = .keepAsEvents
  /// numpy `RandomState` seed of the Braille tutorial's shuffle (42 reproduces its split); nil
  /// leaves the split to each run (``Braille/perSeedSplitAttribute``).
  public var brailleShuffleSeed: UInt32? = 42
  /// Source files with digests computed by the caller, recorded as provenance.
  public var sources: [SourceFile] = []

  public init() {}
}

/// What a load produced.
public struct LoadSummary: Equatable, Sendable {
  public var train: Int
  public var test: Int
  public var events: Int
  public var classNames: [String]
}

/// A reader of one dataset's original files into an events container.
public protocol DatasetReader: Sendable {
  /// Reads the dataset under `root` and writes every sample (both splits) to `output`.
  /// - Throws: ``EventsError`` naming the offending file and byte offset (or sample).
  static func load(
    root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?
  ) throws -> LoadSummary
}

/// N-MNIST (`Train/<digit>/*.bin`, `Test/<digit>/*.bin`, extracted or in `Train.zip`/`Test.zip`).
public enum NMNISTReader: DatasetReader {
  public static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    try ATISDataset.loadNMNIST(root: root, options: options, to: output, progress: progress)
  }
}

/// N-Caltech101 (`Caltech101/<class>/image_NNNN.bin`, extracted or in `Caltech101.zip`), split
/// per class by ``DatasetLoadOptions``.
public enum NCaltech101Reader: DatasetReader {
  public static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    try ATISDataset.loadNCaltech101(root: root, options: options, to: output, progress: progress)
  }
}

/// Reads a dataset from its original files into an events container (the `load` stage).
///
/// ```swift
/// let summary = try DatasetLoader.load(.nmnist, root: URL(fileURLWithPath: "data/nmnist"),
///                                      to: eventsURL) { print($0) }
/// ```
public enum DatasetLoader {
  /// Reads dataset `kind` under `root` (a directory, or a zip archive where the format allows)
  /// and writes an events container to `output`.
  /// - Throws: ``EventsError`` naming the offending file and byte offset (or sample).
  @discardableResult
  public static func load(
    _ kind: DatasetKind, root: URL, options: DatasetLoadOptions = DatasetLoadOptions(), to output: URL,
    progress: ((ProgressReport) -> Void)? = nil
  ) throws -> LoadSummary {
    try readers[kind]!.load(root: root, options: options, to: output, progress: progress)
  }

  /// The reader of each dataset kind: a new format is one new file plus one line here.
  public static let readers: [DatasetKind: any DatasetReader.Type] = [
    .nmnist: NMNISTReader.self,
    .ncaltech101: NCaltech101Reader.self,
    .dvsgesture: DVSGesture.self,
    .shd: SHD.self,
    .braille: Braille.self,
  ]

  static func summary(of url: URL) throws -> LoadSummary {
    let c = try EventsContainer(contentsOf: url, verifyChecksum: false)
    return LoadSummary(train: c.count(split: .train), test: c.count(split: .test), events: c.eventCount, classNames: c.classNames)
  }
}
