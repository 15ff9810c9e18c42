/// Where ready stages run. The runner's own threads are the local executor (every stage
/// runs there unless an `Executor` passed to `Runner.run` routes its kind elsewhere).
///
/// The runner hands an executor the stages it routes as soon as they are ready (at most
/// `maxInFlight` at a time) and polls it for their results; retries after lost jobs are the
/// executor's business, so it reports only final results.
public protocol Executor: AnyObject, Sendable {
  /// A short name for messages (`slurm`).
  var name: String { get }
  /// Whether stages of this kind run on this executor (others run on the local threads).
  func routes(kind: String) -> Bool
  /// How many stages may be handed over and unfinished at once.
  var maxInFlight: Int { get }
  /// Starts the stages (all ready, inputs committed).
  func submit(_ jobs: [StageJob])
  /// The stages that ended since the last call, by key. Cheap to call often (it rate-limits
  /// itself).
  func poll() -> [(key: String, result: ExecutionResult)]
  /// Stops every stage this process started and waits until they are gone (Ctrl-C).
  func cancelAll()
}
