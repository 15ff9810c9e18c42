import Foundation

extension Runner {
  /// Executes one stage against the cache, the same way for every executor (the local
  /// threads and `sdfa exec` on a cluster node): takes the key's lock (in-process and on
  /// file), reuses a result another process committed meanwhile, verifies the inputs whose
  /// digests are in `verify` (quarantining a corrupt one), runs the stage and commits its
  /// artifact and index record (a failure is recorded too).
  public func execute(
    _ job: StageJob, verify: Set<String>, events: @escaping @Sendable (RunEvent) -> Void = { _ in },
    isCancelled: @escaping @Sendable () -> Bool = { false }
  ) -> ExecutionResult {
    let inProcess = keyLocks.lock(job.key)
    defer { inProcess.unlock() }
    let fileLock: KeyLock
    do {
      fileLock = try store.lock(job.key, what: "stage '\(job.label)'", policy: lockWait, isCancelled: isCancelled)
    } catch is CancellationError {
      return .outcome(.interrupted)
    } catch {
      return .outcome(.failed(message: "\(error)", log: ""))
    }
    defer { fileLock.unlock() }
    // Another process may have finished it while we waited for the lock.
    if !job.forced, let digest = try? index.outputs(for: [job.key])[job.key], store.exists(digest) {
      return .outcome(.cached(digest: digest, byOther: true))
    }
    for digest in Set(job.inputs.values) where verify.contains(digest) {
      do {
        try store.verify(digest)
      } catch {
        if store.exists(digest) { _ = try? store.quarantine(digest) }
        try? index.invalidate(output: digest)
        return .corruptInput(digest: digest, reason: "\(error)")
      }
    }
    guard let stage = registry.stage(job.kind) else {
      return .outcome(.failed(message: "this build has no stage kind '\(job.kind)'", log: ""))
    }
    events(.started(label: job.label))
    let logURL = store.logURL(job.key)
    var log: FileHandle?
    defer { try? log?.close() }
    // The params of a per-spec stage hold every point's configuration: the log keeps a glimpse.
    let params = job.params.canonicalJSON
    let shown = params.count > 2000 ? params.prefix(2000) + "… (\(params.count) characters; `sdfa explain` shows them all)" : params
    let started = Date()
    var temporary: URL?
    do {
      // A log that cannot be written (disk full, a read-only or broken cache) fails this stage
      // with the reason; the other stages go on.
      do {
        try ArtifactStore.writeFile(Data(), to: logURL)
        log = try FileHandle(forWritingTo: logURL)
        try log?.write(contentsOf: Data("# \(job.label)\n# key \(job.key)\n# params \(shown)\n".utf8))
      } catch {
        throw StageFailure("cannot write the stage's log \(logURL.path): \(IOErrorText.describe(error))")
      }
      let directory = try store.makeTemporaryDirectory()
      temporary = directory
      let context = StageContext(
        params: job.params.merging(job.settings), inputs: job.inputs.mapValues { store.artifactURL($0) }, inputOrder: job.inputOrder,
        outputDirectory: directory, label: job.label, threads: job.threads, logHandle: log,
        resumeDirectory: store.resumeURL(job.key), keyedParams: job.params, progress: { events(.progress($0)) },
        isCancelled: isCancelled)
      try stage.run(context)
      try context.checkCancellation()
      if let problem = context.logWriteError {
        throw StageFailure("cannot write the stage's log \(logURL.path): \(problem)")
      }
      let digest = try store.commit(directory)
      temporary = nil
      store.removeResume(job.key)
      let finished = Date()
      let done = record(job, output: digest, status: "done", started: started, finished: finished, error: nil, log: logURL.path)
      try store.writeRecord(done)
      try index.commit(done, metrics: metricsJSON(stage, digest: digest, log: log))
      return .outcome(.ran(digest: digest, seconds: finished.timeIntervalSince(started)))
    } catch is CancellationError {
      if let temporary { try? FileManager.default.removeItem(at: temporary) }
      return .outcome(.interrupted)
    } catch {
      if let temporary { try? FileManager.default.removeItem(at: temporary) }
      let message = IOErrorText.describe(error)
      try? log?.write(contentsOf: Data((LogLines.format(.error, message) + "\n").utf8))
      try? index.commit(record(job, output: nil, status: "failed", started: started, finished: Date(), error: message,
                               log: logURL.path))
      return .outcome(.failed(message: message, log: logURL.path))
    }
  }

  /// The stage's metrics read from its committed artifact; a kind whose metrics cannot be
  /// read still completes (the log says why, and `sdfa runs` tries again).
  func metricsJSON(_ stage: any Stage, digest: String, log: FileHandle?) -> String? {
    do {
      return try stage.metrics(artifact: store.artifactURL(digest))?.canonicalJSON
    } catch {
      try? log?.write(contentsOf: Data("warning: the metrics of this artifact cannot be read: \(error)\n".utf8))
      return nil
    }
  }

  private func record(
    _ job: StageJob, output: String?, status: String, started: Date, finished: Date, error: String?, log: String
  ) -> StageIndex.Record {
    StageIndex.Record(
      key: job.key, kind: job.kind, label: job.label, spec: job.spec, params: job.params.canonicalJSON,
      inputs: SpecValue.object(job.inputs.mapValues { .string($0) }).canonicalJSON, output: output, status: status,
      started: started.timeIntervalSince1970, finished: finished.timeIntervalSince1970, host: host,
      pid: Int(ProcessInfo.processInfo.processIdentifier), tool: PipelineInfo.toolVersion, error: error, log: log)
  }
}
