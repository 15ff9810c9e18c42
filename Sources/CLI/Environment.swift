import ArgumentParser
import Foundation
import Pipeline

/// The stage kinds this executable was built with (set once by `main`).
public enum CLIRuntime {
  nonisolated(unsafe) public static var registry = StageRegistry([])
  /// Shown in `--help` and errors (`sdfa`).
  nonisolated(unsafe) public static var commandName = "sdfa"
  /// Commands the executable adds (`sdfa data …` needs the dataset readers).
  nonisolated(unsafe) public static var extraCommands: [any ParsableCommand.Type] = []
}

/// Options shared by every command that reads specs (public: the executable's own commands
/// read specs too).
public struct SpecOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Run seeds 0..<N instead of the spec's seeds.", valueName: "N"))
  var seeds: Int?

  @Option(name: .customLong("set"), help: ArgumentHelp(
    "Override a spec value (YAML): --set train.epochs=3 --set 'model.hidden=[512]'. Repeatable.", valueName: "path=value"))
  var assignments: [String] = []

  @Option(name: .long, help: ArgumentHelp("Cache directory (default: $SDFA_CACHE, else .sdfa).", valueName: "dir"))
  var cache: String?

  @Option(name: .long, help: ArgumentHelp(
    "Refuse specs that expand to more than N sweep points × seeds (default \(Spec.defaultMaxPoints)).", valueName: "N"))
  var maxPoints: Int = Spec.defaultMaxPoints

  public init() {}

  public var overrides: Spec.Overrides { Spec.Overrides(seedCount: seeds, assignments: assignments, maxPoints: maxPoints) }

  /// The cache directory as the user named it (for messages and files people read).
  public var cachePath: String {
    cache ?? ProcessInfo.processInfo.environment["SDFA_CACHE"].flatMap { $0.isEmpty ? nil : $0 } ?? ".sdfa"
  }

  public var cacheURL: URL { URL(fileURLWithPath: cachePath).standardizedFileURL }

  public func validate() throws {
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    if maxPoints < 1 { throw ValidationError("--max-points must be at least 1") }
  }

  /// Loads every spec, printing all problems of all files before failing.
  public func loadSpecs(_ paths: [String]) throws -> [Spec] {
    var specs: [Spec] = []
    var failed = false
    for path in paths {
      do {
        let spec = try Spec.load(path, registry: CLIRuntime.registry, overrides: overrides)
        for notice in spec.notices { Terminal.error(notice) }
        specs.append(spec)
      } catch let errors as SpecErrors {
        Terminal.error(errors.description)
        failed = true
      }
    }
    if failed {
      Terminal.error("nothing was run: fix the spec and try again (sdfa validate SPEC checks it)")
      throw ExitCode(2)
    }
    return specs
  }

  public func runner() throws -> Runner {
    do {
      return try Runner(cache: cacheURL, registry: CLIRuntime.registry)
    } catch {
      Terminal.error("cannot open the cache at \(cacheURL.path): \(error)")
      throw ExitCode(1)
    }
  }
}

/// Writing to the terminal.
public enum Terminal {
  public static let isInteractive = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  private static let lock = NSLock()

  public static func out(_ text: String) {
    lock.withLock { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
  }

  public static func error(_ text: String) {
    lock.withLock { FileHandle.standardError.write(Data((text + "\n").utf8)) }
  }

  public static func raw(_ text: String) {
    lock.withLock { FileHandle.standardError.write(Data(text.utf8)) }
  }
}

/// Turns the first SIGINT into a cancellation request and the second into an immediate exit.
final class Interrupts: @unchecked Sendable {
  static let shared = Interrupts()
  private let lock = NSLock()
  private var count = 0
  private var sources: [DispatchSourceSignal] = []

  var requested: Bool { lock.withLock { count > 0 } }

  func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [self] in
        let n = lock.withLock { count += 1; return count }
        if n == 1 {
          Terminal.error("\ninterrupted: finishing cleanly (running stages stop, nothing partial is kept); press Ctrl-C again to quit now")
        } else {
          _exit(130)
        }
      }
      source.resume()
      sources.append(source)
    }
  }
}
