import Foundation
import GRDB

/// Per-file SHA-256 digests remembered by the file's identity and stat, in the cache's SQLite
/// index (table `file_digests`): DVC's approach to keying big datasets by content without
/// reading them on every run. A file is re-hashed only when its device, inode, size,
/// modification time or change time differs from the remembered ones; the change time
/// (which no user tool can set back) catches a rewrite whose modification time was restored.
public final class FileDigestMemo: @unchecked Sendable {
  /// A file's identity and the parts of its stat that change when its content does.
  public struct Stat: Hashable, Sendable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    /// Nanoseconds since the epoch.
    public var modified: Int64
    public var changed: Int64

    public init(device: Int64, inode: Int64, size: Int64, modified: Int64, changed: Int64) {
      self.device = device
      self.inode = inode
      self.size = size
      self.modified = modified
      self.changed = changed
    }
  }

  let database: any DatabaseWriter
  /// False on a read-only cache: digests are looked up, never stored.
  public let isWritable: Bool

  /// Opens the memo in the index at `indexPath`, which must exist (the runner creates it).
  /// `writable`: for commands that run stages, which remember what they hash (the table is
  /// created on first use); read-only commands (`status`, `explain`, `dag`, `validate`) only
  /// look digests up and write nothing, so that they work on a shared read-only cache and
  /// leave a cache exactly as they found it. A cache this process cannot write is read.
  /// Nil when the file is missing or unreadable; keying then hashes every file.
  public init?(indexPath: String, writable: Bool = false) {
    guard FileManager.default.fileExists(atPath: indexPath) else { return nil }
    if writable {
      var config = Configuration()
      config.busyMode = .timeout(120)
      config.label = "sdfa-file-digests"
      // As the index: a lost last commit after a power cut only means hashing those files again.
      config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
      if let pool = try? DatabasePool(path: indexPath, configuration: config),
        (try? pool.write({ db in try Self.createOrMigrate(db) })) != nil
      {
        database = pool
        isWritable = true
        return
      }
    }
    guard let reader = try? StageIndex(readingAt: indexPath),
      (try? reader.pool.read({ db in try db.tableExists("file_digests") })) == true
    else { return nil }
    database = reader.pool
    isWritable = false
  }

  /// Closes the database now (``DatabaseWriter/closeReadersFirst()``), as ``StageIndex/close()``
  /// does. Nothing may use the memo afterwards.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    database.closeReadersFirst()
  }

  private var isClosed = false

  /// `path` is where the file was last hashed: only ``prune(dryRun:)`` reads it (a file is
  /// known by its device and inode, wherever it is reached from).
  static let schema = """
    CREATE TABLE IF NOT EXISTS file_digests (
      device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
      mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, digest TEXT NOT NULL,
      path TEXT,
      PRIMARY KEY (device, inode));
    """

  /// Creates the table, or adds `path` to one made before it had it (those rows keep a null
  /// path, and the next gc forgets them: they cost one more hash, never a wrong digest).
  static func createOrMigrate(_ db: Database) throws {
    try db.execute(sql: schema)
    if try !db.columns(in: "file_digests").contains(where: { $0.name == "path" }) {
      try db.execute(sql: "ALTER TABLE file_digests ADD COLUMN path TEXT")
    }
  }

  /// The remembered digests of the files among `stats` whose stat is unchanged.
  public func digests(for stats: [Stat]) throws -> [Stat: String] {
    let byDevice = Dictionary(grouping: stats, by: \.device)
    return try database.read { db in
      var found: [Stat: String] = [:]
      for (device, files) in byDevice {
        let wanted = Set(files)
        for chunk in stride(from: 0, to: files.count, by: 500) {
          let slice = files[chunk..<min(chunk + 500, files.count)]
          let rows = try Row.fetchAll(
            db, sql: "SELECT inode, size, mtime_ns, ctime_ns, digest FROM file_digests WHERE device = ? AND inode IN (\(databaseQuestionMarks(count: slice.count)))",
            arguments: StatementArguments([device] + slice.map(\.inode)))
          for row in rows {
            let stat = Stat(device: device, inode: row["inode"], size: row["size"], modified: row["mtime_ns"], changed: row["ctime_ns"])
            if wanted.contains(stat) { found[stat] = row["digest"] }
          }
        }
      }
      return found
    }
  }

  /// Remembers digests of the files at `path` (replacing what an inode had before); nothing
  /// on a read-only cache.
  public func remember(_ digests: [(stat: Stat, digest: String, path: String)]) throws {
    guard isWritable, !digests.isEmpty else { return }
    try database.write { db in
      let statement = try db.makeStatement(sql: """
        INSERT OR REPLACE INTO file_digests (device, inode, size, mtime_ns, ctime_ns, digest, path) VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
      for (stat, digest, path) in digests {
        try statement.execute(arguments: [stat.device, stat.inode, stat.size, stat.modified, stat.changed, digest, path])
      }
    }
  }
}
