import Foundation
import GRDB

extension StageIndex {
  /// Opens the index at `path` for reading only, creating nothing: no database, no `-wal` or
  /// `-shm` file, no lock. `sdfa status`, `explain`, `hw` and `log` use it, so they work on a
  /// cache shared read-only (a group's results on a cluster) and never leave a cache behind
  /// in a folder they were merely run in.
  ///
  /// - No database yet: an empty index in memory (everything reads as missing).
  /// - A database whose writers have all closed (no `-wal` file left): opened `immutable`, the
  ///   only SQLite mode that neither writes nor needs a writable folder for a WAL database.
  /// - A `-wal` file present (a writer is running, or was killed): an ordinary read-only
  ///   connection, which sees the committed records of the write-ahead log.
  public convenience init(readingAt path: String) throws {
    let fm = FileManager.default
    var config = Configuration()
    config.label = "sdfa-index-read"
    guard fm.fileExists(atPath: path) else {
      let memory = try DatabaseQueue(configuration: config)
      try memory.write { db in try db.execute(sql: Self.tables) }
      self.init(database: memory)
      return
    }
    config.readonly = true
    config.busyMode = .timeout(120)
    if let wal = try? fm.attributesOfItem(atPath: path + "-wal")[.size] as? Int, wal > 0 {
      self.init(database: try DatabaseQueue(path: path, configuration: config))
      return
    }
    if let queue = try? DatabaseQueue(path: Self.immutableURI(path), configuration: config),
       (try? queue.read({ db in try db.tableExists("stages") })) == true {
      self.init(database: queue)
      return
    }
    // A SQLite built without URI file names: a plain read-only connection.
    self.init(database: try DatabaseQueue(path: path, configuration: config))
  }

  /// `file:/abs/path?immutable=1`, with the characters URIs reserve escaped.
  static func immutableURI(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
  }
}
