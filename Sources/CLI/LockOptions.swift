import ArgumentParser
import Foundation
import Pipeline

/// `--lock-timeout`, and taking the cache's locks the way every command should: saying whom
/// it waits for every few seconds, stopping at the first Ctrl-C.
struct LockOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp(
    "Give up waiting for a lock another process holds after this many seconds (default: wait).", valueName: "seconds"))
  var lockTimeout: Double?

  func validate() throws {
    if let lockTimeout, !(lockTimeout >= 0) { throw ValidationError("--lock-timeout must be a number of seconds ≥ 0") }
  }

  /// The waiting policy: notices go to stderr, prefixed with the command's name.
  func policy(_ prefix: String = "") -> LockWaitPolicy {
    LockWaitPolicy(timeout: lockTimeout, notice: { Terminal.error(prefix + $0) })
  }

  /// Takes the cache's lock (`.shared` for runs, `.exclusive` for gc and repairs), or exits
  /// (1 on a timeout or error, 130 on Ctrl-C).
  func lockCache(_ store: ArtifactStore, _ mode: FileLock.Mode) throws -> FileLock {
    try Self.lockCache(store, mode, policy: policy())
  }

  static func lockCache(_ store: ArtifactStore, _ mode: FileLock.Mode, policy: LockWaitPolicy) throws -> FileLock {
    Interrupts.shared.install()
    do {
      return try store.lockCache(mode, policy: policy, isCancelled: { Interrupts.shared.requested })
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      Terminal.error("error: \(IOErrorText.describe(error))")
      throw ExitCode(1)
    }
  }
}
