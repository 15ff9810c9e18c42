import Foundation
import GRDB

/// What `sdfa verify` asks of the index, and how `--reindex` refills it.
extension StageIndex {
  /// Labels (`spec: label`) of the completed records whose output is `digest`: what a run
  /// rebuilds when that artifact goes.
  public func labels(producing digest: String) throws -> [String] {
    try pool.read { db in
      try Row.fetchAll(db, sql: "SELECT spec, label FROM stages WHERE output = ? ORDER BY spec, label", arguments: [digest])
        .map { "\($0["spec"] as String): \($0["label"] as String)" }
    }
  }

  /// Forgets one key's record.
  public func forget(key: String) throws {
    try pool.write { db in try db.execute(sql: "DELETE FROM stages WHERE key = ?", arguments: [key]) }
  }

  /// Fills the index from records (a fresh index after `--reindex`): each becomes its key's
  /// record, its spec label's latest key (the newest last, so it wins) and a row of the
  /// executions log (its own execution, in order of finishing).
  public func insert(_ records: [Record]) throws {
    try pool.write { db in
      for record in records.sorted(by: { $0.finished < $1.finished }) {
        try record.save(db)
        try db.execute(sql: "INSERT OR REPLACE INTO latest (spec, label, key) VALUES (?, ?, ?)",
                       arguments: [record.spec, record.label, record.key])
        try db.execute(sql: """
          INSERT INTO executions (key, kind, label, host, pid, started, finished, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """, arguments: [record.key, record.kind, record.label, record.host, record.pid, record.started, record.finished, record.status])
      }
    }
  }

  /// How many rows the executions log holds.
  public func executionRowCount() throws -> Int {
    try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM executions") ?? 0 }
  }
}

