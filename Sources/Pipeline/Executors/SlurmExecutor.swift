import Foundation

/// Runs stages as Slurm jobs over a cache the cluster's nodes share.
///
/// Ready stages go out as job arrays (`sbatch --parsable --array`, one array per kind and
/// thread count); each task runs `sdfa exec --cache DIR KEY`, which executes the stage under
/// its per-key lock and records it in the index, then writes `jobs/<key>.result.json`. The
/// executor polls `squeue` (never `sbatch --wait`). A task that ends without a result (it
/// was cancelled from outside, its node failed, it was preempted, or Slurm forgot it) is
/// resubmitted up to `maxRetries` times; any other failure is reported with the job's Slurm
/// log. Submissions are recorded per key in the cache under one lock, so a second `sdfa run`
/// on the same cache attaches to jobs in flight instead of submitting them again.
public final class SlurmExecutor: Executor, @unchecked Sendable {
  public let name = "slurm"
  public let settings: ExecutorSettings
  private let runner: Runner
  private let files: JobFiles
  private let sdfa: String
  private let notice: @Sendable (String) -> Void
  private let me = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

  private struct Task {
    var job: StageJob
    var slurmJob: String
    var log: String
    var attempt: Int
    /// Submitted by this process (cancelled on Ctrl-C), rather than attached to.
    var owned: Bool
  }

  private let lock = NSLock()
  private var tasks: [String: Task] = [:]  // by key
  private var finished: [(key: String, result: ExecutionResult)] = []
  private var lastPoll = Date.distantPast
  private var warnedUnreachable = false
  /// Polls come every 0.2 s while states change, backing off to `settings.pollInterval`
  /// while they do not (long jobs cost the controller little).
  private var interval = 0.2
  private var lastStates: [String: String] = [:]
  /// Array jobs this process submitted.
  public private(set) var submittedJobs: [String] = []

  /// `notice` receives one line per noteworthy event (attach, resubmission).
  public init(
    settings: ExecutorSettings, runner: Runner, sdfa: String? = nil,
    notice: @escaping @Sendable (String) -> Void = { _ in }
  ) throws {
    self.settings = settings
    self.runner = runner
    self.files = try JobFiles(cache: runner.store.root)
    self.sdfa = settings.sdfa ?? sdfa ?? Self.currentExecutable
    self.notice = notice
  }

  /// The running executable's absolute path.
  public static var currentExecutable: String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
  }

  public func routes(kind: String) -> Bool { settings.slurmKinds.contains(kind) }
  public var maxInFlight: Int { settings.maxJobs }

  public func submit(_ jobs: [StageJob]) {
    lock.withLock { submitLocked(jobs.map { ($0, 1) }) }
  }

  /// Attaches to live jobs, reuses results committed meanwhile, submits the rest; all under
  /// the cache's submission lock so that concurrent `sdfa run`s submit each key once.
  private func submitLocked(_ jobs: [(job: StageJob, attempt: Int)]) {
    let submissionLock: KeyLock
    do {
      submissionLock = try runner.store.lock("slurm-submit")
    } catch {
      for (job, _) in jobs { finished.append((job.key, .outcome(.failed(message: "cannot submit: \(error)", log: "")))) }
      return
    }
    defer { submissionLock.unlock() }
    let recorded = Dictionary(uniqueKeysWithValues: jobs.compactMap { j in files.submission(j.job.key).map { (j.job.key, $0) } })
    let states = SlurmCommands.states(of: Set(recorded.values.map(\.job))) ?? [:]
    let done = (try? runner.index.outputs(for: jobs.map(\.job.key))) ?? [:]
    var toSubmit: [(job: StageJob, attempt: Int)] = []
    for (job, attempt) in jobs {
      if let submission = recorded[job.key], let state = states[submission.job], SlurmCommands.activeStates.contains(state) {
        tasks[job.key] = Task(job: job, slurmJob: submission.job, log: submission.log, attempt: attempt,
                              owned: submission.by == me)
        if submission.by != me { notice("slurm: \(job.label): attached to job \(submission.job) (\(state.lowercased()))") }
      } else if !job.forced, let digest = done[job.key], runner.store.exists(digest) {
        finished.append((job.key, .outcome(.cached(digest: digest, byOther: true))))
      } else {
        toSubmit.append((job, attempt))
      }
    }
    // One array per kind, thread and rank count (they ask for the same resources).
    let groups = Dictionary(grouping: toSubmit) { "\($0.job.kind)/\($0.job.threads)/\($0.job.ranks)" }
    for name in groups.keys.sorted() { submitArray(groups[name]!) }
  }

  private func submitArray(_ group: [(job: StageJob, attempt: Int)]) {
    let first = group[0].job
    func fail(_ message: String) {
      for (job, _) in group { finished.append((job.key, .outcome(.failed(message: message, log: "")))) }
    }
    do {
      for (job, _) in group {
        try files.writeDescription(job)
        files.removeResult(job.key)
      }
    } catch {
      return fail("cannot write the job descriptions under \(files.root.path): \(error)")
    }
    let script = files.batches.appendingPathComponent("\(first.kind)-\(UUID().uuidString.prefix(8)).sh")
    do {
      try batchScript(group.map(\.job)).write(to: script, atomically: true, encoding: .utf8)
    } catch {
      return fail("cannot write \(script.path): \(error)")
    }
    var arguments = [
      "--parsable", "--array=0-\(group.count - 1)", "--job-name=sdfa-\(first.kind)",
      "--output=\(files.slurmLogs.path)/%A_%a.out", "--cpus-per-task=\(settings.cpusPerTask ?? Self.threadsPerTask(first))",
    ]
    // A stage over several processes (MPI ranks) gets one task each; `sdfa exec` starts them
    // inside the allocation (srun or mpirun).
    if first.ranks > 1 { arguments.append("--ntasks=\(first.ranks)") }
    if let time = settings.time[first.kind] ?? settings.time["default"] { arguments.append("--time=\(time)") }
    if let mem = settings.mem { arguments.append("--mem=\(mem)") }
    if let partition = settings.partition { arguments.append("--partition=\(partition)") }
    if let account = settings.account { arguments.append("--account=\(account)") }
    if let qos = settings.qos { arguments.append("--qos=\(qos)") }
    arguments += settings.sbatchArgs + [script.path]
    let result = SlurmCommands.run("sbatch", arguments)
    let id = result.out.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
      return fail("sbatch failed (status \(result.status)): \(result.err.isEmpty ? result.out : result.err)")
    }
    submittedJobs.append(id)
    let now = Date().timeIntervalSince1970
    for (i, (job, attempt)) in group.enumerated() {
      let task = Task(job: job, slurmJob: "\(id)_\(i)", log: "\(files.slurmLogs.path)/\(id)_\(i).out", attempt: attempt, owned: true)
      tasks[job.key] = task
      try? files.writeSubmission(.init(job: task.slurmJob, log: task.log, submitted: now, attempt: attempt, by: me), key: job.key)
    }
  }

  /// CPUs per Slurm task: a stage's threads, shared among its ranks.
  static func threadsPerTask(_ job: StageJob) -> Int { max(1, job.threads / max(1, job.ranks)) }

  /// The array's batch script: task N executes the N-th key, with the stage's thread count
  /// (per task) in the environment.
  private func batchScript(_ jobs: [StageJob]) -> String {
    let threads = Self.threadsPerTask(jobs[0])
    return """
      #!/bin/sh
      # sdfa: \(jobs.count) '\(jobs[0].kind)' stage(s), submitted by \(me)
      set -- \(jobs.map(\.key).joined(separator: " "))
      shift "$SLURM_ARRAY_TASK_ID"
      export OMP_NUM_THREADS=\(threads) OPENBLAS_NUM_THREADS=\(threads) MKL_NUM_THREADS=\(threads)
      exec \(shellQuoted(sdfa)) exec --cache \(shellQuoted(runner.store.root.path)) "$1"

      """
  }

  public func poll() -> [(key: String, result: ExecutionResult)] {
    lock.withLock {
      if !tasks.isEmpty && Date().timeIntervalSince(lastPoll) >= min(interval, settings.pollInterval) {
        lastPoll = Date()
        // Slurm unreachable: keep every task, and ask again at the next poll.
        guard let states = SlurmCommands.states(of: Set(tasks.values.map(\.slurmJob))) else {
          if !warnedUnreachable { notice("slurm: squeue failed; still waiting for \(tasks.count) job(s)") }
          warnedUnreachable = true
          defer { finished.removeAll() }
          return finished
        }
        warnedUnreachable = false
        interval = states == lastStates ? min(interval * 1.5, settings.pollInterval) : 0.2
        lastStates = states
        var again: [(job: StageJob, attempt: Int)] = []
        for (key, task) in tasks {
          let state = states[task.slurmJob]
          if let state, SlurmCommands.activeStates.contains(state) { continue }
          tasks[key] = nil
          if let result = resolve(task, state: state) {
            finished.append((key, result))
          } else {
            again.append((task.job, task.attempt + 1))
          }
        }
        if !again.isEmpty { submitLocked(again) }
      }
      defer { finished.removeAll() }
      return finished
    }
  }

  /// The result of a task Slurm no longer runs; nil to submit it again.
  private func resolve(_ task: Task, state: String?) -> ExecutionResult? {
    let key = task.job.key
    let where_ = "Slurm job \(task.slurmJob), log \(task.log)"
    if let result = files.result(key) {
      switch result.status {
      case "ran", "cached":
        if let digest = result.digest {
          return .outcome(task.owned && result.status == "ran" ? .ran(digest: digest, seconds: result.seconds ?? 0)
                                                               : .cached(digest: digest, byOther: true))
        }
      case "failed":
        return .outcome(.failed(message: "\(result.message ?? "failed") (\(where_))", log: result.log ?? task.log))
      case "corrupt-input":
        if let digest = result.digest { return .corruptInput(digest: digest, reason: result.message ?? "corrupt") }
      default: break  // interrupted: cancelled or preempted
      }
    }
    if let digest = try? runner.index.outputs(for: [key])[key], runner.store.exists(digest) {
      return .outcome(.cached(digest: digest, byOther: true))
    }
    let ended = state.map { "ended \($0)" } ?? "vanished from the queue"
    if state.map(SlurmCommands.lostStates.contains) ?? true, task.attempt <= settings.maxRetries {
      notice("slurm: \(task.job.label): job \(task.slurmJob) \(ended) without a result; resubmitting (retry \(task.attempt) of \(settings.maxRetries))")
      return nil
    }
    let retries = task.attempt > 1 ? " after \(task.attempt - 1) retr\(task.attempt == 2 ? "y" : "ies")" : ""
    return .outcome(.failed(message: "\(ended) without a result\(retries) (\(where_))", log: task.log))
  }

  public func cancelAll() {
    lock.withLock {
      let owned = tasks.filter(\.value.owned)
      let jobs = Set(owned.values.map { String($0.slurmJob.split(separator: "_")[0]) })
      guard !jobs.isEmpty else { tasks.removeAll(); return }
      _ = SlurmCommands.run("scancel", jobs.sorted())
      // Wait (up to 30 s) until none of them runs any more.
      let deadline = Date().addingTimeInterval(30)
      while Date() < deadline {
        let states = SlurmCommands.states(of: Set(owned.values.map(\.slurmJob))) ?? ["?": "PENDING"]
        if !states.values.contains(where: SlurmCommands.activeStates.contains) { break }
        usleep(200_000)
      }
      tasks.removeAll()
    }
  }
}

func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
