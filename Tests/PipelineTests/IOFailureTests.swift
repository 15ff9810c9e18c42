import Foundation
import Pipeline
import Testing
import ToyStages

/// Issue 13, cases 5, 8, 9 and items of 10: I/O failures fail one stage, lock waits say who
/// holds the lock and stop on Ctrl-C, other hosts' temporary folders are left alone.
@Suite(.serialized) struct IOFailureTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test func noTryBangAnywhereInSources() throws {
    let sources = Self.packageRoot.appendingPathComponent("Sources")
    var hits: [String] = []
    let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
    while let relative = walker.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
      for (n, line) in text.components(separatedBy: "\n").enumerated() where line.contains("try!") {
        hits.append("Sources/\(relative):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
      }
    }
    #expect(hits.isEmpty, "try! traps the whole process on an error: \(hits)")
  }

  /// The first key of a load stage, as a dry run reports it.
  private func loadKey(_ scratch: Scratch, _ label: String) throws -> String {
    let dry = try toyRunJSON(["s.yml", "--dry-run"], in: scratch.url)
    return try #require(dry.stages.first { $0.label == label }?.key)
  }

  @Test func aFullDiskFailsThatStageAndTheOthersGoOn() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else {
      print("skipped: /dev/full is not available here")
      return
    }
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 3, seeds: 1))
    let key = try loadKey(scratch, "load dataset=c001")
    // The stage's log lives on a device that is always full.
    try FileManager.default.createDirectory(at: scratch.cache.appendingPathComponent("logs"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: scratch.cache.appendingPathComponent("logs/\(key).log").path, withDestinationPath: "/dev/full")
    let run = try toyRunJSON(["s.yml"], in: scratch.url)
    #expect(run.status == 1)
    let failed = run.stages.filter { $0.outcome == "failed" }.map(\.label)
    #expect(failed == ["load dataset=c001"])
    let result = try ToyProcess.run(["run", "s.yml"], in: scratch.url)
    #expect(result.out.contains("cannot write the stage's log") && result.out.contains("No space left on device"))
    #expect(run.stages.filter { $0.outcome == "ran" }.count == 10)  // the other two points' five stages each
  }

  @Test func aLockWaitSaysWhoHoldsItAndGivesUpAtTheTimeout() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    let key = try loadKey(scratch, "load dataset=c000")
    let store = try ArtifactStore(root: scratch.cache)
    let held = try store.lock(key, what: "stage 'held by the test'")
    defer { held.unlock() }
    let started = Date()
    let run = try ToyProcess.run(["run", "s.yml", "--lock-timeout", "6"], in: scratch.url)
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(run.status == 1)
    #expect(run.err.contains("waiting 5 s for the lock of stage 'load dataset=c000', held by stage 'held by the test' (pid \(getpid())"))
    #expect(run.out.contains("gave up after 6 s waiting for the lock"))
  }

  @Test func ctrlCStopsALockWaitAtOnce() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    let key = try loadKey(scratch, "load dataset=c000")
    let held = try ArtifactStore(root: scratch.cache).lock(key)
    defer { held.unlock() }
    let run = try ToyProcess(["run", "s.yml"], in: scratch.url)
    usleep(1_000_000)
    let sent = Date()
    kill(run.process.processIdentifier, SIGINT)
    #expect(run.wait() == 130)
    #expect(Date().timeIntervalSince(sent) < 2)
  }

  @Test func onlyThisHostsDeadTemporariesAreRemoved() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    try FileManager.default.createDirectory(at: scratch.cache.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    let me = TemporaryOwner.current
    // A pid that is not running here: past the largest pid Linux hands out.
    let deadHere = "4194305-1-7@\(me.host)@\(me.boot)", otherHost = "\(getpid())-1-7@another-node@0123456789ab"
    let legacy = "4194305-1-7", oldOther = "55-1-7@old-node@0123456789ab"
    for name in [deadHere, otherHost, legacy, oldOther] {
      try FileManager.default.createDirectory(at: scratch.cache.appendingPathComponent("tmp/\(name)"), withIntermediateDirectories: true)
    }
    let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400)
    try FileManager.default.setAttributes([.modificationDate: twoDaysAgo], ofItemAtPath: scratch.cache.appendingPathComponent("tmp/\(oldOther)").path)
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: scratch.cache.appendingPathComponent("tmp").path))
    #expect(left == [otherHost, legacy, oldOther])
    let verify = try ToyProcess.run(["verify"], in: scratch.url)
    #expect(verify.out.contains("tmp/\(otherHost): pid \(getpid()) on another-node"))
    #expect(verify.out.contains("tmp/\(oldOther)") && verify.out.contains("(gc removes it)"))
    #expect(try ToyProcess.run(["gc", "--keep", "s.yml"], in: scratch.url).status == 0)
    let afterGC = Set(try FileManager.default.contentsOfDirectory(atPath: scratch.cache.appendingPathComponent("tmp").path))
    #expect(afterGC == [otherHost, legacy])
  }

  @Test func aForcePatternMatchingNothingIsAnError() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    let run = try ToyProcess.run(["run", "s.yml", "--force", "trian*"], in: scratch.url)
    #expect(run.status == 2)
    #expect(run.err.contains("--force 'trian*' matches no stage"))
    #expect(run.err.contains("train dataset=c000/seed=0"))
  }

  @Test func theExecutionsLogIsBounded() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try FileManager.default.createDirectory(at: scratch.cache, withIntermediateDirectories: true)
    let index = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path)
    index.executionsKept = 5
    for n in 0..<12 {
      let json = """
        {"key":"k\(n)","kind":"load","label":"load \(n)","spec":"s","params":"{}","inputs":"{}","output":"d\(n)","status":"done",
         "started":\(n),"finished":\(n),"host":"h","pid":1,"tool":"t"}
        """
      try index.commit(try JSONDecoder().decode(StageIndex.Record.self, from: Data(json.utf8)))
    }
    #expect(try index.executionRowCount() == 5)
    #expect(try index.executionCounts().keys.sorted() == ["k10", "k11", "k7", "k8", "k9"])
  }

  @Test func fileErrorsSayThePathAndTheReason() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let missing = scratch.url.appendingPathComponent("nothing/here.npz")
    let folder = scratch.url
    for (url, reason) in [(missing, "No such file or directory"), (folder, "Is a directory")] {
      do {
        _ = try Data(contentsOf: url)
        Issue.record("reading \(url.path) should fail")
      } catch {
        let text = IOErrorText.describe(error)
        #expect(text == "\(url.path): \(reason)", "\(text)")
        #expect(!text.contains("NSCocoaErrorDomain"))
      }
    }
  }

  @Test func anUnreadableSpecSaysPermissionDenied() throws {
    guard getuid() != 0 else {
      print("skipped: running as root, every file is readable")
      return
    }
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    chmod(path, 0)
    let result = try ToyProcess.run(["validate", "s.yml"], in: scratch.url)
    #expect(result.status == 2)
    #expect(result.err.contains("cannot read the spec file 's.yml': Permission denied"))
  }
}
