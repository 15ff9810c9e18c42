import Foundation
import Pipeline
import Testing
import ToyStages

/// The CLI as a user runs it: exit codes, crash safety under SIGKILL, Ctrl-C, and several
/// processes sharing one cache.
@Suite(.serialized) struct ProcessTests {
  @Test func failureExitsWithOneAndPointsToTheLog() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 1) + "    c009: {config: bad, scale: 9, fail: true}\n")
    let result = try ToyProcess.run(["run", "s.yml"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.out.contains("failed  load dataset=c009: toy load failed as asked"))
    #expect(result.out.contains("log: ") && result.out.contains(".sdfa/logs/"))
    #expect(result.out.contains("5 skipped"))
  }

  @Test func anInvalidSpecRunsNothingAndExitsWithTwo() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", "name: x\ndataset: {scale: 1}\nframes: {binz: 3}\n")
    let result = try ToyProcess.run(["run", "s.yml"], in: scratch.url)
    #expect(result.status == 2)
    #expect(result.err.contains("s.yml:3:10: error: unknown key 'binz' in 'frames'; did you mean 'bins'?"))
    #expect(!FileManager.default.fileExists(atPath: scratch.cache.path))
  }

  @Test func sigkillAtRandomMomentsLeavesAConsistentCacheAndARerunFinishesIdentically() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let spec = toySpec(configs: 5, seeds: 3, work: ", bytes: 40000, work_ms: 100")
    // Reference: an uninterrupted run in its own directory.
    let reference = scratch.url.appendingPathComponent("reference")
    try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
    try spec.write(to: reference.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: reference).status == 0)
    let expected = try resultFiles(reference.appendingPathComponent("results/toy"))
    #expect(expected.count > 20)

    let work = scratch.url.appendingPathComponent("work")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    try spec.write(to: work.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    var rng = SystemRandomNumberGenerator()
    var killedMidRun = 0
    for trial in 0..<20 {
      let p = try ToyProcess(["run", "s.yml", "-q", "-j", "2"], in: work, tag: "kill\(trial)")
      usleep(UInt32.random(in: 20_000...250_000, using: &rng))
      if p.process.isRunning {
        kill(p.process.processIdentifier, SIGKILL)
        killedMidRun += 1
      }
      p.wait()
      // After every kill the cache verifies clean: each indexed artifact matches its digest.
      let store = try ArtifactStore(root: work.appendingPathComponent(".sdfa"))
      let index = try StageIndex(path: store.indexPath)
      for digest in try index.allOutputs() { try store.verify(digest) }
      for digest in store.allArtifacts() { try store.verify(digest) }
      if trial % 5 == 4 { try? FileManager.default.removeItem(at: work.appendingPathComponent("results")) }
    }
    #expect(killedMidRun >= 15)
    let beforeFinal = try StageIndex(path: work.appendingPathComponent(".sdfa/index.sqlite").path).executionCounts()
    let final = try ToyProcess.run(["run", "s.yml", "--json"], in: work)
    #expect(final.status == 0)
    // The final run reused every stage that had completed before.
    let document = try SpecValue(json: final.out)
    let stages = document.listValue?.first?[path: "stages"]?.listValue ?? []
    for stage in stages where beforeFinal[stage[path: "key"]?.stringValue ?? ""] != nil {
      #expect(stage[path: "outcome"]?.stringValue == "cached")
    }
    #expect(try resultFiles(work.appendingPathComponent("results/toy")) == expected)
    // No stage ran twice across all the interrupted runs.
    let counts = try StageIndex(path: work.appendingPathComponent(".sdfa/index.sqlite").path).executionCounts()
    #expect(counts.values.allSatisfy { $0 == 1 })
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent(".sdfa/tmp").path)
    #expect(leftovers.isEmpty)
  }

  @Test(arguments: [2, 4])
  func concurrentRunsOnOneCacheExecuteEachStageOnce(processes: Int) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 3, seeds: 3, work: ", work_ms: 20"))
    let runs = try (0..<processes).map { try ToyProcess(["run", "s.yml", "-q", "--json", "--results", "results\($0)"], in: scratch.url, tag: "c\($0)") }
    let statuses = runs.map { $0.wait() }
    #expect(statuses.allSatisfy { $0 == 0 }, "stderr: \(runs.map(\.errors))")
    let counts = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()
    let graph = StageGraph(spec: try loadToy(scratch.url.appendingPathComponent("s.yml").path), registry: toyRegistry)
    #expect(counts.count == graph.nodes.count)
    #expect(counts.values.allSatisfy { $0 == 1 })
    let outputs = try (0..<processes).map { try resultFiles(scratch.url.appendingPathComponent("results\($0)/toy")) }
    #expect(outputs.allSatisfy { $0 == outputs[0] && !$0.isEmpty })
  }

  @Test func ctrlCStopsCleanlyAndTheNextRunResumes() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 3, work: ", bytes: 20000, work_ms: 200"))
    let p = try ToyProcess(["run", "s.yml", "-j", "1"], in: scratch.url)
    usleep(700_000)
    kill(p.process.processIdentifier, SIGINT)
    let status = p.wait()
    #expect(status == 130)
    #expect(p.errors.contains("interrupted"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.cache.appendingPathComponent("tmp").path)
    #expect(leftovers.isEmpty)
    let resumed = try ToyProcess.run(["run", "s.yml", "--json"], in: scratch.url)
    #expect(resumed.status == 0)
    let stages = (try SpecValue(json: resumed.out)).listValue?.first?[path: "stages"]?.listValue ?? []
    #expect(stages.contains { $0[path: "outcome"]?.stringValue == "cached" })
  }

  @Test func statusAndExplainNameTheChangedParam() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 2))
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    let status = try ToyProcess.run(["status", "s.yml", "--set", "frames.bins=12"], in: scratch.url)
    #expect(status.out.contains("stale    bin dataset=c000: frames.bins: 10 → 12"))
    let explain = try ToyProcess.run(["explain", "s.yml", "bin dataset=c001", "--set", "frames.bins=12"], in: scratch.url)
    #expect(explain.out.contains("stale: it will run because"))
    #expect(explain.out.contains("frames.bins: 10 → 12"))
    let noop = try ToyProcess.run(["run", "s.yml", "--json"], in: scratch.url)
    #expect(noop.out.contains("\"ran\":0"))
  }

  @Test func gcKeepsWhatTheKeptSpecsReachAndNothingElse() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("a.yml", toySpec(configs: 2, seeds: 2))
    _ = try scratch.write("b.yml", toySpec(configs: 2, seeds: 2).replacingOccurrences(of: "lr: 0.01", with: "lr: 0.5").replacingOccurrences(of: "name: toy", with: "name: toy-b"))
    #expect(try ToyProcess.run(["run", "a.yml", "b.yml", "-q"], in: scratch.url).status == 0)
    let store = try ArtifactStore(root: scratch.cache)
    let before = store.allArtifacts().count
    let dry = try ToyProcess.run(["gc", "--keep", "a.yml", "--dry-run"], in: scratch.url)
    #expect(dry.out.contains("would remove"))
    #expect(store.allArtifacts().count == before)
    let gc = try ToyProcess.run(["gc", "--keep", "a.yml"], in: scratch.url)
    #expect(gc.status == 0 && gc.out.hasPrefix("removed "))
    // a.yml's 2 loads, 2 bins, 4 × (train, map, energy) and its report stay; b.yml's own stages go.
    #expect(store.allArtifacts().count == 2 + 2 + 12 + 1)
    let a = try ToyProcess.run(["run", "a.yml", "--json"], in: scratch.url)
    #expect(a.out.contains("\"ran\":0"))
    let b = try ToyProcess.run(["run", "b.yml", "--json"], in: scratch.url)
    #expect(b.out.contains("\"ran\":13"))  // train, map, energy × 4 and the report
  }
}
