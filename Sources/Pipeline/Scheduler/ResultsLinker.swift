import Foundation

/// Makes a spec's outputs readable under `results/<spec>/`: one symbolic link per node,
/// named by its label (`results/quickstart/train/method=sdfa/seed=2 → .sdfa/artifacts/…`).
public struct ResultsLinker: Sendable {
  public let root: URL
  public let store: ArtifactStore

  public init(root: URL, store: ArtifactStore) {
    self.root = root
    self.store = store
  }

  /// Links every completed node; returns the directory of the spec's results.
  @discardableResult
  public func link(_ summary: RunSummary, spec: String) throws -> URL {
    let specRoot = root.appendingPathComponent(spec)
    let fm = FileManager.default
    for (label, outcome) in zip(summary.labels, summary.outcomes) {
      guard let digest = outcome.digest else { continue }
      let link = specRoot.appendingPathComponent(Self.relativePath(label))
      let target = store.artifactURL(digest).standardizedFileURL.path
      if let existing = try? fm.destinationOfSymbolicLink(atPath: link.path), existing == target { continue }
      try fm.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? fm.removeItem(at: link)
      try fm.createSymbolicLink(atPath: link.path, withDestinationPath: target)
    }
    return specRoot
  }

  /// `train method=sdfa/seed=2` → `train/method=sdfa/seed=2`.
  public static func relativePath(_ label: String) -> String {
    label.replacingOccurrences(of: " ", with: "/")
  }
}
