import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `sdfa verify`: re-hashes artifacts, checks the index against them, and (with `repair`)
/// puts the cache right: corrupt artifacts go to `quarantine/`, index rows that name a missing
/// artifact are dropped, incomplete folders and the trash are removed, missing record files
/// are rewritten. Without `repair` nothing changes. A run rebuilds whatever was dropped.
public struct CacheVerifier: Sendable {
  public let store: ArtifactStore
  public let index: StageIndex

  public init(store: ArtifactStore, index: StageIndex) {
    self.store = store
    self.index = index
  }

  /// What verification found (and, with `repair`, fixed).
  public struct Report: Sendable {
    public var checked = 0
    /// Corrupt artifacts: digest and reason.
    public var corrupt: [(digest: String, reason: String)] = []
    /// Folders in an artifact's place without a manifest (a deletion killed midway).
    public var incomplete: [String] = []
    /// Index rows whose artifact is missing: `spec: label`.
    public var dangling: [String] = []
    /// Done keys without a record file (`--reindex` could not restore them).
    public var unrecorded: [String] = []
    /// Stages a run will rebuild (`spec: label`).
    public var rebuild: [String] = []
    /// Other hosts' (or unowned) temporary folders, with their age in seconds.
    public var foreignTemporaries: [ArtifactStore.ForeignTemporary] = []
    /// Entries left in the trash.
    public var trash = 0
    public var repaired = false

    public var isClean: Bool { corrupt.isEmpty && incomplete.isEmpty && dangling.isEmpty && unrecorded.isEmpty }
  }

  /// Verifies `digests` (nil: every artifact on disk and every index row).
  public func run(digests: [String]? = nil, repair: Bool, progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
    var report = Report()
    report.repaired = repair
    let onDisk = store.allArtifacts()
    let targets = digests.map { Array(Set($0)).sorted() } ?? onDisk
    for (n, digest) in targets.enumerated() {
      progress(n, targets.count)
      let folder = store.artifactURL(digest)
      guard FileManager.default.fileExists(atPath: folder.path) else { continue }
      report.checked += 1
      guard store.exists(digest) else {
        report.incomplete.append(digest)
        if repair { try store.discard(folder) }
        continue
      }
      do {
        try store.verify(digest)
      } catch {
        report.corrupt.append((digest, "\(error)"))
        report.rebuild += try index.labels(producing: digest)
        if repair {
          try store.quarantine(digest)
          try index.invalidate(output: digest)
        }
      }
    }
    let wanted = digests.map(Set.init)
    let recorded = store.recordKeys()
    for record in try index.doneRecords() {
      guard let output = record.output, wanted?.contains(output) ?? true else { continue }
      if !store.exists(output), !report.corrupt.contains(where: { $0.digest == output }) {
        report.dangling.append("\(record.spec): \(record.label)")
        report.rebuild.append("\(record.spec): \(record.label)")
        if repair { try index.forget(key: record.key) }
      } else if !recorded.contains(record.key) {
        report.unrecorded.append(record.key)
        if repair { try store.writeRecord(record) }
      }
    }
    report.rebuild = Array(Set(report.rebuild)).sorted()
    report.foreignTemporaries = store.foreignTemporaries()
    report.trash = ((try? FileManager.default.contentsOfDirectory(atPath: store.trashURL.path)) ?? []).count
    if repair { store.emptyTrash() }
    return report
  }

  /// Rebuilds the index from the record files: the old index file (if any) goes to
  /// `quarantine/`, a fresh one is filled with every record whose artifact verifies, each
  /// record's execution (the run that made its artifact: earlier runs of a key are recorded
  /// nowhere else), and, where `registry` is given, the metrics its kind reads from the
  /// artifact (``Stage/metrics(artifact:)``, what `sdfa runs` shows). Returns how many records
  /// were restored, how many were left out (their artifact is missing or corrupt: a run
  /// rebuilds those stages) and how many got their metrics back.
  public static func reindex(store: ArtifactStore, registry: StageRegistry? = nil) throws
    -> (restored: Int, skipped: Int, metrics: Int, index: StageIndex)
  {
    let stamp = "\(Int(Date().timeIntervalSince1970))-\(getpid())"
    for suffix in ["", "-wal", "-shm"] {
      let path = store.indexPath + suffix
      guard FileManager.default.fileExists(atPath: path) else { continue }
      let target = store.root.appendingPathComponent("quarantine/index-\(stamp).sqlite\(suffix)").path
      guard rename(path, target) == 0 else {
        throw StageFailure("cannot move the old index \(path) aside: \(IOErrorText.errnoText)")
      }
    }
    let index = try StageIndex(path: store.indexPath)
    var good: [StageIndex.Record] = [], skipped = 0
    var verdicts: [String: Bool] = [:]
    for record in store.readRecords().records where record.status == "done" {
      guard let output = record.output else { continue }
      let ok = verdicts[output] ?? ((try? store.verify(output)) != nil)
      verdicts[output] = ok
      if ok { good.append(record) } else { skipped += 1 }
    }
    try index.insert(good)
    var metrics = 0
    if let registry {
      var catalog = RunCatalog(index: index, cache: store.root, registry: registry)
      metrics = try catalog.backfill()
    }
    return (good.count, skipped, metrics, index)
  }
}
