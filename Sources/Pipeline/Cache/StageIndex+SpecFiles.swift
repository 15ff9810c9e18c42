import Foundation
import GRDB
import Yams

/// Which spec file owns each spec name in a cache: two files with one `name:` would mix their
/// `results/<name>/` and their `status` history, so the second one is refused.
///
/// A name belongs to the first file that ran under it. Another file may take it over only when
/// the owner is gone (moved, renamed or deleted) or now declares another name; then the record
/// follows the new file (`SpecClaim.tookOver` says from where).
extension StageIndex {
  /// The outcome of claiming a spec name for a file.
  public enum SpecClaim: Equatable, Sendable {
    /// The name was free or already this file's.
    case owned
    /// The name belonged to `previous`, which no longer exists or no longer uses it.
    case tookOver(previous: String)
  }

  /// Two spec files declare one name.
  public struct SpecNameTaken: Error, CustomStringConvertible, Sendable {
    public var name: String
    public var owner: String
    public var claimant: String
    public var description: String {
      "spec name '\(name)' is already used in this cache by \(owner); \(claimant) declares it too. "
        + "Their results would mix under results/\(name)/: give one of them another `name:`."
    }
  }

  /// Records `file` as the owner of spec `name`, or throws `SpecNameTaken`. The file is
  /// recorded relative to the cache folder (`cache`), so a project copied or moved together
  /// with its cache keeps its names.
  public func claimSpecName(_ name: String, file: String, cache: URL) throws -> SpecClaim {
    let path = Self.resolved(file)
    let base = Self.resolved(cache.path)
    let relative = Self.relativePath(from: base, to: path)
    return try pool.write { db in
      try db.execute(sql: "CREATE TABLE IF NOT EXISTS spec_files (name TEXT PRIMARY KEY, file TEXT NOT NULL, claimed REAL NOT NULL)")
      let recorded = try String.fetchOne(db, sql: "SELECT file FROM spec_files WHERE name = ?", arguments: [name])
      var claim = SpecClaim.owned
      if let recorded, recorded != relative {
        let owner = recorded.hasPrefix("/") ? recorded : Self.resolved(URL(fileURLWithPath: base).appendingPathComponent(recorded).path)
        if owner != path {
          if Self.declaredName(ofFile: owner, unreadable: name) == name {
            throw SpecNameTaken(name: name, owner: owner, claimant: path)
          }
          claim = .tookOver(previous: owner)
        }
      }
      if recorded != relative {
        try db.execute(sql: "INSERT OR REPLACE INTO spec_files (name, file, claimed) VALUES (?, ?, ?)",
                       arguments: [name, relative, Date().timeIntervalSince1970])
      }
      return claim
    }
  }

  static func resolved(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
  }

  /// `to` relative to the folder `from` (both absolute): `../experiments/a.yml`.
  static func relativePath(from: String, to: String) -> String {
    let a = from.split(separator: "/"), b = to.split(separator: "/")
    var common = 0
    while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
    return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)).joined(separator: "/")
  }

  /// The name a spec file declares (`name:`, else its file name without extension); nil when
  /// the file is gone. An unreadable or unparsable file still claims the name it is recorded
  /// with (it may be mid-edit), so it is reported as the owner.
  static func declaredName(ofFile path: String, unreadable: String) -> String? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let node = try? Yams.compose(yaml: text)
    else { return unreadable }
    if let mapping = node.mapping, let name = mapping["name"]?.string { return name }
    return stem
  }
}
