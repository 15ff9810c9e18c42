import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Deleting without half-deleted leftovers, and committing over them.
///
/// A folder is deleted by renaming it into `trash/` first (one atomic step: the artifact is
/// there, whole, or gone) and removing it from there. A kill in between leaves only a trash
/// entry, which `gc` and `verify --repair` empty. A folder that is in an artifact's place but
/// is not a complete artifact (no manifest: what a deletion by an older sdfa left when it was
/// killed) never blocks a commit: the commit moves it to the trash and takes the place.
extension ArtifactStore {
  var trashURL: URL { root.appendingPathComponent("trash") }

  /// Renames `url` into the trash, then deletes it there. A missing `url` is not an error.
  public func discard(_ url: URL) throws {
    try FileManager.default.createDirectory(at: trashURL, withIntermediateDirectories: true)
    let target = trashURL.appendingPathComponent(TemporaryOwner.current.name(counter.next()))
    if rename(url.path, target.path) != 0 {
      let code = errno
      if code == ENOENT { return }
      throw StageFailure("cannot move \(url.path) to the trash: \(String(cString: strerror(code)))")
    }
    removeTree(target)
  }

  /// Empties the trash (entries left by killed deletions); returns how many went.
  @discardableResult
  public func emptyTrash() -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: trashURL.path)) ?? []
    for name in names { removeTree(trashURL.appendingPathComponent(name)) }
    return names.count
  }

  /// Removes a tree whose files may be read-only (artifacts are chmod 444).
  func removeTree(_ url: URL) {
    if (try? FileManager.default.removeItem(at: url)) != nil { return }
    // Make folders writable and retry (a read-only folder keeps its entries).
    if let walker = FileManager.default.enumerator(atPath: url.path) {
      while let relative = walker.nextObject() as? String { chmod(url.appendingPathComponent(relative).path, 0o755) }
    }
    chmod(url.path, 0o755)
    try? FileManager.default.removeItem(at: url)
  }

  /// Renames a sealed private directory to the artifact's place. When the place is taken by
  /// a complete artifact (another process committed the same content first) that one is kept;
  /// when it is taken by an incomplete folder, that folder goes to the trash and the commit
  /// takes its place.
  func moveIntoPlace(_ directory: URL, as digest: String) throws {
    let destination = artifactURL(digest)
    for attempt in 0..<3 {
      if rename(directory.path, destination.path) == 0 { return }
      let code = errno
      guard code == ENOTEMPTY || code == EEXIST else {
        throw StageFailure("cannot move the artifact into \(destination.path): \(String(cString: strerror(code)))")
      }
      if (try? checkCheaply(digest)) != nil {
        removeTree(directory)  // same content, committed by another process: keep theirs
        return
      }
      guard attempt < 2 else {
        throw StageFailure("cannot move the artifact into \(destination.path): an incomplete folder is in its place and could not be replaced")
      }
      try discard(destination)
    }
  }
}
