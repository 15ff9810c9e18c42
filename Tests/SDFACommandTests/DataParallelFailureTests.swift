import Foundation
import Testing

/// How a `train.ranks: 2` stage fails and resumes through `sdfa run` (skipped, saying so,
/// without mpirun): a rank that cannot train or is killed fails the stage with the rank named
/// and nothing of it in the cache; an interrupted run resumes from its last epoch with the
/// bits of an uninterrupted one.
@Suite(.serialized, .enabled(if: MPIAvailability.mpirun, "no mpirun (see the note on stderr)"))
struct DataParallelFailureTests {
  static func spec(train: Int, epochs: Int) -> String {
    DataParallelTrainingTests.mlp
      .replacingOccurrences(of: "train: 72,", with: "train: \(train),")
      .replacingOccurrences(of: "epochs: 2,", with: "epochs: \(epochs),") + "\n"
  }

  @Test func aRankWithoutSamplesFailsTheStageSayingWhy() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec(train: 65, epochs: 1).utf8), to: "dp.yml")
    let run = try SDFAProcess.run(["run", "dp.yml", "--set", "train.ranks=2"], in: scratch.url)
    #expect(run.status == 1)
    let said = run.out + run.err
    #expect(said.contains("rank 0 of 2 failed: the last batch of each epoch has 1 sample (65 training samples in batches of 16)"), "\(said)")
    #expect(said.contains("train.drop_last: true"))
    try Self.expectNothingCommitted(scratch)
  }

  @Test func aKilledRankFailsTheStageNamingIt() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec(train: 3000, epochs: 4).utf8), to: "dp.yml")
    let run = try Started(["run", "dp.yml", "--set", "train.ranks=2"], in: scratch.url)
    // Rank 1 writes its pid when it starts; kill it once training is under way.
    let pidFile = try #require(waitFor(seconds: 60) { Self.rankFile("rank-1.pid", in: scratch) })
    Thread.sleep(forTimeInterval: 1)
    let pid = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).split(separator: " ")[0]))
    #expect(kill(pid, SIGKILL) == 0)
    let status = run.wait()
    let said = run.output
    #expect(status == 1, "\(said)")
    #expect(said.contains("rank 1 of 2 was killed by signal 9"), "\(said)")
    try Self.expectNothingCommitted(scratch)
  }

  @Test func anInterruptedRunResumesWithTheUninterruptedBits() throws {
    let scratch = try Scratch(), whole = try Scratch()
    defer {
      scratch.cleanup()
      whole.cleanup()
    }
    let spec = Self.spec(train: 480, epochs: 4)
    try scratch.write(Array(spec.utf8), to: "dp.yml")
    try whole.write(Array(spec.utf8), to: "dp.yml")
    let run = try Started(["run", "dp.yml", "--set", "train.ranks=2"], in: scratch.url)
    let saved = try #require(waitFor(seconds: 120) { Self.resumeFolder("epoch-1", in: scratch) }, "no epoch saved: \(run.output)")
    #expect(kill(run.process.processIdentifier, SIGINT) == 0)  // as Ctrl-C
    let status = run.wait()
    #expect(status != 0 && status != 1, "interrupted, not failed: \(run.output)")
    let folder = saved.deletingLastPathComponent()
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains { $0.hasPrefix("epoch-") },
            "the saved progress survives the interruption")

    let resumed = try DataParallelTrainingTests.train(in: scratch, ranks: 2)
    #expect(resumed.log.contains("rank 0: resuming after epoch"), "\(resumed.log)")
    let reference = try DataParallelTrainingTests.train(in: whole, ranks: 2)
    #expect(resumed.checkpoint == reference.checkpoint && resumed.metricsBytes == reference.metricsBytes)
  }

  /// No train artifact reached the cache or `results/`, and no temporary folder is left.
  static func expectNothingCommitted(_ scratch: Scratch) throws {
    let train = scratch.url.appendingPathComponent("results/dp-mlp/train")
    let points = (try? FileManager.default.contentsOfDirectory(atPath: train.path))?.filter { !$0.hasSuffix(".log") } ?? []
    #expect(points.isEmpty, "a train artifact was committed: \(points)")
    let tmp = scratch.url.appendingPathComponent(".sdfa/tmp")
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).isEmpty)
  }

  /// `name` in a running stage's `.ranks` folder.
  static func rankFile(_ name: String, in scratch: Scratch) -> URL? {
    let tmp = scratch.url.appendingPathComponent(".sdfa/tmp")
    for folder in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] {
      let url = tmp.appendingPathComponent(folder).appendingPathComponent(".ranks/\(name)")
      if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    return nil
  }

  /// A saved epoch folder (`epoch-<n>`) of a train stage's progress.
  static func resumeFolder(_ name: String, in scratch: Scratch) -> URL? {
    let resume = scratch.url.appendingPathComponent(".sdfa/resume")
    for key in (try? FileManager.default.contentsOfDirectory(atPath: resume.path)) ?? [] {
      let url = resume.appendingPathComponent(key).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    return nil
  }
}

/// Polls `find` every 0.05 s for up to `seconds`.
func waitFor<T>(seconds: Double, _ find: () -> T?) -> T? {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if let found = find() { return found }
    usleep(50_000)
  }
  return find()
}

/// `sdfa` started in the background, its output to a file.
final class Started {
  let process = Process()
  let log: URL

  init(_ arguments: [String], in directory: URL) throws {
    log = directory.appendingPathComponent(".started-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    process.executableURL = SDFAProcess.executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = SDFAProcess.environment
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
  }

  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}
