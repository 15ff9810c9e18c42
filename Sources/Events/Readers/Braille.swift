import Foundation

/// The Braille letters of SpyTorch tutorial 5 (`tutorial5_braille_spiking_data.pkl.gz`).
public enum Braille {
  /// The 27 letter classes in the file's (and the tutorial's) order.
  public static let classNames = ["Space"] + (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { String(UnicodeScalar($0)) }

  static func load(root: URL, options: DatasetLoadOptions, to output: URL, progress: ((ProgressReport) -> Void)?) throws -> LoadSummary {
    throw EventsError(file: root.path, "Braille reader not built yet")
  }
}
