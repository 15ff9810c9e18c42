import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The content-addressed artifact store under a cache directory:
///
/// ```
/// .sdfa/artifacts/ab/abcd…/       immutable artifact directories, named by digest
/// .sdfa/tmp/<pid>-<n>-<r>@<host>@<boot>/  private directories of running stages, by owner
/// .sdfa/trash/                    what is being deleted (renamed here first, then removed)
/// .sdfa/records/<key>.json        each done stage's index record (`sdfa verify --reindex`)
/// .sdfa/locks/<key>.lock          per-key locks (flock), so each stage runs once
/// .sdfa/locks/cache.lock          runs hold it shared, `gc` exclusive
/// .sdfa/logs/<key>.log            stage logs
/// .sdfa/resume/<key>/             what an interrupted stage saved to continue (see StageContext)
/// .sdfa/quarantine/               corrupt artifacts, moved aside
/// .sdfa/index.sqlite              the index
/// ```
///
/// An artifact's digest is SHA-256 over its manifest (`.manifest.json`): the sorted list of
/// its files with their sizes and SHA-256 digests. Committing fsyncs every file, the manifest
/// and the directories, then renames the private directory into place, so a crash at any
/// moment leaves either no artifact or a complete one. `SDFA_SYNC=none` skips the syncs
/// (still safe against process crashes and kills, not against power loss).
public final class ArtifactStore: @unchecked Sendable {
  public let root: URL
  public static let manifestName = ".manifest.json"

  public struct Manifest: Codable, Sendable {
    public struct File: Codable, Sendable { public var path: String; public var size: Int; public var sha256: String }
    public var files: [File]
  }

  /// A corrupt artifact: what differs, where.
  public struct CorruptArtifact: Error, CustomStringConvertible, Sendable {
    public var digest: String
    public var reason: String
    public var description: String { "artifact \(digest.prefix(12)) is corrupt: \(reason)" }
  }

  /// How artifacts reach the disk before they are recorded.
  public enum SyncMode: String, Sendable {
    /// Flush the artifact's files and directories (survives a power loss). The default.
    case full
    /// Rely on the page cache (survives a process crash or kill, not a power loss).
    case none
  }

  public let syncMode: SyncMode

  /// - Parameters:
  ///   - syncMode: default from `SDFA_SYNC` (`full` or `none`), else `full`.
  ///   - reading: only read the store (`sdfa status`, `explain`, …): create no folder, so that
  ///     a shared read-only cache, or none at all, works.
  public init(root: URL, syncMode: SyncMode? = nil, reading: Bool = false) throws {
    self.root = root
    self.syncMode = syncMode ?? ProcessInfo.processInfo.environment["SDFA_SYNC"].flatMap(SyncMode.init(rawValue:)) ?? .full
    for sub in ["artifacts", "tmp", "locks", "logs", "quarantine"] where !reading {
      try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
  }

  public var indexPath: String { root.appendingPathComponent("index.sqlite").path }

  public func artifactURL(_ digest: String) -> URL {
    root.appendingPathComponent("artifacts/\(digest.prefix(2))/\(digest)")
  }

  public func logURL(_ key: String) -> URL { root.appendingPathComponent("logs/\(key).log") }

  /// The resume folder of `key` (not created here): a long stage's progress, kept across
  /// crashes and kills until the stage's artifact is committed.
  public func resumeURL(_ key: String) -> URL { root.appendingPathComponent("resume/\(key)") }

  /// Keys that have a resume folder.
  public func resumeKeys() -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("resume").path)) ?? []
  }

  /// Deletes the resume folder of `key`, if any.
  public func removeResume(_ key: String) {
    try? FileManager.default.removeItem(at: resumeURL(key))
  }

  public func exists(_ digest: String) -> Bool {
    FileManager.default.fileExists(atPath: artifactURL(digest).appendingPathComponent(Self.manifestName).path)
  }

  let counter = Counter()

  /// A fresh private directory for a running stage, named by its owner
  /// (`<pid>-<n>-<random>@<host>@<boot id>`, see `TemporaryOwner`).
  public func makeTemporaryDirectory() throws -> URL {
    let url = root.appendingPathComponent("tmp/\(TemporaryOwner.current.name(counter.next()))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Seals a private directory into an artifact and returns its digest.
  public func commit(_ directory: URL) throws -> String {
    let manifest = try makeManifest(directory)
    let manifestData = try JSONEncoder.sorted.encode(manifest)
    let digest = Digest.sha256(manifestData)
    let manifestURL = directory.appendingPathComponent(Self.manifestName)
    try Self.writeFile(manifestData, to: manifestURL)
    for file in manifest.files { chmod(directory.appendingPathComponent(file.path).path, 0o444) }
    chmod(manifestURL.path, 0o444)
    if syncMode == .full {
      for file in manifest.files { try fsyncPath(directory.appendingPathComponent(file.path)) }
      try fsyncPath(manifestURL)
      try fsyncDirectoryTree(directory)
    }
    let destination = artifactURL(digest)
    let parent = destination.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    try moveIntoPlace(directory, as: digest)
    if syncMode == .full { try fsyncPath(parent) }
    return digest
  }

  /// Re-hashes an artifact's files against its manifest and the manifest against the digest.
  public func verify(_ digest: String) throws {
    let url = artifactURL(digest)
    guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(Self.manifestName).path) else {
      throw CorruptArtifact(digest: digest, reason: "its manifest is missing")
    }
    guard Digest.sha256(data) == digest else { throw CorruptArtifact(digest: digest, reason: "its manifest does not match its digest") }
    let manifest = try JSONDecoder().decode(Manifest.self, from: data)
    let actual = try makeManifest(url)
    guard actual.files.map(\.path) == manifest.files.map(\.path) else {
      throw CorruptArtifact(digest: digest, reason: "its files differ from the manifest (\(Set(actual.files.map(\.path)).symmetricDifference(manifest.files.map(\.path)).sorted().joined(separator: ", ")))")
    }
    for (a, m) in zip(actual.files, manifest.files) where a.sha256 != m.sha256 || a.size != m.size {
      throw CorruptArtifact(digest: digest, reason: "file '\(m.path)' has changed (size \(a.size), expected \(m.size); sha256 \(a.sha256.prefix(12)), expected \(m.sha256.prefix(12)))")
    }
  }

  /// Moves a corrupt artifact aside (to `quarantine/`) so that it is rebuilt; returns where.
  @discardableResult
  public func quarantine(_ digest: String) throws -> URL {
    let target = root.appendingPathComponent("quarantine/\(digest)-\(Int(Date().timeIntervalSince1970))-\(getpid())-\(counter.next())")
    try FileManager.default.moveItem(at: artifactURL(digest), to: target)
    return target
  }

  /// Every artifact digest present on disk.
  public func allArtifacts() -> [String] {
    let base = root.appendingPathComponent("artifacts")
    var result: [String] = []
    for prefix in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] {
      result += (try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(prefix).path)) ?? []
    }
    return result.sorted()
  }

  /// Deletes an artifact atomically (see `discard`); returns the bytes freed.
  public func remove(_ digest: String) throws -> Int {
    let url = artifactURL(digest)
    let size = directorySize(url)
    try discard(url)
    return size
  }

  public func directorySize(_ url: URL) -> Int {
    var total = 0
    if let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) {
      for case let file as URL in walker { total += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 }
    }
    return total
  }

  // MARK: Helpers

  private func makeManifest(_ directory: URL) throws -> Manifest {
    var files: [Manifest.File] = []
    let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return Manifest(files: []) }
    while let relative = walker.nextObject() as? String {
      let url = URL(fileURLWithPath: base).appendingPathComponent(relative)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        relative != Self.manifestName
      else { continue }
      let (sha, size) = try Digest.sha256(file: url)
      files.append(.init(path: relative, size: size, sha256: sha))
    }
    files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    return Manifest(files: files)
  }

  /// Writes a file with plain POSIX calls (Foundation's `Data.write` fsyncs every file on
  /// Linux; the store decides when to sync).
  static func writeFile(_ data: Data, to url: URL) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw StageFailure("cannot create \(url.path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          throw StageFailure("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        offset += n
      }
    }
  }

  private func fsyncDirectoryTree(_ directory: URL) throws {
    if let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isDirectoryKey]) {
      for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
        try fsyncPath(url)
      }
    }
    try fsyncPath(directory)
  }

  private func fsyncPath(_ url: URL) throws {
    let fd = open(url.path, O_RDONLY)
    guard fd >= 0 else { throw StageFailure("cannot open \(url.path) to sync it: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw StageFailure("fsync of \(url.path) failed: \(String(cString: strerror(errno)))") }
  }
}

final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func next() -> Int { lock.withLock { value += 1; return value } }
}

extension JSONEncoder {
  static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }
}
