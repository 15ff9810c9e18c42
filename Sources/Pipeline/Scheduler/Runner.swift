import Foundation

/// Runs stage graphs against a cache: the local, in-process executor with a topological,
/// parallel scheduler under a CPU-thread budget.
///
/// A node is ready when all its producers are done; its key then follows from their output
/// digests. A ready node whose key the index knows (and whose artifact exists) is reused;
/// otherwise it runs under its per-key lock (so concurrent `sdfa` processes run it once),
/// after verifying its inputs (a corrupt one is quarantined and its producer reruns).
/// A failure skips the node's descendants only.
public final class Runner: @unchecked Sendable {
  public let store: ArtifactStore
  public let index: StageIndex
  public let registry: StageRegistry
  private let host = ProcessInfo.processInfo.hostName
  private let keyLocks = KeyLockTable()

  public init(cache: URL, registry: StageRegistry) throws {
    store = try ArtifactStore(root: cache)
    // Creating the database and switching it to WAL needs it alone: processes starting
    // together on a fresh cache take turns.
    let opening = try store.lock("index-open")
    defer { opening.unlock() }
    index = try StageIndex(path: store.indexPath)
    self.registry = registry
  }

  /// Run one graph: the scheduling state, guarded by `condition`.
  private final class Scheduling: @unchecked Sendable {
    enum State { case waiting, ready, running, done(NodeOutcome), failed(NodeOutcome) }
    let nodes: [StageGraph.Node]
    let consumers: [[Int]]
    let producers: [[Int]]
    let events: @Sendable (RunEvent) -> Void
    var state: [State]
    var keys: [StageKey?]
    var remaining: [Int]
    var verified = Set<Int>()
    var threadsInUse = 0, running = 0
    var queue: [Int] = []
    let condition = NSCondition()

    init(_ graph: StageGraph, events: @escaping @Sendable (RunEvent) -> Void) {
      nodes = graph.nodes
      consumers = graph.consumers
      producers = nodes.map { Array(Set($0.inputs.values)).sorted() }
      state = [State](repeating: .waiting, count: nodes.count)
      keys = [StageKey?](repeating: nil, count: nodes.count)
      remaining = producers.map(\.count)
      self.events = events
      for i in nodes.indices where remaining[i] == 0 { state[i] = .ready }
    }

    var readyNodes: [Int] { nodes.indices.filter { if case .ready = state[$0] { true } else { false } } }

    func outcome(_ i: Int) -> NodeOutcome? {
      if case .done(let o) = state[i] { o } else { nil }
    }

    func finish(_ i: Int, _ outcome: NodeOutcome) {
      switch outcome {
      case .cached, .ran:
        state[i] = .done(outcome)
        for c in consumers[i] {
          remaining[c] -= 1
          if remaining[c] == 0, case .waiting = state[c] { state[c] = .ready }
        }
      case .wouldRun:
        state[i] = .done(outcome)
        for c in consumers[i] { propagate(c, .wouldRun(reason: "an input will change")) }
      default:
        state[i] = .failed(outcome)
        let reason: NodeOutcome = if case .failed = outcome { .skipped(because: nodes[i].label) } else { outcome }
        for c in consumers[i] { propagate(c, reason) }
      }
      events(.finished(label: nodes[i].label, outcome: outcome))
    }

    private func propagate(_ i: Int, _ outcome: NodeOutcome) {
      switch state[i] {
      case .waiting, .ready: finish(i, outcome)
      default: break
      }
    }

    /// A consumer found `producer`'s artifact corrupt: rebuild the producer, then retry.
    func rebuild(_ producer: Int, thenRetry consumer: Int) {
      state[producer] = .ready
      for c in consumers[producer] where c != consumer {
        if case .waiting = state[c] { remaining[c] += 1 } else if case .ready = state[c] { state[c] = .waiting; remaining[c] += 1 }
      }
      state[consumer] = .waiting
      remaining[consumer] = producers[consumer].filter { p in if case .done = state[p] { false } else { true } }.count
    }
  }

  /// Runs the graph; `events` receives progress; `isCancelled` is polled (Ctrl-C).
  public func run(
    _ graph: StageGraph, options: RunOptions = RunOptions(),
    events: @escaping @Sendable (RunEvent) -> Void = { _ in },
    isCancelled: @escaping @Sendable () -> Bool = { false }
  ) -> RunSummary {
    let start = Date()
    store.removeAbandonedTemporaries()
    let s = Scheduling(graph, events: events)
    let nodes = s.nodes
    var interrupted = false

    s.condition.lock()
    while true {
      if !interrupted && isCancelled() { interrupted = true }
      // Resolve ready nodes: compute keys, reuse cached results in one index query.
      let ready = s.readyNodes
      if !ready.isEmpty && !interrupted {
        for i in ready {
          let node = nodes[i]
          var digests: [String: String] = [:]
          for (role, p) in node.inputs { if let d = s.outcome(p)?.digest { digests[role] = d } }
          s.keys[i] = StageKey(kind: node.kind, version: node.version, params: node.params, inputDigests: digests)
        }
        let known = (try? index.outputs(for: ready.map { s.keys[$0]!.hex })) ?? [:]
        for i in ready {
          let forced = options.force.contains { globMatches($0, nodes[i].label) }
          if !forced, let digest = known[s.keys[i]!.hex], store.exists(digest) {
            s.finish(i, .cached(digest: digest, byOther: false))
          } else if options.dryRun {
            s.finish(i, .wouldRun(reason: forced ? "forced" : "not in the cache"))
          } else {
            s.state[i] = .running
            s.queue.append(i)
          }
        }
        continue  // newly finished nodes may have made others ready
      }
      // Dispatch queued work under the job and thread budgets.
      while !interrupted, let next = s.queue.first {
        let threads = min(options.cpuBudget, registry.stage(nodes[next].kind)?.threads(for: nodes[next].params) ?? 1)
        guard s.running == 0 || (s.running < options.jobs && s.threadsInUse + threads <= options.cpuBudget) else { break }
        s.queue.removeFirst()
        s.running += 1
        s.threadsInUse += threads
        let node = nodes[next], key = s.keys[next]!
        let mustVerify = s.producers[next].filter { !s.verified.contains($0) }
        var inputs: [String: (digest: String, producer: Int)] = [:]
        for (role, p) in node.inputs { if let d = s.outcome(p)?.digest { inputs[role] = (d, p) } }
        let forced = options.force.contains { globMatches($0, node.label) }
        let specName = graph.spec.name
        let frozenInputs = inputs
        Thread.detachNewThread { [self] in
          let result = self.execute(node, key: key, inputs: frozenInputs, verify: Set(mustVerify), forced: forced,
                                    threads: threads, spec: specName, events: events, isCancelled: isCancelled)
          s.condition.lock()
          s.running -= 1
          s.threadsInUse -= threads
          switch result {
          case .outcome(.interrupted):
            s.state[next] = .failed(.interrupted)
          case .outcome(let outcome):
            s.verified.formUnion(mustVerify)
            if case .ran = outcome { s.verified.insert(next) }
            s.finish(next, outcome)
          case .corruptInput(let producer, let reason):
            events(.quarantined(label: nodes[producer].label, reason: reason))
            s.rebuild(producer, thenRetry: next)
          }
          s.condition.broadcast()
          s.condition.unlock()
        }
      }
      if s.running == 0 && (interrupted || (s.queue.isEmpty && s.readyNodes.isEmpty)) { break }
      s.condition.wait(until: Date().addingTimeInterval(0.2))
    }
    s.condition.unlock()

    let outcomes: [NodeOutcome] = s.state.map { state in
      switch state {
      case .done(let o), .failed(let o): o
      default: .interrupted
      }
    }
    // Remember which keys this spec's labels now stand for (reused ones included).
    let latest = (try? index.latestKeys(spec: graph.spec.name)) ?? [:]
    let moved = nodes.indices.compactMap { i -> (label: String, key: String)? in
      guard case .cached = outcomes[i], let key = s.keys[i]?.hex, latest[nodes[i].label] != key else { return nil }
      return (nodes[i].label, key)
    }
    try? index.markLatest(spec: graph.spec.name, labels: moved)
    return RunSummary(labels: nodes.map(\.label), kinds: nodes.map(\.kind), keys: s.keys.map { $0?.hex }, outcomes: outcomes,
                      interrupted: interrupted, seconds: Date().timeIntervalSince(start))
  }

  private enum ExecutionResult {
    case outcome(NodeOutcome)
    case corruptInput(producer: Int, reason: String)
  }

  private func execute(
    _ node: StageGraph.Node, key: StageKey, inputs: [String: (digest: String, producer: Int)], verify: Set<Int>,
    forced: Bool, threads: Int, spec: String, events: @escaping @Sendable (RunEvent) -> Void,
    isCancelled: @escaping @Sendable () -> Bool
  ) -> ExecutionResult {
    let inProcess = keyLocks.lock(key.hex)
    defer { keyLocks.unlock(key.hex, inProcess) }
    let fileLock: KeyLock
    do { fileLock = try store.lock(key.hex) } catch { return .outcome(.failed(message: "\(error)", log: "")) }
    defer { fileLock.unlock() }
    // Another process may have finished it while we waited for the lock.
    if !forced, let digest = try? index.outputs(for: [key.hex])[key.hex], store.exists(digest) {
      return .outcome(.cached(digest: digest, byOther: true))
    }
    for (_, input) in inputs where verify.contains(input.producer) {
      do {
        try store.verify(input.digest)
      } catch {
        if store.exists(input.digest) { try? store.quarantine(input.digest) }
        try? index.invalidate(output: input.digest)
        return .corruptInput(producer: input.producer, reason: "\(error)")
      }
    }
    guard let stage = registry.stage(node.kind) else {
      return .outcome(.failed(message: "this build has no stage kind '\(node.kind)'", log: ""))
    }
    events(.started(label: node.label))
    let logURL = store.logURL(key.hex)
    try? ArtifactStore.writeFile(Data(), to: logURL)
    let log = try? FileHandle(forWritingTo: logURL)
    defer { try? log?.close() }
    log?.write(Data("# \(node.label)\n# key \(key.hex)\n# params \(node.params.canonicalJSON)\n".utf8))
    let started = Date()
    var temporary: URL?
    do {
      let directory = try store.makeTemporaryDirectory()
      temporary = directory
      let context = StageContext(
        params: node.params, inputs: inputs.mapValues { store.artifactURL($0.digest) }, inputOrder: node.inputOrder,
        outputDirectory: directory, label: node.label, threads: threads, logHandle: log,
        progress: { events(.progress($0)) }, isCancelled: isCancelled)
      try stage.run(context)
      try context.checkCancellation()
      let digest = try store.commit(directory)
      temporary = nil
      let finished = Date()
      try index.commit(record(node, key: key, inputs: inputs, spec: spec, output: digest, status: "done", started: started,
                              finished: finished, error: nil, log: logURL.path))
      return .outcome(.ran(digest: digest, seconds: finished.timeIntervalSince(started)))
    } catch is CancellationError {
      if let temporary { try? FileManager.default.removeItem(at: temporary) }
      return .outcome(.interrupted)
    } catch {
      if let temporary { try? FileManager.default.removeItem(at: temporary) }
      let message = "\(error)"
      log?.write(Data("error: \(message)\n".utf8))
      try? index.commit(record(node, key: key, inputs: inputs, spec: spec, output: nil, status: "failed", started: started,
                               finished: Date(), error: message, log: logURL.path))
      return .outcome(.failed(message: message, log: logURL.path))
    }
  }

  private func record(
    _ node: StageGraph.Node, key: StageKey, inputs: [String: (digest: String, producer: Int)], spec: String,
    output: String?, status: String, started: Date, finished: Date, error: String?, log: String
  ) -> StageIndex.Record {
    StageIndex.Record(
      key: key.hex, kind: node.kind, label: node.label, spec: spec, params: node.params.canonicalJSON,
      inputs: SpecValue.object(inputs.mapValues { .string($0.digest) }).canonicalJSON, output: output, status: status,
      started: started.timeIntervalSince1970, finished: finished.timeIntervalSince1970, host: host,
      pid: Int(ProcessInfo.processInfo.processIdentifier), tool: PipelineInfo.toolVersion, error: error, log: log)
  }
}

/// In-process mutual exclusion per key (POSIX record locks do not exclude threads of one process).
final class KeyLockTable: @unchecked Sendable {
  private let guardLock = NSLock()
  private var locks: [String: NSLock] = [:]

  func lock(_ key: String) -> NSLock {
    let lock = guardLock.withLock { () -> NSLock in
      if let l = locks[key] { return l }
      let l = NSLock()
      locks[key] = l
      return l
    }
    lock.lock()
    return lock
  }

  func unlock(_ key: String, _ lock: NSLock) { lock.unlock() }
}
