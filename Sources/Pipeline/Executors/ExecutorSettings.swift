import Foundation

/// The spec's `executor:` section: where stages run and what a cluster job asks for.
///
/// ```yaml
/// executor:
///   kind: slurm               # or local (the default); `sdfa run --executor` overrides
///   slurm_kinds: [train]      # stage kinds sent to Slurm; the others run locally
///   partition: gpu
///   account: lab
///   qos: normal
///   time: {default: "1:00:00", train: "12:00:00"}
///   cpus_per_task: 8          # default: the threads the stage declares
///   mem: 16G
///   sbatch_args: ["--constraint=avx2"]
///   max_jobs: 100             # stages submitted and unfinished at once
///   max_retries: 2            # resubmissions of a job lost to node failure or preemption
///   poll_interval: 5          # longest wait between squeue polls (0.2 s while states change)
/// ```
/// The section changes where stages run, never what they compute: `Spec` keeps it apart
/// from the configuration that stages read, so it enters no key.
public struct ExecutorSettings: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable { case local, slurm }
  public var kind: Kind = .local
  public var slurmKinds: Set<String> = ["train"]
  public var partition: String?
  public var account: String?
  public var qos: String?
  /// Time limits by stage kind, and `default`.
  public var time: [String: String] = [:]
  public var cpusPerTask: Int?
  public var mem: String?
  public var sbatchArgs: [String] = []
  public var maxJobs = 100
  public var maxRetries = 2
  /// The longest wait between `squeue` polls (polls are every 0.2 s while job states change).
  public var pollInterval = 5.0
  /// The `sdfa` executable jobs run (default: the running one).
  public var sdfa: String?

  public init() {}

  /// The section's schema; `kinds` are the registered stage kinds.
  public static func schema(kinds: [String]) -> Schema {
    .object([
      .init("kind", .choice(Kind.allCases.map(\.rawValue)), default: "local", doc: "where stages run"),
      .init("slurm_kinds", .list(of: .choice(kinds)), default: .list([.string("train")]),
            doc: "stage kinds sent to Slurm; the others run locally"),
      .init("partition", .string), .init("account", .string), .init("qos", .string),
      .init("time", .object([.init("default", .string)] + kinds.map { .init($0, .string) }),
            doc: "time limit (sbatch --time) by stage kind"),
      .init("cpus_per_task", .positiveInteger, doc: "default: the threads the stage declares"),
      .init("mem", .string, doc: "sbatch --mem"),
      .init("sbatch_args", .list(of: .string), default: .list([])),
      .init("max_jobs", .positiveInteger, default: 100, doc: "stages submitted and unfinished at once"),
      .init("max_retries", .integer(min: 0), default: 2, doc: "resubmissions after node failure or preemption"),
      .init("poll_interval", .positiveNumber, default: 5, doc: "longest wait in seconds between squeue polls"),
      .init("sdfa", .string, doc: "the sdfa executable jobs run (default: this one); a name is looked up on the node's PATH, a relative path is relative to the spec's folder (the current folder when built from ${VAR})"),
    ])
  }

  /// The settings of a spec's `executor:` section, with a relative `sdfa` path made absolute
  /// by the rule of ``ValueOrigin`` (a job does not run in the folder `sdfa run` ran in). A
  /// bare name (`sdfa`) stays a name, looked up on the node's PATH.
  public init(of spec: Spec) {
    self.init(spec.executor)
    if let sdfa, sdfa.contains("/") || sdfa.hasPrefix("~") { self.sdfa = spec.resolvePath(at: "executor.sdfa", sdfa).path }
  }

  /// Settings from a validated section (nil: all defaults).
  public init(_ section: SpecValue?) {
    guard let fields = section?.objectValue else { return }
    if let k = fields["kind"]?.stringValue.flatMap(Kind.init(rawValue:)) { kind = k }
    if let kinds = fields["slurm_kinds"]?.listValue { slurmKinds = Set(kinds.compactMap(\.stringValue)) }
    partition = fields["partition"]?.stringValue
    account = fields["account"]?.stringValue
    qos = fields["qos"]?.stringValue
    time = fields["time"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    cpusPerTask = fields["cpus_per_task"]?.intValue
    mem = fields["mem"]?.stringValue
    sbatchArgs = fields["sbatch_args"]?.listValue?.compactMap(\.stringValue) ?? []
    maxJobs = fields["max_jobs"]?.intValue ?? maxJobs
    maxRetries = fields["max_retries"]?.intValue ?? maxRetries
    pollInterval = fields["poll_interval"]?.doubleValue ?? pollInterval
    sdfa = fields["sdfa"]?.stringValue
  }
}
