import ArgumentParser
import Foundation
import Pipeline

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Re-hash cached artifacts and check the index against them; repair with --repair.",
    discussion: """
      Checks every artifact (or those of the given specs' cached stages): each file against \
      its manifest, the manifest against the artifact's name. Checks every index row against \
      the artifacts, lists other hosts' temporary folders, and says what a run would rebuild. \
      Changes nothing unless --repair: then corrupt artifacts move to quarantine/, rows that \
      name a missing artifact are dropped, incomplete folders and the trash are removed. The \
      next `sdfa run` rebuilds what was dropped.

      --reindex rebuilds a lost or corrupt index from the record each stage leaves beside its \
      artifact (records/<key>.json); the old index moves to quarantine/.

      Exit status: 0 clean (or repaired), 1 problems found and left.

      Examples:
        sdfa verify
        sdfa verify experiments/quickstart.yml
        sdfa verify --repair
        sdfa verify --reindex
      """)

  @Argument(help: "Spec files (default: the whole cache).", completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String] = []
  @Flag(name: .long, help: "Quarantine corrupt artifacts and drop what points at them.") var repair = false
  @Flag(name: .long, help: "Rebuild the index from the artifacts' records.") var reindex = false
  @OptionGroup var options: SpecOptions
  @OptionGroup var locking: LockOptions

  func run() throws {
    let loaded = try options.loadSpecs(specs)
    let project = options.project(for: specs)
    var cacheLock: FileLock?
    if repair || reindex {
      let store: ArtifactStore
      do { store = try ArtifactStore(root: project.cache) } catch {
        Terminal.error("error: cannot open the cache at \(project.cacheDisplay): \(IOErrorText.describe(error))")
        throw ExitCode(1)
      }
      cacheLock = try locking.lockCache(store, .exclusive)
      if reindex {
        do {
          let (restored, skipped, metrics, _) = try CacheVerifier.reindex(store: store, registry: CLIRuntime.registry)
          Terminal.out("reindexed: \(restored) stage records restored from \(project.cacheDisplay)/records"
            + (skipped > 0 ? "; \(skipped) left out (their artifact is missing or corrupt: a run rebuilds them)" : "")
            + (metrics > 0 ? "; the metrics of \(metrics) read again from their artifacts" : ""))
        } catch {
          Terminal.error("error: cannot rebuild the index: \(IOErrorText.describe(error))")
          throw ExitCode(1)
        }
      }
    }
    defer { cacheLock?.unlock() }
    // Plain verify only reads (a shared read-only cache can be checked); --repair writes.
    let inspector: Inspector
    if repair {
      let runner = try options.runner(for: specs)
      inspector = Inspector(store: runner.store, index: runner.index)
    } else {
      inspector = try options.reader(for: specs)
    }
    var digests: [String]?
    if !loaded.isEmpty {
      digests = try loaded.flatMap { spec in
        try inspector.status(StageGraph(spec: spec, registry: CLIRuntime.registry)).compactMap { entry -> String? in
          if case .cached(let digest) = entry.status { digest } else { nil }
        }
      }
    }
    let report = try CacheVerifier(store: inspector.store, index: inspector.index).run(digests: digests, repair: repair)
    render(report, cache: project.cacheDisplay)
    if !report.isClean && !repair { throw ExitCode(1) }
  }

  private func render(_ report: CacheVerifier.Report, cache: String) {
    let done = report.repaired ? "repaired" : "found"
    Terminal.out("verified \(report.checked) artifact\(report.checked == 1 ? "" : "s") in \(cache)")
    for (digest, reason) in report.corrupt {
      Terminal.out("  corrupt     \(digest.prefix(12)): \(reason)\(report.repaired ? " (quarantined)" : "")")
    }
    for digest in report.incomplete {
      Terminal.out("  incomplete  \(digest.prefix(12)): no manifest (a deletion was interrupted)\(report.repaired ? " (removed)" : "")")
    }
    for row in report.dangling { Terminal.out("  dangling    \(row): its artifact is missing\(report.repaired ? " (row dropped)" : "")") }
    if !report.unrecorded.isEmpty {
      Terminal.out("  unrecorded  \(report.unrecorded.count) stage\(report.unrecorded.count == 1 ? "" : "s") without a record file (made by an older sdfa)\(report.repaired ? " (written)" : "")")
    }
    for entry in report.foreignTemporaries {
      let owner = entry.owner.map { "pid \($0.pid) on \($0.host)" } ?? "an older sdfa"
      Terminal.out("  temporary   tmp/\(entry.name): \(owner), untouched for \(Self.age(entry.age))\(entry.age > 86_400 ? " (gc removes it)" : "")")
    }
    if report.trash > 0 { Terminal.out("  trash       \(report.trash) entr\(report.trash == 1 ? "y" : "ies") left by an interrupted deletion\(report.repaired ? " (removed)" : "")") }
    if report.isClean {
      Terminal.out("ok: no problem found")
      return
    }
    let problems = report.corrupt.count + report.incomplete.count + report.dangling.count + report.unrecorded.count
    Terminal.out("\(done) \(problems) problem\(problems == 1 ? "" : "s")" + (report.repaired ? "" : "; `sdfa verify --repair` fixes them"))
    if !report.rebuild.isEmpty {
      Terminal.out("\(report.repaired ? "the next run rebuilds" : "once repaired, the next run rebuilds") \(report.rebuild.count) stage\(report.rebuild.count == 1 ? "" : "s"):")
      for label in report.rebuild.prefix(20) { Terminal.out("  \(label)") }
      if report.rebuild.count > 20 { Terminal.out("  … and \(report.rebuild.count - 20) more") }
    }
  }

  static func age(_ seconds: TimeInterval) -> String {
    seconds < 3600 ? "\(Int(seconds / 60)) min" : seconds < 86_400 ? String(format: "%.1f h", seconds / 3600) : String(format: "%.1f days", seconds / 86_400)
  }
}
