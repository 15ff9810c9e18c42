import Foundation

/// Temporary folders of stages that died: which may go, and which are other hosts' business.
extension ArtifactStore {
  /// A temporary folder that is not this process's own.
  public struct ForeignTemporary: Sendable {
    public var name: String
    /// Nil for names without an owner (written by an older sdfa).
    public var owner: TemporaryOwner?
    public var age: TimeInterval
  }

  var temporaryRoot: URL { root.appendingPathComponent("tmp") }

  /// Removes private directories that processes of this host left when they died (a crash
  /// or SIGKILL). Other hosts' folders and folders without an owner are left alone.
  public func removeAbandonedTemporaries() {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: temporaryRoot.path)) ?? [] {
      guard let owner = TemporaryOwner(folderName: name), owner.isCertainlyGone else { continue }
      try? discard(temporaryRoot.appendingPathComponent(name))
    }
  }

  /// Temporary folders whose owner this process cannot confirm gone or alive: other hosts'
  /// and unowned ones, with their age (for `verify` to report and `gc` to expire).
  public func foreignTemporaries() -> [ForeignTemporary] {
    let now = Date()
    let me = TemporaryOwner.current
    return ((try? FileManager.default.contentsOfDirectory(atPath: temporaryRoot.path)) ?? []).sorted().compactMap { name in
      let owner = TemporaryOwner(folderName: name)
      if let owner, owner.host == me.host { return nil }
      let modified = newestModification(temporaryRoot.appendingPathComponent(name))
      return ForeignTemporary(name: name, owner: owner, age: now.timeIntervalSince(modified ?? now))
    }
  }

  /// Removes foreign temporary folders in which nothing changed for longer than `age` (default
  /// a day); returns their names. `gc` calls it under the cache's exclusive lock, so no run
  /// that takes the lock is live anywhere; the age guards against file systems whose locks do
  /// not reach other hosts.
  @discardableResult
  public func removeStaleForeignTemporaries(olderThan age: TimeInterval = 86_400) -> [String] {
    let stale = foreignTemporaries().filter { $0.age > age }
    for entry in stale { try? discard(temporaryRoot.appendingPathComponent(entry.name)) }
    return stale.map(\.name)
  }

  /// The latest modification time of a folder and everything in it.
  func newestModification(_ url: URL) -> Date? {
    let fm = FileManager.default
    var newest = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    if let walker = fm.enumerator(at: url, includingPropertiesForKeys: [.contentModificationDateKey]) {
      for case let file as URL in walker {
        if let date = try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate,
          newest.map({ date > $0 }) ?? true
        {
          newest = date
        }
      }
    }
    return newest
  }
}
