import ArgumentParser
import Foundation
import Pipeline

struct ExecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec",
    abstract: "Execute exactly one stage against the cache (what a cluster job runs).",
    discussion: """
      Reads the job description the scheduler wrote to <cache>/jobs/<key>.json (kind, \
      version, params, input digests, label, threads), so no spec is needed. Takes the \
      key's lock, reuses the result if another process committed it meanwhile, verifies the \
      inputs, runs the stage and commits its artifact and index record exactly as a local \
      run does; then writes <cache>/jobs/<key>.result.json for the scheduler.

      Exit status: 0 done (ran or cached), 1 failed, 3 an input was corrupt (moved aside), \
      130 interrupted (SIGINT/SIGTERM, as from scancel).

      Example:
        sdfa exec --cache /shared/.sdfa 3f2a…
      """)

  @Option(name: .long, help: ArgumentHelp("The cache directory.", valueName: "dir"))
  var cache: String

  @Argument(help: "The stage key (64 hex digits).")
  var key: String

  func validate() throws {
    guard key.count == 64, key.allSatisfy(\.isHexDigit) else { throw ValidationError("'\(key)' is not a stage key (64 hex digits)") }
  }

  func run() throws {
    let cacheURL = URL(fileURLWithPath: cache).standardizedFileURL
    let slurmJob = ProcessInfo.processInfo.environment["SLURM_ARRAY_JOB_ID"].flatMap { array in
      ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].map { "\(array)_\($0)" }
    } ?? ProcessInfo.processInfo.environment["SLURM_JOB_ID"]
    let files: JobFiles, job: StageJob, runner: Runner
    do {
      files = try JobFiles(cache: cacheURL)
      job = try files.description(key)
      guard job.key == key, job.computedKey == key else {
        throw StageFailure("the job description for \(key) hashes to \(job.computedKey): it was altered")
      }
      runner = try Runner(cache: cacheURL, registry: CLIRuntime.registry)
    } catch {
      Terminal.error("sdfa exec: \(error)")
      throw ExitCode(1)
    }
    Interrupts.shared.install()
    let waiting = LockWaitPolicy(notice: { Terminal.error("sdfa exec: \($0)") })
    let cacheLock = try LockOptions.lockCache(runner.store, .shared, policy: waiting)
    defer { cacheLock.unlock() }
    runner.lockWait = waiting
    Terminal.error("sdfa exec: \(job.label) (key \(key.prefix(12)), \(job.threads) thread(s)) on \(ProcessInfo.processInfo.hostName)")
    let result = runner.execute(job, verify: Set(job.inputs.values), isCancelled: { Interrupts.shared.requested })
    var record = JobFiles.Result(status: "interrupted", job: slurmJob)
    var status: Int32 = 130
    switch result {
    case .outcome(.ran(let digest, let seconds)):
      (record.status, record.digest, record.seconds, status) = ("ran", digest, seconds, 0)
      Terminal.error(String(format: "sdfa exec: ran in %.2f s: %@", seconds, digest))
    case .outcome(.cached(let digest, _)):
      (record.status, record.digest, status) = ("cached", digest, 0)
      Terminal.error("sdfa exec: already in the cache: \(digest)")
    case .outcome(.failed(let message, let log)):
      (record.status, record.message, record.log, status) = ("failed", message, log, 1)
      Terminal.error("sdfa exec: failed: \(message)\(log.isEmpty ? "" : "\n  log: \(log)")")
    case .corruptInput(let digest, let reason):
      (record.status, record.digest, record.message, status) = ("corrupt-input", digest, reason, 3)
      Terminal.error("sdfa exec: input \(digest.prefix(12)) is corrupt (moved aside): \(reason)")
    default:
      Terminal.error("sdfa exec: interrupted")
    }
    do {
      try files.writeResult(record, key: key)
    } catch {
      Terminal.error("sdfa exec: cannot write the result file: \(error)")
    }
    if status != 0 { throw ExitCode(status) }
  }
}
