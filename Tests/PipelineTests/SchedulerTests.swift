import Foundation
import Pipeline
import Testing
import ToyStages

@Suite struct SchedulerTests {
  @Test func secondRunExecutesNothingAndAChangedPointRerunsExactlyItsStages() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 9, seeds: 5))
    let first = try runToy(try loadToy(path), cache: scratch.cache)
    #expect(first.ranCount == 154 && first.succeeded)
    let second = try runToy(try loadToy(path), cache: scratch.cache)
    #expect(second.ranCount == 0 && second.cachedCount == 154)

    // Change one seed-independent param of one sweep point (config c003's scale).
    let bumped = try scratch.write("s.yml", toySpec(configs: 9, seeds: 5, scaleOf3: 4.5))
    let spec = try loadToy(bumped)
    let status = try Inspector(store: ArtifactStore(root: scratch.cache), index: StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path))
      .status(StageGraph(spec: spec, registry: toyRegistry))
    let stale = status.filter { if case .stale = $0.status { true } else { false } }
    #expect(stale.map(\.label) == ["load dataset=c003"])
    if case .stale(let changes) = stale.first?.status { #expect(changes == ["dataset.scale: 4 → 4.5"]) }
    let third = try runToy(spec, cache: scratch.cache)
    let ran = ranLabels(third)
    #expect(ran.count == 18)
    #expect(ran.allSatisfy { $0.contains("dataset=c003") || $0 == "report" })
  }

  @Test func moreSeedsReuseTheFirstOnes() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 2, seeds: 5))
    _ = try runToy(try loadToy(path), cache: scratch.cache)
    let more = try runToy(try loadToy(path, seeds: 10), cache: scratch.cache)
    let ran = ranLabels(more)
    // 2 configs × 5 new seeds × (train, map, energy) + the report.
    #expect(ran.count == 31)
    #expect(ran.filter { $0.hasPrefix("train") }.allSatisfy { l in (5..<10).contains { l.hasSuffix("seed=\($0)") } })
  }

  @Test func aFailingStageSkipsOnlyItsDescendants() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 3, seeds: 2) + "    c009: {config: bad, scale: 9, fail: true}\n")
    let summary = try runToy(try loadToy(path), cache: scratch.cache)
    #expect(summary.failures.map(\.label) == ["load dataset=c009"])
    #expect(summary.failures.first?.message.contains("fail: true") == true)
    let log = try String(contentsOfFile: summary.failures[0].log, encoding: .utf8)
    #expect(log.contains("failing as the spec asks"))
    // bin, 2 × (train, map, energy) of c009 and the report are skipped; the 3 other configs finish.
    #expect(summary.skippedCount == 8)
    #expect(summary.ranCount == 3 * (2 + 3 * 2))
    #expect(!summary.succeeded)
  }

  @Test func aFlippedByteIsDetectedOnNextUseAndRebuilt() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1, work: ", bytes: 5000"))
    let first = try runToy(try loadToy(path), cache: scratch.cache)
    let binIndex = first.labels.firstIndex { $0.hasPrefix("bin") }!
    let binDigest = first.outcomes[binIndex].digest!
    let store = try ArtifactStore(root: scratch.cache)
    let payload = store.artifactURL(binDigest).appendingPathComponent("payload.bin")
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: payload.path)
    var bytes = try Data(contentsOf: payload)
    bytes[100] ^= 0x01
    try bytes.write(to: payload)
    #expect(throws: ArtifactStore.CorruptArtifact.self) { try store.verify(binDigest) }

    // Changing train makes it consume the corrupt bin artifact: it is quarantined and rebuilt.
    let summary = try runToy(try loadToy(path, set: ["train.lr=0.02"]), cache: scratch.cache)
    #expect(summary.succeeded)
    #expect(ranLabels(summary).contains("bin dataset=c000"))
    #expect(summary.outcomes[binIndex].digest == binDigest)
    try store.verify(binDigest)
    let quarantined = try FileManager.default.contentsOfDirectory(atPath: scratch.cache.appendingPathComponent("quarantine").path)
    #expect(quarantined.count == 1 && quarantined[0].hasPrefix(binDigest))
  }

  @Test func forceRerunsMatchingStagesAndDeterministicOutputsKeepDescendantsCached() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 2, seeds: 2))
    _ = try runToy(try loadToy(path), cache: scratch.cache)
    let forced = try runToy(try loadToy(path), cache: scratch.cache, options: RunOptions(jobs: 2, force: ["train *seed=1"]))
    #expect(ranLabels(forced) == ["train dataset=c000/seed=1", "train dataset=c001/seed=1"])
  }

  @Test func dryRunRunsNothing() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 2, seeds: 2))
    let dry = try runToy(try loadToy(path), cache: scratch.cache, options: RunOptions(dryRun: true))
    #expect(dry.ranCount == 0)
    #expect(dry.outcomes.allSatisfy { if case .wouldRun = $0 { true } else { false } })
    let real = try runToy(try loadToy(path), cache: scratch.cache)
    #expect(real.ranCount == dry.labels.count)
  }

  @Test func threadBudgetKeepsWideStagesApart() throws {
    // Three 4-thread stages on a 4-thread budget run one at a time: their recorded
    // intervals do not overlap, although 8 jobs are allowed.
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", "name: t\nseeds: 3\ndataset: {scale: 1}\nframes: {bins: 2}\ntrain: {lr: 0.1, threads: 4, work_ms: 100}\n")
    let summary = try runToy(try loadToy(path), cache: scratch.cache, options: RunOptions(jobs: 8, cpuBudget: 4))
    #expect(summary.succeeded)
    let index = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path)
    let intervals = try zip(summary.kinds, summary.keys).filter { $0.0 == "train" }.map { try index.record($0.1!)! }
      .map { ($0.started, $0.finished) }.sorted { $0.0 < $1.0 }
    #expect(intervals.count == 3)
    for (a, b) in zip(intervals, intervals.dropFirst()) { #expect(a.1 <= b.0) }
  }
}
