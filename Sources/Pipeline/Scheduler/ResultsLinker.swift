import Foundation

/// Makes a spec's outputs readable under `results/<spec>/`: one symbolic link per node,
/// named by its label (`results/quickstart/train/method=sdfa/seed=2 → .sdfa/artifacts/…`).
///
/// The linker only ever creates folders and links. It replaces an existing entry only when
/// that entry is a link into this cache's artifacts (one it made on an earlier run); anything
/// else in the way (a user's file, folder, or a link elsewhere) is left alone and reported.
/// Names that would leave `results/<spec>/` (`..`, `/`, a leading dot) are refused.
public struct ResultsLinker: Sendable {
  public let root: URL
  public let store: ArtifactStore

  /// Entries the linker refused to touch, or labels it refused to link.
  public struct Conflicts: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String {
      "\(problems.count) result\(problems.count == 1 ? "" : "s") not linked:\n" + problems.map { "  " + $0 }.joined(separator: "\n")
    }
  }

  public init(root: URL, store: ArtifactStore) {
    self.root = root
    self.store = store
  }

  /// Links every completed node; returns the directory of the spec's results. Throws
  /// `Conflicts` (after linking everything else) when some entries were in the way.
  @discardableResult
  public func link(_ summary: RunSummary, spec: String) throws -> URL {
    if let problem = SpecName.problem(spec) { throw Conflicts(problems: ["results of '\(spec)': \(problem)"]) }
    let specRoot = root.appendingPathComponent(spec)
    let fm = FileManager.default
    let artifacts = store.root.appendingPathComponent("artifacts").standardizedFileURL.path + "/"
    var problems: [String] = []
    for (label, outcome) in zip(summary.labels, summary.outcomes) {
      guard let digest = outcome.digest else { continue }
      let relative = Self.relativePath(label)
      if let problem = Self.pathProblem(relative) {
        problems.append("'\(label)': \(problem)")
        continue
      }
      let link = specRoot.appendingPathComponent(relative)
      let target = store.artifactURL(digest).standardizedFileURL.path
      if let existing = try? fm.destinationOfSymbolicLink(atPath: link.path) {
        if existing == target { continue }
        guard existing.hasPrefix(artifacts) else {
          problems.append("\(link.path) is a link to \(existing), not one sdfa made: left alone (move it away to link this result)")
          continue
        }
        // Our own link to an older artifact: replace it.
        guard unlink(link.path) == 0 || errno == ENOENT else {
          problems.append("cannot replace \(link.path): \(String(cString: strerror(errno)))")
          continue
        }
      } else if fm.fileExists(atPath: link.path) || (try? fm.attributesOfItem(atPath: link.path)) != nil {
        problems.append("\(link.path) exists and is not a link sdfa made: left alone (move it away to link this result)")
        continue
      }
      do {
        try fm.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: target)
      } catch {
        problems.append("cannot link \(link.path): \(IOErrorText.describe(error))")
      }
    }
    if !problems.isEmpty { throw Conflicts(problems: problems) }
    return specRoot
  }

  /// `train method=sdfa/seed=2` → `train/method=sdfa/seed=2`.
  public static func relativePath(_ label: String) -> String {
    label.replacingOccurrences(of: " ", with: "/")
  }

  /// Why a label's relative path would leave the spec's folder, or nil.
  static func pathProblem(_ relative: String) -> String? {
    let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
    if relative.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
      return "its path '\(relative)' has an empty, '.' or '..' component and would leave the results folder"
    }
    return nil
  }
}
