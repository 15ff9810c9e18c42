import Foundation

/// How a run goes.
public struct RunOptions: Sendable {
  /// At most this many stages run at once.
  public var jobs: Int
  /// CPU threads available; a stage's declared threads count against it.
  public var cpuBudget: Int
  /// Report what would run; run nothing.
  public var dryRun: Bool
  /// Glob patterns (`train *seed=2`, `bin*`) of labels to run again even when cached.
  public var force: [String]
  /// Re-hash every cached artifact before serving it (`run --verify`); otherwise each gets
  /// the cheap check (`ArtifactStore.checkCheaply`) and small leaves a full one.
  public var verify = false

  public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
              cpuBudget: Int = ProcessInfo.processInfo.activeProcessorCount,
              dryRun: Bool = false, force: [String] = []) {
    self.jobs = max(1, jobs)
    self.cpuBudget = max(1, cpuBudget)
    self.dryRun = dryRun
    self.force = force
  }
}

extension RunOptions {
  /// The `force` patterns that match none of `labels` (a typo would otherwise force nothing
  /// in silence).
  public func unmatchedForcePatterns(_ labels: [String]) -> [String] {
    force.filter { pattern in !labels.contains { globMatches(pattern, $0) } }
  }
}

/// What happened to one node in a run.
public enum NodeOutcome: Sendable, Equatable {
  /// Reused from the cache (`byOther`: another process computed it while this one waited).
  case cached(digest: String, byOther: Bool)
  case ran(digest: String, seconds: Double)
  case failed(message: String, log: String)
  /// Not run because an upstream node failed (its label).
  case skipped(because: String)
  /// Dry run: would run.
  case wouldRun(reason: String)
  /// Not reached because the run was interrupted.
  case interrupted

  public var digest: String? {
    switch self {
    case .cached(let d, _), .ran(let d, _): d
    default: nil
    }
  }
}

/// A progress event, delivered on any thread, in the order it happened.
public enum RunEvent: Sendable {
  case started(label: String)
  case progress(StageProgress)
  case finished(label: String, outcome: NodeOutcome)
  /// A corrupt artifact was found and moved aside; its producer reruns.
  case quarantined(label: String, reason: String)
}

/// The result of a run, in graph order.
public struct RunSummary: Sendable {
  public var labels: [String]
  public var kinds: [String]
  public var keys: [String?]
  public var outcomes: [NodeOutcome]
  public var interrupted: Bool
  public var seconds: Double

  public var ranCount: Int { outcomes.filter { if case .ran = $0 { true } else { false } }.count }
  public var cachedCount: Int { outcomes.filter { if case .cached = $0 { true } else { false } }.count }
  public var failures: [(label: String, message: String, log: String)] {
    zip(labels, outcomes).compactMap { label, outcome in
      if case .failed(let message, let log) = outcome { (label, message, log) } else { nil }
    }
  }
  public var skippedCount: Int { outcomes.filter { if case .skipped = $0 { true } else { false } }.count }
  public var succeeded: Bool { !interrupted && failures.isEmpty && skippedCount == 0 }
}

/// Shell-style glob matching (`*`, `?`) of a whole label.
func globMatches(_ pattern: String, _ text: String) -> Bool {
  let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
  var pi = 0, ti = 0, star = -1, mark = 0
  while ti < t.count {
    if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
      pi += 1; ti += 1
    } else if pi < p.count && p[pi] == "*" {
      star = pi; mark = ti; pi += 1
    } else if star >= 0 {
      pi = star + 1; mark += 1; ti = mark
    } else {
      return false
    }
  }
  while pi < p.count && p[pi] == "*" { pi += 1 }
  return pi == p.count
}
