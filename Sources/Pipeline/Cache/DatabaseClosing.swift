import GRDB

extension DatabaseWriter {
  /// Closes every connection now, a pool's readers before its writer, so that a writer that
  /// was the last connection to the file checkpoints and removes the `-wal` file.
  ///
  /// Why not GRDB's `close()` alone: it closes a pool's writer first, and a read-only
  /// connection that closes last leaves the WAL behind. The next read-only command (`status`)
  /// then opens an ordinary connection, which touches `-shm`, instead of reading the database
  /// `immutable` (`StageIndex+ReadOnly.swift`). Nothing may use the database afterwards.
  func closeReadersFirst() {
    if let pool = self as? DatabasePool {
      pool.releaseMemory()
      try? pool.close()
    } else if let queue = self as? DatabaseQueue {
      try? queue.close()
    }
  }
}
