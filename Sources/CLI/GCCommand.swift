import ArgumentParser
import Foundation
import Pipeline

struct GCCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc",
    abstract: "Delete cached artifacts that none of the given specs reaches.",
    discussion: """
      Keeps every artifact that a current key of a --keep spec names; removes the rest, their \
      index records, saved progress of stages no kept spec needs, the trash, other hosts' \
      temporary folders untouched for a day, and the remembered digests of data files that were \
      deleted, moved or changed since they were hashed. With no --keep, removes every artifact: it asks \
      first on a terminal, and needs --yes otherwise.

      gc holds the cache's lock exclusively: it waits for running `sdfa run`s to finish (and \
      they wait for it), saying whom it waits for. Each artifact is renamed into the trash \
      before it is deleted, so a gc killed at any moment leaves a cache that the next run \
      uses as is.

      Examples:
        sdfa gc --keep experiments/quickstart.yml --keep experiments/paper/*.yml --dry-run
        sdfa gc --keep experiments/quickstart.yml
        sdfa gc --yes                      # everything
      """)

  @Option(name: .long, parsing: .upToNextOption, help: "Specs whose artifacts to keep.") var keep: [String] = []
  @Flag(name: [.customShort("n"), .long], help: "Only list what would be removed.") var dryRun = false
  @Flag(name: [.short, .long], help: "Do not ask before removing everything (no --keep).") var yes = false
  @OptionGroup var options: SpecOptions
  @OptionGroup var locking: LockOptions

  func run() throws {
    let specs = try options.loadSpecs(keep)
    let runner = try options.runner(for: keep)
    let store = runner.store
    let cacheLock = dryRun ? nil : try locking.lockCache(store, .exclusive)
    defer { cacheLock?.unlock() }
    let inspector = Inspector(store: store, index: runner.index)
    var keepKeys = Set<String>(), keepDigests = Set<String>(), liveKeys = Set<String>()
    for spec in specs {
      for entry in try inspector.status(StageGraph(spec: spec, registry: CLIRuntime.registry)) {
        if let key = entry.key { liveKeys.insert(key) }
        if case .cached(let digest) = entry.status, let key = entry.key {
          keepKeys.insert(key)
          keepDigests.insert(digest)
        }
      }
    }
    // Saved progress of stages the kept specs still need stays; the rest goes (no run is live:
    // gc holds the cache's lock, and every run holds it shared).
    let staleResume = store.resumeKeys().filter { !liveKeys.contains($0) }
    let doomed = store.allArtifacts().filter { !keepDigests.contains($0) }
    let bytes = doomed.reduce(0) { $0 + store.directorySize(store.artifactURL($1)) }
    let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
    if dryRun {
      let forgotten = (try? FileDigestMemo(indexPath: store.indexPath)?.prune(dryRun: true)) ?? 0
      Terminal.out("would remove \(doomed.count) artifacts (\(size)), keep \(keepDigests.count)" + Self.forgetting(forgotten, dryRun: true))
      return
    }
    if keep.isEmpty && !doomed.isEmpty && !yes { try confirmRemovingEverything(doomed.count, size) }
    _ = try runner.index.removeRecords(notIn: keepKeys)
    for key in store.recordKeys() where !keepKeys.contains(key) { store.removeRecord(key) }
    for digest in doomed { _ = try store.remove(digest) }
    for key in staleResume { store.removeResume(key) }
    store.emptyTrash()
    store.removeAbandonedTemporaries()
    let expired = store.removeStaleForeignTemporaries()
    let forgotten = try FileDigestMemo(indexPath: store.indexPath, writable: true)?.prune() ?? 0
    Terminal.out("removed \(doomed.count) artifacts (\(size)), kept \(keepDigests.count)"
      + (expired.isEmpty ? "" : "; removed \(expired.count) other hosts' temporary folders untouched for a day")
      + Self.forgetting(forgotten, dryRun: false))
  }

  /// "; forgot 3 file digests of deleted or changed data files" (nothing when none).
  static func forgetting(_ count: Int, dryRun: Bool) -> String {
    count == 0 ? "" : "; \(dryRun ? "would forget" : "forgot") \(count) file digest\(count == 1 ? "" : "s") of deleted, moved or changed data files"
  }

  /// Asks on a terminal; elsewhere (a script, CI) refuses without `--yes`.
  private func confirmRemovingEverything(_ count: Int, _ size: String) throws {
    guard isatty(STDIN_FILENO) != 0 && Terminal.isInteractive else {
      Terminal.error("error: gc without --keep removes every artifact (\(count), \(size)); pass --yes to confirm, or --keep SPEC to keep a spec's")
      throw ExitCode(2)
    }
    Terminal.raw("remove every artifact of \(options.project(for: keep).cacheDisplay) (\(count), \(size))? [y/N] ")
    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
    guard answer == "y" || answer == "yes" else {
      Terminal.error("nothing removed")
      throw ExitCode(1)
    }
  }
}
