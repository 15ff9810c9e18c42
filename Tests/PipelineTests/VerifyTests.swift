import Foundation
import Pipeline
import Testing
import ToyStages

/// Issue 13, case 2 and the index items of 10: a damaged cached artifact is never served,
/// `sdfa verify` finds and repairs damage, `--reindex` rebuilds a lost index.
@Suite(.serialized) struct VerifyTests {
  private func cachedRun(_ scratch: Scratch) throws -> [StageRow] {
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 1, work: ", bytes: 5000"))
    let first = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(first.status == 0)
    return first.stages
  }

  private func artifact(_ stages: [StageRow], _ label: String, _ store: ArtifactStore) throws -> URL {
    store.artifactURL(try #require(stages.first { $0.label == label }?.digest))
  }

  @Test(arguments: [false, true])
  func aFlippedByteInTheReportIsRebuiltNotServed(keepTime: Bool) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let stages = try cachedRun(scratch)
    let store = try ArtifactStore(root: scratch.cache)
    let report = try artifact(stages, "report", store).appendingPathComponent("out.txt")
    let original = try Data(contentsOf: report)
    try flipByte(report, at: 3, keepTime: keepTime)
    let rerun = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(rerun.status == 0)
    #expect(rerun.stages.first { $0.label == "report" }?.outcome == "ran")
    #expect(try Data(contentsOf: scratch.url.appendingPathComponent("results/toy/report/out.txt")) == original)
  }

  @Test func aDeletedFileOfALeafIsRebuilt() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let stages = try cachedRun(scratch)
    let store = try ArtifactStore(root: scratch.cache)
    let energy = try artifact(stages, "energy dataset=c000/seed=0", store)
    try FileManager.default.removeItem(at: energy.appendingPathComponent("out.txt"))
    let rerun = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(rerun.status == 0)
    #expect(rerun.stages.first { $0.label == "energy dataset=c000/seed=0" }?.outcome == "ran")
    #expect(rerun.stages.filter { $0.outcome == "ran" }.count == 1)
  }

  @Test func verifyFindsRepairsAndSaysWhatARunRebuilds() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let stages = try cachedRun(scratch)
    let store = try ArtifactStore(root: scratch.cache)
    #expect(try ToyProcess.run(["verify"], in: scratch.url).status == 0)
    // A raw change of a big file (size and time kept) only a full re-hash sees.
    let bin = try artifact(stages, "bin dataset=c001", store).appendingPathComponent("payload.bin")
    try flipByte(bin, at: 100, keepTime: true)
    let found = try ToyProcess.run(["verify"], in: scratch.url)
    #expect(found.status == 1)
    #expect(found.out.contains("corrupt") && found.out.contains("payload.bin"))
    #expect(found.out.contains("toy: bin dataset=c001"))
    #expect(FileManager.default.fileExists(atPath: bin.path))  // plain verify changes nothing
    let repaired = try ToyProcess.run(["verify", "--repair"], in: scratch.url)
    #expect(repaired.status == 0)
    #expect(repaired.out.contains("quarantined"))
    #expect(try ToyProcess.run(["verify"], in: scratch.url).status == 0)
    let rerun = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(rerun.stages.first { $0.label == "bin dataset=c001" }?.outcome == "ran")
  }

  @Test func runVerifyRehashesEveryCachedArtifact() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let stages = try cachedRun(scratch)
    let store = try ArtifactStore(root: scratch.cache)
    let load = try artifact(stages, "load dataset=c000", store).appendingPathComponent("payload.bin")
    try flipByte(load, at: 10, keepTime: true)
    let cheap = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(cheap.stages.allSatisfy { $0.outcome == "cached" })  // the cheap check cannot see it
    let full = try toyRunJSON(["s.yml", "--verify"], in: scratch.url)
    #expect(full.status == 0)
    #expect(full.stages.first { $0.label == "load dataset=c000" }?.outcome == "ran")
  }

  @Test func aCorruptIndexNamesTheRecoveryAndReindexRestoresIt() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try cachedRun(scratch)
    let index = scratch.cache.appendingPathComponent("index.sqlite")
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index.path + suffix) }
    try Data(repeating: 0x5a, count: 8192).write(to: index)
    let broken = try ToyProcess.run(["run", "s.yml"], in: scratch.url)
    #expect(broken.status == 1)
    #expect(broken.err.contains("sdfa verify --reindex"))
    let reindex = try ToyProcess.run(["verify", "--reindex"], in: scratch.url)
    #expect(reindex.status == 0, "\(reindex.err)")
    #expect(reindex.out.contains("reindexed: 11 stage records restored"))
    let rerun = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(rerun.status == 0)
    #expect(rerun.stages.allSatisfy { $0.outcome == "cached" })
  }
}
