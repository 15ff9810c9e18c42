import Foundation
import Pipeline
import Stages
import Testing

/// Real datasets are keyed by content: a copy under another path shares the cache, and a
/// rewrite that keeps size and modification time is still seen (by the change time), while a
/// warm keying only stats.
@Suite(.serialized) struct DatasetKeyTests {
  static func spec(root: URL, in directory: URL, as name: String) throws -> String {
    try StagesTests.write("name: data\ndataset: {kind: nmnist, root: '\(root.path)'}\nframes: {T: 4}\n", in: directory, as: name)
  }

  static func run(_ path: String, runner: Runner) throws -> RunSummary {
    let digester = TreeDigester(memo: FileDigestMemo(indexPath: runner.store.indexPath, writable: true))
    let spec = try Spec.load(path, registry: Stages.registry, treeDigester: digester)
    return runner.run(StageGraph(spec: spec, registry: Stages.registry), options: RunOptions(jobs: 2))
  }

  static func outcome(_ summary: RunSummary, _ label: String) -> NodeOutcome? {
    summary.labels.firstIndex(of: label).map { summary.outcomes[$0] }
  }

  @Test func theSameDatasetCopiedElsewhereHitsTheCacheForLoad() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = dir.appendingPathComponent("alice/datasets/nmnist")
    try MiniNMNIST.write(at: original)
    let copy = dir.appendingPathComponent("bob/data/N-MNIST")
    try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: original, to: copy)
    let runner = try Runner(cache: dir.appendingPathComponent(".sdfa"), registry: Stages.registry)

    let first = try Self.run(try Self.spec(root: original, in: dir, as: "alice.yml"), runner: runner)
    #expect(first.succeeded, "\(first.failures)")
    guard case .ran = Self.outcome(first, "load") else { Issue.record("load did not run: \(first.outcomes)"); return }
    let second = try Self.run(try Self.spec(root: copy, in: dir, as: "bob.yml"), runner: runner)
    #expect(Self.outcome(second, "load") == .cached(digest: first.outcomes[0].digest!, byOther: false))
    #expect(Self.outcome(second, "bin")?.digest == Self.outcome(first, "bin")?.digest)
    #expect(second.ranCount == 0)  // both specs are named 'data': even the report is shared
  }

  @Test func aRewriteWithTheOldModificationTimeRestoredIsDetectedAndRerunsLoad() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("data/nmnist")
    try MiniNMNIST.write(at: root)
    let runner = try Runner(cache: dir.appendingPathComponent(".sdfa"), registry: Stages.registry)
    let memo = try #require(FileDigestMemo(indexPath: runner.store.indexPath, writable: true))
    let path = try Self.spec(root: root, in: dir, as: "spec.yml")

    let first = try Self.run(path, runner: runner)
    #expect(first.succeeded, "\(first.failures)")
    // A later process keys the folder by stat alone.
    let warm = try TreeDigester(memo: memo).digest(of: root.path)
    #expect(warm.files == MiniNMNIST.files && warm.hashed == 0)

    let deep = root.appendingPathComponent("Test/1/002.bin").path
    let before = MiniNMNIST.stat(deep)
    try MiniNMNIST.rewriteKeepingSizeAndModificationTime(deep)
    let after = MiniNMNIST.stat(deep)
    #expect(after.size == before.size)
    #expect(after.modified.tv_sec == before.modified.tv_sec && after.modified.tv_nsec == before.modified.tv_nsec)
    #expect(after.changed.tv_sec != before.changed.tv_sec || after.changed.tv_nsec != before.changed.tv_nsec)

    let rekeyed = try TreeDigester(memo: memo).digest(of: root.path)
    #expect(rekeyed.hashed == 1)
    #expect(rekeyed.digest != warm.digest)
    let second = try Self.run(path, runner: runner)
    guard case .ran = Self.outcome(second, "load") else { Issue.record("load did not rerun: \(second.outcomes)"); return }
    guard case .ran = Self.outcome(second, "bin") else { Issue.record("bin did not rerun: \(second.outcomes)"); return }
    // And the content is what it was before the rewrite only if the bytes are: they are not.
    #expect(Self.outcome(second, "load")?.digest != Self.outcome(first, "load")?.digest)
  }

  @Test func digestsComputedBeforeTheCacheExistsAreRememberedOnceItDoes() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("nmnist")
    try MiniNMNIST.write(at: root)
    // As `sdfa run` on a new cache: key the spec first (no index yet), then create the cache.
    let digester = TreeDigester(memo: FileDigestMemo(indexPath: dir.appendingPathComponent(".sdfa/index.sqlite").path, writable: true))
    let cold = try digester.digest(of: root.path)
    #expect(cold.hashed == MiniNMNIST.files)
    let runner = try Runner(cache: dir.appendingPathComponent(".sdfa"), registry: Stages.registry)
    digester.rememberComputed(in: FileDigestMemo(indexPath: runner.store.indexPath, writable: true))
    let warm = try TreeDigester(memo: FileDigestMemo(indexPath: runner.store.indexPath, writable: true)).digest(of: root.path)
    #expect(warm.hashed == 0 && warm.digest == cold.digest)
  }

  @Test func theTreeDigestIgnoresTheFolderAndSeesNamesSizesAndBytes() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("elsewhere/b")
    try MiniNMNIST.write(at: a)
    try MiniNMNIST.write(at: b)
    let base = try TreeDigester().digest(of: a.path)
    #expect(base.files == MiniNMNIST.files && base.hashed == MiniNMNIST.files)
    #expect(try TreeDigester().digest(of: b.path).digest == base.digest)
    // A hidden file (.DS_Store) is not data.
    try Data([1]).write(to: b.appendingPathComponent("Train/.DS_Store"))
    #expect(try TreeDigester().digest(of: b.path).digest == base.digest)
    // A renamed file is another dataset (the class folder is the label).
    try FileManager.default.moveItem(at: b.appendingPathComponent("Train/0/000.bin"), to: b.appendingPathComponent("Train/1/009.bin"))
    #expect(try TreeDigester().digest(of: b.path).digest != base.digest)
    // The material is independent of the walk: SHA-256 over sorted "path NUL size NUL sha256".
    var lines: [String] = []
    for split in ["Test", "Train"] {
      for digit in 0..<2 {
        for n in 0..<3 {
          let relative = "\(split)/\(digit)/" + String(format: "%03d.bin", n)
          let data = try Data(contentsOf: a.appendingPathComponent(relative))
          lines.append("\(relative)\u{0}\(data.count)\u{0}\(Digest.sha256(data))\n")
        }
      }
    }
    #expect(Digest.sha256(lines.joined()) == base.digest)
  }
}
