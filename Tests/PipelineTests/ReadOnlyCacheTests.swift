import Foundation
import Pipeline
import Testing
import ToyStages

/// The cache opened for reading only (`sdfa status`, `explain`, `hw`, `log`): it sees what a
/// writer recorded, and creates no file — not in a cache folder, not where there is none.
@Suite struct ReadOnlyCacheTests {
  /// Every path below `url` with its size and modification time.
  static func listing(_ url: URL) -> [String] {
    let fm = FileManager.default
    return (fm.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []).sorted().map { path in
      let attributes = (try? fm.attributesOfItem(atPath: url.appendingPathComponent(path).path)) ?? [:]
      return "\(path) \(attributes[.size] ?? "") \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }
  }

  @Test func statusReadsAWrittenCacheAndCreatesNothing() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("toy.yml", toySpec(configs: 1, seeds: 2))
    let spec = try Spec.load(path, registry: toyRegistry)
    let graph = StageGraph(spec: spec, registry: toyRegistry)
    // Written by another process, which has ended: as a shared cache is found.
    #expect(try ToyProcess.run(["run", "toy.yml"], in: scratch.url).status == 0)
    let before = Self.listing(scratch.cache)
    #expect(!before.contains { $0.hasPrefix("index.sqlite-wal ") }, "the writer left its WAL: the immutable path is not exercised")
    let store = try ArtifactStore(root: scratch.cache, reading: true)
    let entries = try Inspector(store: store, index: try StageIndex(readingAt: store.indexPath)).status(graph)
    #expect(entries.count == graph.nodes.count)
    #expect(entries.allSatisfy { $0.status.word == "cached" }, "\(entries.map(\.status))")
    #expect(try StageIndex(readingAt: store.indexPath).latestKeys(label: entries[0].label).count == 1)
    #expect(Self.listing(scratch.cache) == before)
    // The commands that only read, as a process.
    for arguments in [["status", "toy.yml", "--all"], ["explain", "toy.yml", entries[0].label], ["log", entries[0].label]] {
      let result = try ToyProcess.run(arguments, in: scratch.url)
      #expect(result.status == 0, "\(arguments): \(result.err)")
    }
    #expect(Self.listing(scratch.cache) == before)
  }

  @Test func aMissingCacheReadsAsEmptyAndIsNotCreated() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("toy.yml", toySpec(configs: 1, seeds: 1))
    let graph = StageGraph(spec: try Spec.load(path, registry: toyRegistry), registry: toyRegistry)
    let store = try ArtifactStore(root: scratch.cache, reading: true)
    let entries = try Inspector(store: store, index: try StageIndex(readingAt: store.indexPath)).status(graph)
    #expect(entries.contains { $0.status == .missing })
    #expect(!entries.contains { if case .cached = $0.status { true } else { false } })
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["toy.yml"])
    #expect(!FileManager.default.fileExists(atPath: scratch.cache.path))
  }

  @Test func logLinesCarryAnISOTimeStampInUTCAndTheLevel() {
    let date = Date(timeIntervalSince1970: 1_764_682_501.25)  // 2025-12-02T13:35:01.250Z
    #expect(LogLines.format(.info, "epoch 3/5", at: date) == "2025-12-02T13:35:01.250Z info     epoch 3/5")
    #expect(LogLines.format(.warning, "x", at: date).hasPrefix("2025-12-02T13:35:01.250Z warning  x"))
    #expect(LogLines.format(.error, "boom", at: date) == "2025-12-02T13:35:01.250Z error    boom")
  }
}
