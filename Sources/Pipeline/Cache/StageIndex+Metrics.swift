import Foundation
import GRDB

/// The runs database: each completed stage's metrics (``Stage/metrics(artifact:)``) as JSON in
/// a `metrics` table keyed by stage key, so that every run of a cache can be listed and
/// compared without reading artifacts (`sdfa runs`, `sdfa export mlflow`).
///
/// SQLite's JSON functions query it directly:
/// `SELECT key, json_extract(metrics, '$.best_test_accuracy') FROM metrics WHERE kind = 'train'`.
extension StageIndex {
  static func createMetricsTable(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE IF NOT EXISTS metrics (key TEXT PRIMARY KEY, kind TEXT NOT NULL, metrics TEXT NOT NULL);
      """)
  }

  static func saveMetrics(_ db: Database, key: String, kind: String, json: String) throws {
    try db.execute(sql: "INSERT OR REPLACE INTO metrics (key, kind, metrics) VALUES (?, ?, ?)", arguments: [key, kind, json])
  }

  /// Every completed record (what `sdfa runs` joins).
  public func doneRecords() throws -> [Record] {
    try pool.read { db in try Record.fetchAll(db, sql: "SELECT * FROM stages WHERE status = 'done'") }
  }

  /// Every (spec, label, key) the specs last used.
  public func allLatest() throws -> [(spec: String, label: String, key: String)] {
    try pool.read { db in
      try Row.fetchAll(db, sql: "SELECT spec, label, key FROM latest ORDER BY spec, label").map { (spec: $0["spec"] as String, label: $0["label"] as String, key: $0["key"] as String) }
    }
  }

  /// The recorded metrics (canonical JSON) of every key that has them.
  public func allMetrics() throws -> [String: String] {
    try pool.read { db in
      // An index opened read-only may predate the table.
      guard try db.tableExists("metrics") else { return [:] }
      let rows = try Row.fetchAll(db, sql: "SELECT key, metrics FROM metrics")
      return Dictionary(rows.map { ($0["key"], $0["metrics"]) }, uniquingKeysWith: { _, b in b })
    }
  }

  /// The recorded metrics (canonical JSON) of those of `keys` that have them.
  public func metrics(for keys: [String]) throws -> [String: String] {
    try values(of: "metrics", in: "metrics", keys: keys)
  }

  /// Records metrics for completed keys that have none (artifacts committed before the index
  /// kept metrics); one transaction.
  public func insertMetrics(_ entries: [(key: String, kind: String, json: String)]) throws {
    guard !entries.isEmpty else { return }
    try pool.write { db in
      for entry in entries { try Self.saveMetrics(db, key: entry.key, kind: entry.kind, json: entry.json) }
    }
  }

  /// Opens the index of an existing cache without creating one: nil when `cache` has no
  /// index (never ran anything).
  public static func existing(cache: URL) throws -> StageIndex? {
    let path = cache.appendingPathComponent("index.sqlite").path
    let fm = FileManager.default
    guard fm.fileExists(atPath: path) else { return nil }
    // A shared cache this user may only read: opened without writing anything.
    guard fm.isWritableFile(atPath: cache.path), fm.isWritableFile(atPath: path) else { return try StageIndex(readingAt: path) }
    return try StageIndex(path: path)
  }
}
