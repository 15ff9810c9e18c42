import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The content digest of a file tree (a dataset folder): SHA-256 over every file's path
/// relative to the root, size and SHA-256, so that the same data under another path has the
/// same digest and a file rewritten anywhere in the tree changes it. Per-file digests come
/// from a ``FileDigestMemo`` where the file's stat is unchanged (a warm call only stats).
///
/// Hidden entries (names starting with `.`) are left out, as are sockets and other special
/// files; symbolic links are followed (a dataset may be a link to shared storage).
///
/// ```swift
/// let tree = try TreeDigester(memo: FileDigestMemo(indexPath: store.indexPath)).digest(of: "data/nmnist")
/// print(tree.digest, tree.files, tree.hashed)   // hashed == 0 on a warm call
/// ```
public final class TreeDigester: @unchecked Sendable {
  /// A tree's digest and what computing it took.
  public struct Tree: Sendable, Equatable {
    public var digest: String
    public var files: Int
    public var bytes: Int64
    /// Files whose content was read (the others' digests came from the memo).
    public var hashed: Int
  }

  /// A file or folder that cannot be read, with its path.
  public struct Failure: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  private let memo: FileDigestMemo?
  private let lock = NSLock()
  private var trees: [String: Tree] = [:]
  /// Digests computed without a memo to remember them in (``rememberComputed(in:)``).
  private var unsaved: [(stat: FileDigestMemo.Stat, digest: String, path: String)] = []

  /// Without a memo every file is hashed (once per digester: trees are remembered by path for
  /// the digester's lifetime, one command).
  /// Closes the memo's database (see ``StageIndex/close()``); digests are computed without it
  /// afterwards.
  public func closeMemo() { memo?.close() }

  public init(memo: FileDigestMemo? = nil) {
    self.memo = memo
  }

  public func digest(of root: String) throws -> Tree {
    let path = URL(fileURLWithPath: root).standardizedFileURL.path
    if let known = lock.withLock({ trees[path] }) { return known }
    var entries: [(relative: String, path: String, stat: FileDigestMemo.Stat)] = []
    let top = try Self.stat(path)
    if top.isDirectory {
      var visited: Set<[Int64]> = [[top.stat.device, top.stat.inode]]
      try walk(path, relative: "", visited: &visited, into: &entries)
    } else {
      entries.append(("", path, top.stat))
    }
    // By path bytes; the keys are made once (comparing fresh arrays dominated a warm keying).
    let sortKeys = entries.map { Array($0.relative.utf8) }
    entries = entries.indices.sorted { sortKeys[$0].lexicographicallyPrecedes(sortKeys[$1]) }.map { entries[$0] }

    var digests = (try? memo?.digests(for: entries.map(\.stat))) ?? [:]
    let missing = entries.indices.filter { digests[entries[$0].stat] == nil }
    let computed = try Self.hash(missing.map { entries[$0].path })
    let now = Int64(Date().timeIntervalSince1970 * 1e9)
    var fresh: [(stat: FileDigestMemo.Stat, digest: String, path: String)] = []
    for (i, digest) in zip(missing, computed) {
      digests[entries[i].stat] = digest
      if !Self.isRacy(entries[i].stat, now: now) { fresh.append((entries[i].stat, digest, entries[i].path)) }
    }
    if let memo, (try? memo.remember(fresh)) != nil {} else { lock.withLock { unsaved += fresh } }

    var material = ""
    material.reserveCapacity(entries.count * 96)
    for entry in entries {
      material += "\(entry.relative)\u{0}\(entry.stat.size)\u{0}\(digests[entry.stat]!)\n"
    }
    let tree = Tree(digest: Digest.sha256(material), files: entries.count,
                    bytes: entries.reduce(0) { $0 + $1.stat.size }, hashed: missing.count)
    lock.withLock { trees[path] = tree }
    return tree
  }

  /// Remembers in `memo` the digests computed so far that no memo holds yet: `sdfa run` keys
  /// its specs before it creates a cache (an invalid spec must not leave one behind), then
  /// saves the digests once the cache exists.
  public func rememberComputed(in memo: FileDigestMemo?) {
    guard let memo else { return }
    let pending = lock.withLock { () -> [(stat: FileDigestMemo.Stat, digest: String, path: String)] in
      defer { unsaved = [] }
      return unsaved
    }
    try? memo.remember(pending)
  }

  private func walk(
    _ directory: String, relative: String, visited: inout Set<[Int64]>,
    into entries: inout [(relative: String, path: String, stat: FileDigestMemo.Stat)]
  ) throws {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
      throw Failure(path: directory, reason: "cannot list the folder: \(error.localizedDescription)")
    }
    for name in names where !name.hasPrefix(".") {
      let path = directory + "/" + name
      let child = relative.isEmpty ? name : relative + "/" + name
      guard let info = try? Self.stat(path) else { continue }  // a dangling link
      if info.isDirectory {
        // A link back up the tree would loop forever.
        if visited.insert([info.stat.device, info.stat.inode]).inserted {
          try walk(path, relative: child, visited: &visited, into: &entries)
        }
      } else if info.isRegular {
        entries.append((child, path, info.stat))
      }
    }
  }

  /// `stat(2)`, following links.
  static func stat(_ path: String) throws -> (stat: FileDigestMemo.Stat, isDirectory: Bool, isRegular: Bool) {
    var s = Glibc_stat()
    guard statFollowing(path, &s) == 0 else {
      throw Failure(path: path, reason: String(cString: strerror(errno)))
    }
    #if canImport(Darwin)
    let modified = Int64(s.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(s.st_mtimespec.tv_nsec)
    let changed = Int64(s.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(s.st_ctimespec.tv_nsec)
    #else
    let modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
    let changed = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
    #endif
    let type = s.st_mode & S_IFMT
    return (FileDigestMemo.Stat(device: Int64(bitPattern: UInt64(s.st_dev)), inode: Int64(bitPattern: UInt64(s.st_ino)),
                                size: Int64(s.st_size), modified: modified, changed: changed),
            type == S_IFDIR, type == S_IFREG)
  }

  /// A file changed within the last two seconds on a file system with whole-second time
  /// stamps could change again without its stat changing (git's "racy clean"): its digest is
  /// used but not remembered.
  static func isRacy(_ stat: FileDigestMemo.Stat, now: Int64) -> Bool {
    let coarse = stat.modified % 1_000_000_000 == 0 && stat.changed % 1_000_000_000 == 0
    return coarse && now - stat.changed < 2_000_000_000
  }

  /// SHA-256 of each file, on up to four threads.
  static func hash(_ paths: [String]) throws -> [String] {
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var values: [Result<String, any Error>]
      init(_ count: Int) { values = Array(repeating: .success(""), count: count) }
    }
    let results = Results(paths.count)
    let workers = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for i in stride(from: worker, to: paths.count, by: workers) {
        let result: Result<String, any Error> = Result {
          do { return try Digest.sha256(file: URL(fileURLWithPath: paths[i])).digest } catch {
            throw Failure(path: paths[i], reason: "cannot read: \(error.localizedDescription)")
          }
        }
        results.lock.withLock { results.values[i] = result }
      }
    }
    return try results.values.map { try $0.get() }
  }
}

#if canImport(Darwin)
private typealias Glibc_stat = Darwin.stat
private func statFollowing(_ path: String, _ s: inout Darwin.stat) -> Int32 { stat(path, &s) }
#else
private typealias Glibc_stat = Glibc.stat
private func statFollowing(_ path: String, _ s: inout Glibc.stat) -> Int32 { stat(path, &s) }
#endif
