import Foundation
import Pipeline
import Testing
import ToyStages

/// Issue 13, cases 3 and 4: deletion is atomic, a half-deleted folder never wedges a stage,
/// and gc takes the cache's lock against runs.
@Suite(.serialized) struct GCTests {
  @Test func aManifestlessFolderInAnArtifactsPlaceDoesNotBlockTheCommit() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    let first = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(first.status == 0)
    // What a gc killed mid-deletion (by an older sdfa) leaves: the folder without its manifest.
    let store = try ArtifactStore(root: scratch.cache)
    let digest = try #require(first.stages.first { $0.label == "train dataset=c000/seed=0" }?.digest)
    let folder = store.artifactURL(digest)
    chmod(folder.appendingPathComponent(ArtifactStore.manifestName).path, 0o644)
    try FileManager.default.removeItem(at: folder.appendingPathComponent(ArtifactStore.manifestName))
    for attempt in 0..<2 {  // every rerun, forced or not, succeeds (main failed each time)
      let rerun = try toyRunJSON(["s.yml"] + (attempt == 1 ? ["--force", "train*"] : []), in: scratch.url)
      #expect(rerun.status == 0, "\(rerun.err)")
      #expect(rerun.stages.first { $0.label == "train dataset=c000/seed=0" }?.digest == digest)
    }
    try store.verify(digest)
  }

  @Test func gcWithoutKeepNeedsYesOffATerminal() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    let store = try ArtifactStore(root: scratch.cache)
    let before = store.allArtifacts().count
    let refused = try ToyProcess.run(["gc"], in: scratch.url)
    #expect(refused.status == 2)
    #expect(refused.err.contains("--yes"))
    #expect(store.allArtifacts().count == before)
    let gc = try ToyProcess.run(["gc", "--yes"], in: scratch.url)
    #expect(gc.status == 0)
    #expect(store.allArtifacts().isEmpty)
  }

  @Test func gcWaitsForARunningRunAndSaysSo() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 2, work: ", bytes: 20000, work_ms: 1000"))
    let run = try ToyProcess(["run", "s.yml", "-q", "-j", "2"], in: scratch.url, tag: "run")
    usleep(500_000)
    #expect(run.process.isRunning)
    // gc cannot start while the run holds the cache: it gives up after its timeout.
    let gc = try ToyProcess.run(["gc", "--yes", "--lock-timeout", "1"], in: scratch.url)
    #expect(gc.status == 1)
    #expect(gc.err.contains("gave up after 1 s waiting for the lock of the cache"))
    #expect(run.wait() == 0)
    // The run was not disturbed: every stage ran once and verifies.
    let store = try ArtifactStore(root: scratch.cache)
    for digest in store.allArtifacts() { try store.verify(digest) }
    let counts = try StageIndex(path: store.indexPath).executionCounts()
    #expect(counts.values.allSatisfy { $0 == 1 })
  }

  @Test func sigkillOfGCAtRandomMomentsNeverWedgesAStage() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let spec = toySpec(configs: 4, seeds: 3, work: ", bytes: 300000")
    let full = scratch.url.appendingPathComponent("full")
    try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
    try spec.write(to: full.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    // A spec that shares no stage with s.yml: `gc --keep keep.yml` deletes every artifact
    // (written so that the sdfa of before this change runs the same command).
    let keep = toySpec(configs: 1, seeds: 1).replacingOccurrences(of: "{config: c", with: "{config: z")
      .replacingOccurrences(of: "name: toy", with: "name: other")
    try keep.write(to: full.appendingPathComponent("keep.yml"), atomically: true, encoding: .utf8)
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: full).status == 0)
    let expected = try resultFiles(full.appendingPathComponent("results/toy"))
    // How long an undisturbed gc takes here: the kills fall anywhere within it.
    let timing = scratch.url.appendingPathComponent("timing")
    try copyTree(full, to: timing)
    let clock = Date()
    #expect(try ToyProcess.run(["gc", "--keep", "keep.yml"], in: timing).status == 0)
    #expect(try ArtifactStore(root: timing.appendingPathComponent(".sdfa")).allArtifacts().isEmpty)
    let window = UInt32(max(20_000, 0.8 * Date().timeIntervalSince(clock) * 1_000_000))
    var rng = SystemRandomNumberGenerator()
    var killed = 0, wedged = 0, partial = 0
    for trial in 0..<20 {
      let work = scratch.url.appendingPathComponent("trial\(trial)")
      try copyTree(full, to: work)
      try FileManager.default.removeItem(at: work.appendingPathComponent("results"))
      let total = try ArtifactStore(root: work.appendingPathComponent(".sdfa")).allArtifacts().count
      let gc = try ToyProcess(["gc", "--keep", "keep.yml"], in: work, tag: "gc\(trial)")
      usleep(UInt32.random(in: 0...window, using: &rng))
      if gc.process.isRunning {
        kill(gc.process.processIdentifier, SIGKILL)
        killed += 1
      }
      gc.wait()
      let left = try ArtifactStore(root: work.appendingPathComponent(".sdfa")).allArtifacts().count
      if left > 0 && left < total { partial += 1 }
      let rerun = try toyRunJSON(["s.yml", "-q"], in: work)
      if rerun.status != 0 || rerun.stages.contains(where: { $0.outcome == "failed" }) { wedged += 1 }
      #expect(try resultFiles(work.appendingPathComponent("results/toy")) == expected, "trial \(trial)")
      try FileManager.default.removeItem(at: work)
    }
    #expect(wedged == 0)
    #expect(killed >= 8, "gc finished before the kill in \(20 - killed) of 20 trials")
    print("gc SIGKILL loop: \(killed) of 20 killed mid-run, \(partial) left a partly deleted cache, \(wedged) wedged")
  }
}
