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
  let host = ProcessInfo.processInfo.hostName
  let keyLocks = KeyLockTable()
  /// How stages wait for a key lock another process holds (who holds it, how long at most).
  public var lockWait = LockWaitPolicy()

  public init(cache: URL, registry: StageRegistry) throws {
    store = try ArtifactStore(root: cache)
    // Creating the database and switching it to WAL needs it alone: processes starting
    // together on a fresh cache take turns.
    let opening = try store.lock("index-open")
    defer { opening.unlock() }
    do {
      index = try StageIndex(path: store.indexPath)
    } catch {
      throw StageFailure("the cache's index \(store.indexPath) cannot be read (\(error)); "
        + "`sdfa verify --reindex` rebuilds it from the records kept beside the artifacts (the damaged file moves to quarantine/)")
    }
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

  /// Runs the graph; `events` receives progress; `isCancelled` is polled (Ctrl-C). Stages of
  /// the kinds `executor` routes run there (a Slurm cluster), the others on local threads.
  public func run(
    _ graph: StageGraph, options: RunOptions = RunOptions(), executor: (any Executor)? = nil,
    events: @escaping @Sendable (RunEvent) -> Void = { _ in },
    isCancelled: @escaping @Sendable () -> Bool = { false }
  ) -> RunSummary {
    let start = Date()
    store.removeAbandonedTemporaries()
    let s = Scheduling(graph, events: events)
    let nodes = s.nodes
    var interrupted = false
    var remote: [String: [Int]] = [:]  // keys handed to `executor`, with their nodes
    let forced = nodes.map { node in options.force.contains { globMatches($0, node.label) } }

    /// What executing node `i` needs (its inputs are done).
    func job(_ i: Int, threads: Int) -> StageJob {
      let node = nodes[i]
      return StageJob(
        key: s.keys[i]!.hex, kind: node.kind, version: node.version, params: node.params, settings: node.settings,
        inputs: node.inputs.compactMapValues { s.outcome($0)?.digest }, inputOrder: node.inputOrder, label: node.label,
        spec: graph.spec.name, threads: threads, forced: forced[i],
        ranks: registry.stage(node.kind)?.ranks(for: node.runParams) ?? 1)
    }
    /// Records how executing node `i` ended (under `s.condition`).
    @Sendable func complete(_ i: Int, _ result: ExecutionResult, verifiedNow: [Int]) {
      switch result {
      case .outcome(.interrupted):
        s.state[i] = .failed(.interrupted)
      case .outcome(let outcome):
        s.verified.formUnion(verifiedNow)
        if case .ran = outcome { s.verified.insert(i) }
        s.finish(i, outcome)
      case .corruptInput(let digest, let reason):
        if let producer = s.producers[i].first(where: { s.outcome($0)?.digest == digest }) {
          events(.quarantined(label: nodes[producer].label, reason: reason))
          s.rebuild(producer, thenRetry: i)
        } else {  // another consumer already sent the producer back to rebuild
          s.remaining[i] = s.producers[i].filter { s.outcome($0) == nil }.count
          s.state[i] = s.remaining[i] == 0 ? .ready : .waiting
        }
      }
    }

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
          s.keys[i] = node.key(inputs: digests)
        }
        let known = (try? index.outputs(for: ready.map { s.keys[$0]!.hex })) ?? [:]
        for i in ready {
          if !forced[i], let digest = known[s.keys[i]!.hex],
            options.dryRun ? store.exists(digest)
              : servable(digest, label: nodes[i].label, leaf: s.consumers[i].isEmpty, full: options.verify, events: events)
          {
            s.finish(i, .cached(digest: digest, byOther: false))
          } else if options.dryRun {
            s.finish(i, .wouldRun(reason: forced[i] ? "forced" : "not in the cache"))
          } else {
            s.state[i] = .running
            s.queue.append(i)
          }
        }
        continue  // newly finished nodes may have made others ready
      }
      // Hand queued stages of the kinds the executor routes to it (outside the local budgets).
      if let executor, !interrupted {
        var batch: [StageJob] = []
        s.queue.removeAll { i in
          guard executor.routes(kind: nodes[i].kind), remote.count < executor.maxInFlight else { return false }
          let key = s.keys[i]!.hex
          if remote[key] == nil { batch.append(job(i, threads: registry.stage(nodes[i].kind)?.threads(for: nodes[i].runParams) ?? 1)) }
          remote[key, default: []].append(i)
          return true
        }
        if !batch.isEmpty {
          executor.submit(batch)
          for job in batch { events(.started(label: job.label)) }
        }
        let results = executor.poll()
        for (key, result) in results {
          for i in remote.removeValue(forKey: key) ?? [] { complete(i, result, verifiedNow: []) }
        }
        if !results.isEmpty { continue }  // their consumers may be ready now
      }
      if interrupted, let executor, !remote.isEmpty {
        executor.cancelAll()
        remote.removeAll()
      }
      // Dispatch queued work under the job and thread budgets.
      while !interrupted, let position = s.queue.firstIndex(where: { executor?.routes(kind: nodes[$0].kind) != true }) {
        let next = s.queue[position]
        let threads = min(options.cpuBudget, registry.stage(nodes[next].kind)?.threads(for: nodes[next].runParams) ?? 1)
        guard s.running == 0 || (s.running < options.jobs && s.threadsInUse + threads <= options.cpuBudget) else { break }
        s.queue.remove(at: position)
        s.running += 1
        s.threadsInUse += threads
        let mustVerify = s.producers[next].filter { !s.verified.contains($0) }
        let stageJob = job(next, threads: threads)
        let verify = Set(mustVerify.compactMap { s.outcome($0)?.digest })
        Thread.detachNewThread { [self] in
          let result = self.execute(stageJob, verify: verify, events: events, isCancelled: isCancelled)
          s.condition.lock()
          s.running -= 1
          s.threadsInUse -= threads
          complete(next, result, verifiedNow: mustVerify)
          s.condition.broadcast()
          s.condition.unlock()
        }
      }
      if s.running == 0 && remote.isEmpty && (interrupted || (s.queue.isEmpty && s.readyNodes.isEmpty)) { break }
      _ = s.condition.wait(until: Date().addingTimeInterval(0.2))
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

}
