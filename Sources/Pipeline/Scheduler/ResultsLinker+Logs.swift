import Foundation

extension ResultsLinker {
  /// Links each node's log beside its output: `results/<spec>/train/method=sdfa/seed=2.log →
  /// .sdfa/logs/<key>.log`, so that a stage's log is found by its label, not its hash. Only
  /// links this linker made (into the store's `logs/`) are ever replaced.
  public func linkLogs(_ summary: RunSummary, spec: String) throws {
    guard SpecName.problem(spec) == nil else { return }  // `link` reports it
    let specRoot = root.appendingPathComponent(spec)
    let fm = FileManager.default
    let logs = store.root.appendingPathComponent("logs").standardizedFileURL.path
    for (label, key) in zip(summary.labels, summary.keys) {
      guard let key, Self.pathProblem(Self.relativePath(label)) == nil else { continue }
      let target = store.logURL(key).standardizedFileURL.path
      guard fm.fileExists(atPath: target) else { continue }
      let link = specRoot.appendingPathComponent(Self.relativePath(label) + ".log")
      if let existing = try? fm.destinationOfSymbolicLink(atPath: link.path) {
        if existing == target || !existing.hasPrefix(logs + "/") { continue }
        try fm.removeItem(at: link)
      } else if fm.fileExists(atPath: link.path) {
        continue  // someone's own file: left alone
      }
      try fm.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
      try fm.createSymbolicLink(atPath: link.path, withDestinationPath: target)
    }
  }
}
