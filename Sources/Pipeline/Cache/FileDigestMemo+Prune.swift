import Foundation
import GRDB

extension FileDigestMemo {
  /// Forgets the digests of files that are gone: a row is kept only while the file at its
  /// path is still the same file with the same stat (device, inode, size, modification and
  /// change time), the only case in which it can be used again. A file deleted, rewritten or
  /// moved elsewhere loses its row (a moved file is hashed once more where it is found next);
  /// rows from before the memo recorded paths go too. `sdfa gc` calls it under the cache's
  /// exclusive lock, so no run is remembering digests meanwhile.
  ///
  /// Returns how many rows were (with `dryRun`: would be) removed; 0 on a read-only memo
  /// unless `dryRun`.
  @discardableResult
  public func prune(dryRun: Bool = false) throws -> Int {
    guard isWritable || dryRun else { return 0 }
    var doomed: [(device: Int64, inode: Int64)] = []
    try database.read { db in
      let rows = try Row.fetchCursor(db, sql: "SELECT device, inode, size, mtime_ns, ctime_ns, path FROM file_digests")
      while let row = try rows.next() {
        let remembered = Stat(device: row["device"], inode: row["inode"], size: row["size"], modified: row["mtime_ns"], changed: row["ctime_ns"])
        let path: String? = row["path"]
        if let path, let now = try? TreeDigester.stat(path), now.isRegular, now.stat == remembered { continue }
        doomed.append((remembered.device, remembered.inode))
      }
    }
    guard !dryRun, !doomed.isEmpty else { return doomed.count }
    try database.write { db in
      let statement = try db.makeStatement(sql: "DELETE FROM file_digests WHERE device = ? AND inode = ?")
      for (device, inode) in doomed { try statement.execute(arguments: [device, inode]) }
    }
    return doomed.count
  }
}
