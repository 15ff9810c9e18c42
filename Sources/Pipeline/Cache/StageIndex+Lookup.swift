import Foundation
import GRDB

extension StageIndex {
  /// A label's latest key in each spec that has run it (`sdfa log LABEL`): (spec, key).
  public func latestKeys(label: String) throws -> [(spec: String, key: String)] {
    try pool.read { db in
      try Row.fetchAll(db, sql: "SELECT spec, key FROM latest WHERE label = ? ORDER BY spec", arguments: [label])
        .map { (spec: $0["spec"], key: $0["key"]) }
    }
  }

  /// Recorded keys that start with `prefix` (a key as `sdfa status --json` prints it, or
  /// its first characters), at most `limit`.
  public func keys(startingWith prefix: String, limit: Int = 10) throws -> [String] {
    let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
      .replacingOccurrences(of: "_", with: "\\_")
    return try pool.read { db in
      try String.fetchAll(db, sql: "SELECT key FROM stages WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT ?",
                          arguments: [escaped + "%", limit])
    }
  }

  /// Labels recorded in a spec's latest runs that contain `text` (for suggestions).
  public func labels(containing text: String, limit: Int = 8) throws -> [String] {
    try pool.read { db in
      try String.fetchAll(db, sql: "SELECT DISTINCT label FROM latest WHERE instr(label, ?) > 0 ORDER BY label LIMIT ?",
                          arguments: [text, limit])
    }
  }
}
