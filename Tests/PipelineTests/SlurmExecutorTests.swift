import Foundation
import Pipeline
import Testing
import TestSupport
import ToyStages

/// The Slurm executor against a real one-node cluster (`Tests/slurm/cluster.sh`): `train`
/// stages go out as job arrays running `sdfa-toy exec`, the other kinds run locally.
@Suite(.serialized, .enabled(if: SlurmCluster.isAvailable, "no Slurm cluster (see the note on stderr)"))
struct SlurmExecutorTests {
  /// `seeds` seeds of one dataset config; `train` holds extra fields of the train section.
  func spec(seeds: Int, train: String = "", executor: String = "{kind: slurm, poll_interval: 0.2}") -> String {
    """
    name: toy
    seeds: \(seeds)
    dataset: {scale: 1}
    frames: {bins: 10}
    train: {lr: 0.01\(train)}
    hardware: {hw: hw0, vdd: 0.8}
    executor: \(executor)

    """
  }

  func stages(_ json: String) throws -> [SpecValue] {
    try SpecValue(json: json).listValue?.first?[path: "stages"]?.listValue ?? []
  }

  func outcomes(_ json: String, kind: String) throws -> [String] {
    try stages(json).filter { $0[path: "kind"]?.stringValue == kind }.compactMap { $0[path: "outcome"]?.stringValue }
  }

  @Test func aSweepOnSlurmIsByteIdenticalToTheLocalExecutor() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let local = scratch.url.appendingPathComponent("local"), slurm = scratch.url.appendingPathComponent("slurm")
    for dir in [local, slurm] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
    try spec(seeds: 5, executor: "{kind: local}").write(to: local.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    try spec(seeds: 5, executor: "{kind: slurm, poll_interval: 0.2, max_jobs: 3, time: {default: '10:00', train: '5:00'}}")
      .write(to: slurm.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    let reference = try ToyProcess.run(["run", "s.yml", "--json"], in: local)
    #expect(reference.status == 0, "\(reference.err)")
    let result = try ToyProcess.run(["run", "s.yml", "--json"], in: slurm)
    #expect(result.status == 0, "\(result.err)")
    #expect(try resultFiles(slurm.appendingPathComponent("results/toy")) == resultFiles(local.appendingPathComponent("results/toy")))
    // Same keys: the executor section enters none.
    #expect(try stages(result.out).map { $0[path: "key"] } == stages(reference.out).map { $0[path: "key"] })
    // The five train stages ran as Slurm jobs (max_jobs 3: at least two arrays), nothing else did.
    let submissions = try slurmSubmissions(slurm.appendingPathComponent(".sdfa"))
    let trainKeys = try stages(result.out).filter { $0[path: "kind"]?.stringValue == "train" }.compactMap { $0[path: "key"]?.stringValue }
    #expect(Set(submissions.keys) == Set(trainKeys) && trainKeys.count == 5)
    #expect(Set(submissions.values.map { $0.job.split(separator: "_")[0] }).count >= 2)
    #expect(try outcomes(result.out, kind: "train") == Array(repeating: "ran", count: 5))
    for submission in submissions.values {
      let log = try String(contentsOfFile: submission.log, encoding: .utf8)
      #expect(log.contains("sdfa exec: train seed="), "\(log)")
    }
  }

  @Test func aStageFailingOnTheNodeSkipsItsDependantsAndARerunSubmitsOnlyWhatIsMissing() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let sweep = "sweep:\n  train:\n    good: {lr: 0.01}\n    bad: {lr: 0.02%@}\n"
    _ = try scratch.write("s.yml", spec(seeds: 2) + sweep.replacingOccurrences(of: "%@", with: ", fail: true"))
    let failed = try ToyProcess.run(["run", "s.yml"], in: scratch.url)
    #expect(failed.status == 1)
    #expect(failed.out.contains("failed  train train=bad/seed=0: toy train failed as asked (fail: true) (Slurm job "), "\(failed.out)")
    #expect(failed.out.contains("jobs/slurm-logs/"))
    #expect(failed.out.contains("skipped map train=bad/seed=1 (because train train=bad/seed=1 failed)"))
    #expect(failed.out.contains("8 ran, 0 cached, 2 failed, 5 skipped"), "\(failed.out)")
    // The Slurm log the message names exists and holds the error.
    let logPath = failed.out.components(separatedBy: ", log ").dropFirst().first?.components(separatedBy: ")").first ?? ""
    #expect(try String(contentsOfFile: logPath, encoding: .utf8).contains("failed as asked"))
    let good = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()

    // Fix the spec: only the bad branch's train stages (new keys) go to Slurm again.
    _ = try scratch.write("s.yml", spec(seeds: 2) + sweep.replacingOccurrences(of: "%@", with: ""))
    let before = try submittedKeys(scratch.cache).count
    let rerun = try ToyProcess.run(["run", "s.yml", "--json"], in: scratch.url)
    #expect(rerun.status == 0, "\(rerun.err)")
    let train = try stages(rerun.out).filter { $0[path: "kind"]?.stringValue == "train" }
    #expect(train.map { $0[path: "outcome"]?.stringValue } == ["cached", "cached", "ran", "ran"])
    #expect(try submittedKeys(scratch.cache).count == before + 2)
    let counts = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()
    #expect(counts.filter { good[$0.key] != nil }.allSatisfy { $0.value == 1 })
  }

  @Test func ctrlCCancelsEveryJobItSubmitted() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", spec(seeds: 4, train: ", work_ms: 60000, bytes: 65536"))
    let p = try ToyProcess(["run", "s.yml"], in: scratch.url)
    let started = try waitUntil(seconds: 60) {
      let jobs = try slurmSubmissions(scratch.cache).values.map(\.job)
      return jobs.count == 4 && SlurmCluster.activeTasks(jobs).contains { $0.hasSuffix("RUNNING") }
    }
    #expect(started, "\(p.errors)")
    kill(p.process.processIdentifier, SIGINT)
    #expect(p.wait() == 130, "\(p.errors)")
    let jobs = try slurmSubmissions(scratch.cache).values.map(\.job)
    #expect(jobs.count == 4)
    #expect(SlurmCluster.activeTasks(jobs).isEmpty, "left in squeue: \(SlurmCluster.activeTasks(jobs))")
    // Nothing of the cancelled stages was recorded as done; a rerun would submit them again.
    let counts = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()
    #expect(try slurmSubmissions(scratch.cache).keys.allSatisfy { counts[$0] == nil })
  }

  @Test func twoRunsOnOneSweepSubmitEachStageOnce() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", spec(seeds: 4, train: ", work_ms: 1500"))
    let first = try ToyProcess(["run", "s.yml", "-q", "--json", "--results", "results0"], in: scratch.url, tag: "a")
    _ = waitUntil(seconds: 60) { ((try? slurmSubmissions(scratch.cache).count) ?? 0) > 0 }
    let second = try ToyProcess(["run", "s.yml", "-q", "--json", "--results", "results1"], in: scratch.url, tag: "b")
    #expect(first.wait() == 0, "\(first.errors)")
    #expect(second.wait() == 0, "\(second.errors)")
    #expect(second.errors.contains("attached to job"), "\(second.errors)")
    let submitted = try submittedKeys(scratch.cache)
    #expect(submitted.count == 4 && Set(submitted).count == 4)
    let counts = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()
    #expect(counts.count == StageGraph(spec: try loadToy(scratch.url.appendingPathComponent("s.yml").path), registry: toyRegistry).nodes.count)
    #expect(counts.values.allSatisfy { $0 == 1 })
    #expect(try resultFiles(scratch.url.appendingPathComponent("results0/toy")) == resultFiles(scratch.url.appendingPathComponent("results1/toy")))
  }

  @Test func aJobCancelledFromOutsideIsDetectedAndRetried() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    // Long enough that the job is still running when scancel reaches it, even on a busy machine.
    _ = try scratch.write("s.yml", spec(seeds: 2, train: ", work_ms: 8000"))
    let p = try ToyProcess(["run", "s.yml", "--json"], in: scratch.url)
    var victim = ""
    let running = waitUntil(seconds: 60) {
      let jobs = ((try? slurmSubmissions(scratch.cache)) ?? [:]).values.map(\.job)
      victim = SlurmCluster.activeTasks(jobs).first { $0.hasSuffix("RUNNING") }?.split(separator: " ").first.map(String.init) ?? ""
      return !victim.isEmpty
    }
    #expect(running)
    SlurmCluster.shell(["scancel", victim])
    #expect(p.wait() == 0, "\(p.errors)")
    #expect(p.errors.contains("job \(victim) ended CANCELLED without a result; resubmitting"), "\(p.errors)")
    #expect(try outcomes(p.output, kind: "train") == ["ran", "ran"])
    let submitted = try submittedKeys(scratch.cache)
    #expect(submitted.count == 3 && Set(submitted).count == 2)
    let counts = try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()
    #expect(counts.values.allSatisfy { $0 == 1 })
  }
}

@Test func theExecutorSectionEntersNoKeyAndRejectsUnknownKinds() throws {
  let scratch = try Scratch()
  defer { scratch.cleanup() }
  let plain = try loadToy(try scratch.write("a.yml", toySpec(configs: 2, seeds: 2)))
  let routed = try loadToy(try scratch.write("b.yml", toySpec(configs: 2, seeds: 2, extra: "executor: {kind: slurm, partition: gpu, slurm_kinds: [train, map], time: {train: '2:00:00'}}")))
  #expect(StageGraph(spec: plain, registry: toyRegistry).nodes.map(\.identity) == StageGraph(spec: routed, registry: toyRegistry).nodes.map(\.identity))
  let settings = ExecutorSettings(routed.executor)
  #expect(settings.kind == .slurm && settings.slurmKinds == ["train", "map"] && settings.partition == "gpu")
  #expect(settings.time == ["train": "2:00:00"] && settings.maxRetries == 2)
  #expect(ExecutorSettings(plain.executor).slurmKinds == ["train"])
  #expect(throws: SpecErrors.self) {
    try loadToy(try scratch.write("c.yml", toySpec(configs: 1, seeds: 1, extra: "executor: {slurm_kinds: [trian]}")))
  }
}

@Test func execRunsOneStageFromItsJobDescriptionLikeALocalRun() throws {
  let scratch = try Scratch()
  defer { scratch.cleanup() }
  _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
  let reference = try ToyProcess.run(["run", "s.yml", "--json", "--results", "r0"], in: scratch.url)
  #expect(reference.status == 0)
  let train = try SpecValue(json: reference.out).listValue?.first?[path: "stages"]?.listValue?
    .first { $0[path: "kind"]?.stringValue == "train" }
  let key = try #require(train?[path: "key"]?.stringValue)
  let record = try #require(try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).record(key))
  let job = StageJob(key: key, kind: "train", version: 1, params: try SpecValue(json: record.params),
                     inputs: try SpecValue(json: record.inputs).objectValue!.compactMapValues(\.stringValue),
                     inputOrder: ["bin"], label: record.label, spec: "toy", threads: 1, forced: true)
  #expect(job.computedKey == key)
  try JobFiles(cache: scratch.cache).writeDescription(job)
  let exec = try ToyProcess.run(["exec", "--cache", scratch.cache.path, key], in: scratch.url)
  #expect(exec.status == 0, "\(exec.err)")
  let result = try #require(try JobFiles(cache: scratch.cache).result(key))
  #expect(result.status == "ran" && result.digest == train?[path: "digest"]?.stringValue)
  #expect(try StageIndex(path: scratch.cache.appendingPathComponent("index.sqlite").path).executionCounts()[key] == 2)
  // A description that does not hash to its key is refused.
  var altered = job
  altered.params = .object(["train": .object(["lr": 0.5]), "seed": 0])
  try JSONEncoder().encode(altered).write(to: JobFiles(cache: scratch.cache).descriptionURL(key))
  let refused = try ToyProcess.run(["exec", "--cache", scratch.cache.path, key], in: scratch.url)
  #expect(refused.status == 1 && refused.err.contains("it was altered"))
}
