import Foundation
import Logging

/// A stage kind: what a node of the stage graph computes, and exactly what it depends on.
///
/// A kind declares the spec sections it owns (with their schema), the exact leaves of the
/// spec it reads (its params: the only spec values that go into its key), the settings it
/// reads that do not change its result (threads, where a data folder is: never in the key),
/// the upstream kinds whose artifacts it consumes, and a version to bump whenever its output
/// for the same inputs would change. `run` turns params and input artifacts into files in a
/// fresh directory; the store makes them an immutable, content-addressed artifact.
public protocol Stage: Sendable {
  /// The registered name (`load`, `bin`, `train`, …).
  var kind: String { get }
  /// The semantic version; part of every key of this kind.
  var version: Int { get }
  /// The top-level spec sections this kind owns, with their schemas.
  var sections: [String: Schema] { get }
  /// The section whose presence puts this kind into the graph; nil for kinds that are always
  /// present (a per-spec report).
  var trigger: String? { get }
  /// Every leaf spec path whose value can form the params (`"train.epochs"`, `"seed"`): a
  /// value, never a whole section, so that a field the kind does not use cannot move its key.
  var reads: [String] { get }
  /// The leaves of ``reads`` that a configuration actually uses (a synthetic dataset has no
  /// label order; SGD's momentum means nothing to Adam). Default: all of ``reads``.
  func reads(in config: SpecValue) -> [String]
  /// Leaf paths the kind reads at run time that cannot change its artifact: execution
  /// settings (`train.threads`) and locations whose content is keyed instead (`dataset.root`,
  /// keyed by `dataset.files`). They reach ``StageContext/params`` but never the key.
  var settings: [String] { get }
  /// The upstream kinds consumed, by name.
  var consumes: [String] { get }
  /// Whether one node serves each sweep point, or one node serves the whole spec.
  var scope: StageScope { get }
  /// The CPU threads a run with these params and settings uses (the scheduler's budget
  /// counts them).
  func threads(for params: SpecValue) -> Int
  /// The processes a run with these params spreads over (data-parallel training's MPI
  /// ranks; ``threads(for:)`` counts all their threads): the Slurm executor asks for that
  /// many tasks. 1 for most kinds.
  func ranks(for params: SpecValue) -> Int
  /// Rewrites one sweep point's configuration before the graph is built, so that what a
  /// stage reads from outside the spec becomes part of its params (and key): a technology
  /// file named by `hardware.technology` is read into `hardware.technology_values`. It must
  /// not depend on the seed: the seeds of a sweep point share one expansion.
  func expand(_ config: SpecValue, context: ExpansionContext) throws -> SpecValue
  /// Cross-field checks on one sweep point's configuration beyond the schema (for example a
  /// dataset kind this build cannot read); `locate` gives a path's source location. It must
  /// not depend on the seed: the seeds of a sweep point are checked once.
  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError]
  /// Computes the artifact. Throws to fail the node; must not touch anything outside
  /// `context.outputDirectory` except through the context.
  func run(_ context: StageContext) throws
  /// The numbers worth querying across runs (`sdfa runs`, MLflow export), read from a
  /// committed artifact of this kind: a JSON object of scalars, lists of scalars (per layer)
  /// and, under `curves`, per-epoch series (`{"test_accuracy": [0.51, 0.62, …]}`). The index
  /// stores it beside the stage record, in the same transaction; artifacts committed before
  /// the index had metrics are read the same way on first use. Nil for kinds with nothing to
  /// report. It must depend only on the artifact's files.
  func metrics(artifact: URL) throws -> SpecValue?
  /// The names among its metrics that summarise a run (`sdfa run` prints them, `sdfa runs`
  /// shows them by default), most important first.
  var headlineMetrics: [String] { get }
}

public enum StageScope: Sendable { case perPoint, perSpec }

extension Stage {
  public var sections: [String: Schema] { [:] }
  public var trigger: String? { sections.keys.sorted().first }
  public var consumes: [String] { [] }
  public var scope: StageScope { .perPoint }
  public func reads(in config: SpecValue) -> [String] { reads }
  public var settings: [String] { [] }
  public func threads(for params: SpecValue) -> Int { 1 }
  public func ranks(for params: SpecValue) -> Int { 1 }
  public func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] { [] }
  public func expand(_ config: SpecValue, context: ExpansionContext) throws -> SpecValue { config }
  public func metrics(artifact: URL) throws -> SpecValue? { nil }
  public var headlineMetrics: [String] { [] }
}

/// What a stage's `expand` may use: the spec file, source locations for errors, the origin
/// of each value (to resolve relative paths), and the content digests of data folders
/// (memoized in the cache).
public struct ExpansionContext {
  public let specFile: String
  public let locate: (String) -> SourceLocation
  /// Where the value at a dotted path came from (a swept value: its item under `sweep:`).
  public let origin: (String) -> ValueOrigin
  /// Keys a data folder by content: ``TreeDigester/digest(of:)``.
  public let treeDigester: TreeDigester

  /// The path-valued field at `path`, whose value is `written`, made absolute by the rule of
  /// ``ValueOrigin``.
  public func resolvePath(at path: String, _ written: String) -> ResolvedPath {
    origin(path).resolve(written, specFile: specFile)
  }
}

/// What a running stage sees: its params, its verified input artifacts, a fresh output
/// directory, and channels for progress, log lines and cancellation.
public final class StageContext: @unchecked Sendable {
  /// The values at the stage's `reads` and `settings` leaves, nested as in the spec
  /// (`params[path: "train.epochs"]`).
  public let params: SpecValue
  /// The keyed params alone, without the settings: what an artifact may record about how it
  /// was made (recording a setting would make equal keys give unequal bytes).
  public let keyedParams: SpecValue
  /// Input artifact directories by role: the consumed kind for per-point stages,
  /// `"<point id>"` for per-spec stages.
  public let inputs: [String: URL]
  /// Input roles in graph order (for per-spec stages: the sweep points in order).
  public let inputOrder: [String]
  /// The private directory the stage writes its artifact into.
  public let outputDirectory: URL
  /// The node's label (`train hidden=256/method=sdfa/seed=2`).
  public let label: String
  /// CPU threads granted by the scheduler.
  public let threads: Int
  /// A folder private to this stage's key that survives crashes, kills and cancellation, and is
  /// deleted once the stage's artifact is committed: a long stage saves its progress there
  /// (atomically) and, when it finds some on start, continues from it. Nil where the caller
  /// keeps no such state. Created on first use by the stage.
  public let resumeDirectory: URL?
  private let progressSink: @Sendable (StageProgress) -> Void
  private let cancelled: @Sendable () -> Bool
  /// The stage's log (`sdfa log LABEL` prints it): time-stamped lines with a level. Log at
  /// `.debug` what only `--verbose` / `SDFA_LOG_LEVEL=debug` should keep.
  public let logger: Logger
  /// The first failed log write (disk full): the runner fails the stage with it.
  private let logErrors = LockedValue<String?>(nil)

  public init(
    params: SpecValue, inputs: [String: URL], inputOrder: [String], outputDirectory: URL, label: String,
    threads: Int, logHandle: FileHandle?, resumeDirectory: URL? = nil, keyedParams: SpecValue? = nil,
    progress: @escaping @Sendable (StageProgress) -> Void, isCancelled: @escaping @Sendable () -> Bool
  ) {
    self.resumeDirectory = resumeDirectory
    self.params = params
    self.keyedParams = keyedParams ?? params
    self.inputs = inputs
    self.inputOrder = inputOrder
    self.outputDirectory = outputDirectory
    self.label = label
    self.threads = threads
    let errors = logErrors
    self.logger = LogLines.logger(label: "sdfa.stage", writingTo: logHandle, onFailure: { error in
      errors.withLock { if $0 == nil { $0 = IOErrorText.describe(error) } }
    })
    self.progressSink = progress
    self.cancelled = isCancelled
  }

  /// The param at a dotted path (`"train.epochs"`).
  public func param(_ path: String) -> SpecValue? { params[path: path] }

  /// The input artifact for `role`, or a clear error naming the missing role.
  public func input(_ role: String) throws -> URL {
    guard let url = inputs[role] else { throw StageFailure("stage '\(label)' has no input '\(role)'") }
    return url
  }

  /// Writes a file of the artifact (a name relative to the output directory; folders are
  /// created). Prefer it to `Data.write`, which on Linux syncs every file to disk: the store
  /// syncs the whole artifact once when it commits it.
  public func write(_ data: Data, to name: String) throws {
    let url = outputDirectory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try ArtifactStore.writeFile(data, to: url)
  }

  /// Reports progress (fraction in 0…1, with a short message such as `epoch 3/5`).
  public func progress(_ fraction: Double, _ message: String = "") {
    progressSink(StageProgress(label: label, fraction: fraction, message: message))
  }

  /// Appends a line to the stage's log file at level `info`. A failing write (disk full)
  /// does not stop the stage here; the runner fails the stage with `logWriteError` after it.
  public func log(_ line: String) {
    logger.info("\(line)")
  }

  /// Why a log line could not be written, if one could not.
  public var logWriteError: String? { logErrors.withLock { $0 } }

  /// Whether the run was interrupted; long stages poll this and throw `CancellationError()`.
  public var isCancelled: Bool { cancelled() }

  /// Throws `CancellationError` when the run was interrupted.
  public func checkCancellation() throws {
    if cancelled() { throw CancellationError() }
  }
}

/// Progress of one running stage.
public struct StageProgress: Sendable {
  public var label: String
  public var fraction: Double
  public var message: String
}

/// A stage's failure with a message meant for the user.
public struct StageFailure: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Converts a file in another format (the reference code's flat configs) into spec text:
/// nil when the tree is already a spec; `SpecErrors` located in the file when it is wrong.
public typealias SpecTranslator =
  @Sendable (_ node: SpecNode, _ file: String) throws -> (name: String, spec: String, notice: String)?

/// The stage kinds of a build, in dependency order.
public struct StageRegistry: Sendable {
  public let stages: [any Stage]
  /// Accepts files of another format where a spec is expected (`sdfa run config.yaml`).
  public let translator: SpecTranslator?

  public init(_ stages: [any Stage], translator: SpecTranslator? = nil) {
    self.translator = translator
    for (i, stage) in stages.enumerated() {
      for consumed in stage.consumes {
        precondition(stages[..<i].contains { $0.kind == consumed },
                     "stage '\(stage.kind)' consumes '\(consumed)', which must be registered before it")
      }
    }
    self.stages = stages
  }

  public func stage(_ kind: String) -> (any Stage)? { stages.first { $0.kind == kind } }

  /// Every section some registered kind owns, with its schema and owner.
  public var sections: [(name: String, schema: Schema, owner: String)] {
    stages.flatMap { stage in stage.sections.map { ($0.key, $0.value, stage.kind) } }.sorted { $0.name < $1.name }
  }
}

/// A value guarded by a lock (stages log from several threads).
final class LockedValue<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  init(_ value: Value) { self.value = value }
  func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
