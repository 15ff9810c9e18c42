import Foundation
import GRDB

/// The SQLite index (WAL mode) of the cache: one record per stage key, the latest key of
/// every (spec, label), and a log of every execution.
public final class StageIndex: @unchecked Sendable {
  /// One stage run as recorded.
  public struct Record: Sendable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "stages"
    public var key: String
    public var kind: String
    public var label: String
    public var spec: String
    /// Canonical JSON of the params, and of the input digests by role.
    public var params: String
    public var inputs: String
    /// The output artifact's digest (when done).
    public var output: String?
    /// `done` or `failed`.
    public var status: String
    public var started: Double
    public var finished: Double
    public var host: String
    public var pid: Int
    public var tool: String
    public var error: String?
    public var log: String?
  }

  /// A pool for a cache this process may write; a read-only queue for `init(readingAt:)`.
  let pool: any DatabaseWriter
  /// How many rows the `executions` log keeps (the newest).
  public var executionsKept = 100_000

  public init(path: String) throws {
    var config = Configuration()
    config.busyMode = .timeout(120)
    config.label = "sdfa-index"
    // WAL with synchronous=NORMAL survives any process crash (only a power loss may drop the
    // last commits, never corrupt the file); artifacts themselves are fsynced before commit.
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    pool = try DatabasePool(path: path, configuration: config)
    try pool.write { db in
      try db.execute(sql: Self.tables)
      try Self.createMetricsTable(db)
    }
  }

  /// Closes the database now (``DatabaseWriter/closeReadersFirst()``). A run calls it before it exits, so that no `-wal` file is left for
  /// read-only commands. Nothing may use the index afterwards.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    pool.closeReadersFirst()
  }

  private var isClosed = false

  /// An index over an already opened database (see `StageIndex+ReadOnly.swift`).
  init(database: any DatabaseWriter) {
    pool = database
  }

  static let tables = """
    CREATE TABLE IF NOT EXISTS stages (
      key TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, spec TEXT NOT NULL,
      params TEXT NOT NULL, inputs TEXT NOT NULL, output TEXT, status TEXT NOT NULL,
      started REAL NOT NULL, finished REAL NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
      tool TEXT NOT NULL, error TEXT, log TEXT);
    CREATE INDEX IF NOT EXISTS stages_output ON stages(output);
    CREATE TABLE IF NOT EXISTS latest (
      spec TEXT NOT NULL, label TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (spec, label));
    CREATE TABLE IF NOT EXISTS executions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
      host TEXT NOT NULL, pid INTEGER NOT NULL, started REAL NOT NULL, finished REAL NOT NULL, status TEXT NOT NULL);
    """

  /// Output digests of completed keys among `keys`.
  public func outputs(for keys: [String]) throws -> [String: String] {
    try values(of: "output", in: "stages", where: "status = 'done' AND", keys: keys)
  }

  /// `column` of the rows of `table` whose key is among `keys` (and that meet `condition`,
  /// a clause ending in AND), by key; rows where it is NULL are left out. Keys go to SQLite
  /// 500 at a time (its limit on bound parameters is 999 in older builds).
  func values(of column: String, in table: String, where condition: String = "", keys: [String]) throws -> [String: String] {
    guard !keys.isEmpty else { return [:] }
    return try pool.read { db in
      var result: [String: String] = [:]
      for chunk in stride(from: 0, to: keys.count, by: 500) {
        let slice = Array(keys[chunk..<min(chunk + 500, keys.count)])
        let rows = try Row.fetchAll(
          db, sql: "SELECT key, \(column) FROM \(table) WHERE \(condition) key IN (\(databaseQuestionMarks(count: slice.count)))",
          arguments: StatementArguments(slice))
        for row in rows { if let value: String = row[column] { result[row["key"]] = value } }
      }
      return result
    }
  }


  public func record(_ key: String) throws -> Record? {
    try pool.read { db in try Record.fetchOne(db, key: key) }
  }

  /// The latest keys recorded for a spec's labels.
  public func latestKeys(spec: String) throws -> [String: String] {
    try pool.read { db in
      let rows = try Row.fetchAll(db, sql: "SELECT label, key FROM latest WHERE spec = ?", arguments: [spec])
      return Dictionary(rows.map { ($0["label"], $0["key"]) }, uniquingKeysWith: { _, b in b })
    }
  }

  /// Records a finished run (done or failed), the label's latest key, the execution and the
  /// stage's metrics (canonical JSON, see ``Stage/metrics(artifact:)``), all in one transaction.
  public func commit(_ record: Record, metrics: String? = nil) throws {
    try pool.write { db in
      try record.save(db)
      if let metrics { try Self.saveMetrics(db, key: record.key, kind: record.kind, json: metrics) }
      try db.execute(sql: "INSERT OR REPLACE INTO latest (spec, label, key) VALUES (?, ?, ?)",
                     arguments: [record.spec, record.label, record.key])
      try db.execute(sql: """
        INSERT INTO executions (key, kind, label, host, pid, started, finished, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [record.key, record.kind, record.label, record.host, record.pid, record.started, record.finished, record.status])
      // The log of executions is bounded: the oldest rows beyond `executionsKept` go.
      try db.execute(sql: "DELETE FROM executions WHERE id <= (SELECT MAX(id) FROM executions) - ?", arguments: [executionsKept])
    }
  }

  /// Points labels at keys that were reused from the cache (so `status` explains staleness
  /// relative to what this spec last used).
  public func markLatest(spec: String, labels: [(label: String, key: String)]) throws {
    guard !labels.isEmpty else { return }
    try pool.write { db in
      for (label, key) in labels {
        try db.execute(sql: "INSERT OR REPLACE INTO latest (spec, label, key) VALUES (?, ?, ?)", arguments: [spec, label, key])
      }
    }
  }

  /// Forgets completed records whose output is `digest` (after quarantining a corrupt artifact).
  public func invalidate(output digest: String) throws {
    try pool.write { db in
      try db.execute(sql: "DELETE FROM stages WHERE output = ?", arguments: [digest])
    }
  }

  /// Deletes records of keys not in `keep`; returns the outputs they named.
  public func removeRecords(notIn keep: Set<String>) throws -> [String] {
    try pool.write { db in
      let all = try Row.fetchAll(db, sql: "SELECT key, output FROM stages")
      var removed: [String] = []
      for row in all where !keep.contains(row["key"] as String) {
        try db.execute(sql: "DELETE FROM stages WHERE key = ?", arguments: [row["key"] as String])
        if let output: String = row["output"] { removed.append(output) }
      }
      return removed
    }
  }

  /// All output digests of completed records.
  public func allOutputs() throws -> Set<String> {
    try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT output FROM stages WHERE output IS NOT NULL")) }
  }

  /// How many times each key was executed (all processes, all runs).
  public func executionCounts() throws -> [String: Int] {
    try pool.read { db in
      let rows = try Row.fetchAll(db, sql: "SELECT key, COUNT(*) AS n FROM executions WHERE status = 'done' GROUP BY key")
      return Dictionary(uniqueKeysWithValues: rows.map { ($0["key"], $0["n"]) })
    }
  }
}
