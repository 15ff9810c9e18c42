import Foundation
import GRDB
import Testing
@testable import Pipeline

/// `sdfa gc` forgets the remembered digests of data files that are gone or changed, and keeps
/// those it can still use.
@Suite(.serialized) struct FileDigestPruneTests {
  /// A folder of `count` small files, hashed once into the memo of `scratch`'s cache.
  static func remembered(_ scratch: Scratch, count: Int) throws -> (folder: URL, memo: FileDigestMemo) {
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)  // the cache and its index
    let folder = scratch.url.appendingPathComponent("data")
    for i in 0..<count { _ = try scratch.write("data/sub/\(i).bin", String(repeating: "\(i)", count: 100 + i)) }
    // Old enough not to be "racy" (a whole-second time stamp changed in the last 2 s).
    for i in 0..<count {
      try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                            ofItemAtPath: folder.appendingPathComponent("sub/\(i).bin").path)
    }
    let memo = try #require(FileDigestMemo(indexPath: scratch.cache.appendingPathComponent("index.sqlite").path, writable: true))
    let tree = try TreeDigester(memo: memo).digest(of: folder.path)
    #expect(tree.hashed == count)
    #expect(try TreeDigester(memo: memo).digest(of: folder.path).hashed == 0)
    return (folder, memo)
  }

  static func rows(_ memo: FileDigestMemo) throws -> Int {
    try memo.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM file_digests") ?? 0 }
  }

  @Test func gcForgetsDeletedMovedAndRewrittenFilesAndKeepsTheRest() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let (folder, memo) = try Self.remembered(scratch, count: 6)
    #expect(try Self.rows(memo) == 6)
    let file = { (i: Int) in folder.appendingPathComponent("sub/\(i).bin") }
    try FileManager.default.removeItem(at: file(0))                                     // deleted
    try FileManager.default.moveItem(at: file(1), to: folder.appendingPathComponent("moved.bin"))  // moved
    try "changed".write(to: file(2), atomically: false, encoding: .utf8)                // rewritten in place
    #expect(try memo.prune(dryRun: true) == 3)
    #expect(try Self.rows(memo) == 6, "a dry run removes nothing")

    let dry = try ToyProcess.run(["gc", "--keep", "s.yml", "--dry-run"], in: scratch.url)
    #expect(dry.status == 0 && dry.out.contains("would forget 3 file digests"), "\(dry.out)\(dry.err)")
    let gc = try ToyProcess.run(["gc", "--keep", "s.yml"], in: scratch.url)
    #expect(gc.status == 0, "\(gc.err)")
    #expect(gc.out.contains("forgot 3 file digests of deleted, moved or changed data files"), "\(gc.out)")
    #expect(try Self.rows(memo) == 3)
    // The unchanged files are still known: keying the folder hashes only the moved and the rewritten one.
    #expect(try TreeDigester(memo: memo).digest(of: folder.path).hashed == 2)
    // A second gc has nothing to forget (and says nothing about it).
    let again = try ToyProcess.run(["gc", "--keep", "s.yml"], in: scratch.url)
    #expect(again.status == 0 && !again.out.contains("forgot"), "\(again.out)")
  }

  @Test func rowsFromBeforeThePathColumnAreMigratedAndForgotten() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    let index = scratch.cache.appendingPathComponent("index.sqlite").path
    // The table as the first version of the memo made it, with one row.
    let first = try #require(FileDigestMemo(indexPath: index, writable: true))
    try first.database.write { db in
      try db.execute(sql: """
        DROP TABLE file_digests;
        CREATE TABLE file_digests (device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
          mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (device, inode));
        INSERT INTO file_digests VALUES (1, 2, 3, 4, 5, 'abc');
        """)
    }
    let memo = try #require(FileDigestMemo(indexPath: index, writable: true))
    #expect(try memo.database.read { db in try db.columns(in: "file_digests").map(\.name) }.contains("path"))
    #expect(try Self.rows(memo) == 1)
    #expect(try memo.prune() == 1)
    #expect(try Self.rows(memo) == 0)
  }
}
