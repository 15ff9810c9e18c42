import ArgumentParser
import Foundation
import Logging
import Pipeline

/// The stage kinds this executable was built with (set once by `main`).
public enum CLIRuntime {
  nonisolated(unsafe) public static var registry = StageRegistry([])
  /// Shown in `--help` and errors (`sdfa`).
  nonisolated(unsafe) public static var commandName = "sdfa"
  /// Commands the executable adds (`sdfa data …` needs the dataset readers).
  nonisolated(unsafe) public static var extraCommands: [any ParsableCommand.Type] = []
  /// The technologies `hardware.technology` can name (`sdfa hw --list-technologies`).
  nonisolated(unsafe) public static var technologies = TechnologyCatalog()
}

/// The technology presets as the CLI sees them: supplied by the executable, which links the
/// hardware model (this target does not).
public struct TechnologyCatalog: Sendable {
  /// (name, source) of every technology a spec in a folder can name.
  public var list: @Sendable (_ specFolder: String) -> [(name: String, source: String)]
  /// The YAML text and source a spec in a folder gets for a name.
  public var text: @Sendable (_ name: String, _ specFolder: String) -> (text: String, source: String)?

  public init(
    list: @escaping @Sendable (String) -> [(name: String, source: String)] = { _ in [] },
    text: @escaping @Sendable (String, String) -> (text: String, source: String)? = { _, _ in nil }
  ) {
    self.list = list
    self.text = text
  }
}

/// Options shared by every command that reads specs (public: the executable's own commands
/// read specs too).
public struct SpecOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Run seeds 0..<N instead of the spec's seeds.", valueName: "N"))
  var seeds: Int?

  @Option(name: .customLong("set"), help: ArgumentHelp(
    "Override a spec value (YAML): --set train.epochs=3 --set 'model.hidden=[512]'. Repeatable.", valueName: "path=value"))
  var assignments: [String] = []

  @Option(name: .long, help: ArgumentHelp(
    "Cache directory (default: $SDFA_CACHE, else the .sdfa of the project holding the spec or the current folder, else ./.sdfa).",
    valueName: "dir"))
  var cache: String?

  @Flag(name: .shortAndLong, help: "Log debug lines too (the project and cache chosen; stages' debug lines).")
  var verbose = false

  @Flag(name: .shortAndLong, help: "Print warnings and errors only (sdfa run: failures and the summary).")
  public var quiet = false

  @Option(name: .customLong("log-level"), help: ArgumentHelp(
    "trace, debug, info, notice, warning or error (default: $SDFA_LOG_LEVEL, else info).", valueName: "level"))
  var logLevel: String?

  @Option(name: .long, help: ArgumentHelp(
    "Refuse specs that expand to more than N sweep points × seeds (default \(Spec.defaultMaxPoints)).", valueName: "N"))
  var maxPoints: Int = Spec.defaultMaxPoints

  public init() {}

  /// The level of the CLI's diagnostics and of the stage logs this process writes.
  public var level: Logger.Level {
    if verbose { return .debug }
    if quiet && logLevel == nil { return .warning }
    return logLevel.flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? LogLines.level() ?? LogLines.defaultLevel
  }

  /// The CLI's diagnostics, time-stamped on standard error.
  public var logger: Logger { LogLines.logger(label: "sdfa", writingTo: .standardError, level: level) }

  public var overrides: Spec.Overrides { Spec.Overrides(seedCount: seeds, assignments: assignments, maxPoints: maxPoints) }

  /// The project (cache and results) of a command reading `specs` (see `Project`).
  public func project(for specs: [String] = []) -> Project {
    let project = Project.locate(specs: specs, cache: cache)
    logger.debug("project \(project.root?.path ?? "none (no .sdfa/ above the spec or the current folder)"); cache \(project.cache.path); results \(project.results.path)")
    return project
  }

  public func validate() throws {
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    if verbose && quiet { throw ValidationError("choose one of --verbose and --quiet") }
    if let logLevel, Logger.Level(rawValue: logLevel.lowercased()) == nil {
      throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(logLevel)'")
    }
    // Stages read the level from the environment (this process's, and a Slurm job's).
    if verbose || logLevel != nil { setenv("SDFA_LOG_LEVEL", level.rawValue, 1) }
    if maxPoints < 1 { throw ValidationError("--max-points must be at least 1") }
  }

  /// Loads every spec, printing all problems of all files before failing; data folders are
  /// keyed with `digester` (default: ``treeDigester(for:writable:)`` of their project).
  public func loadSpecs(_ paths: [String], treeDigester digester: TreeDigester? = nil) throws -> [Spec] {
    var specs: [Spec] = []
    var failed = false
    let digester = digester ?? treeDigester(for: paths)
    for path in paths {
      do {
        let spec = try Spec.load(path, registry: CLIRuntime.registry, overrides: overrides, treeDigester: digester)
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

  /// Keys data folders by content, remembering each file's digest in the index of the cache of
  /// the project `specs` belong to when that cache exists (it never creates one: read-only
  /// commands stay read-only).
  /// `writable`: remember the digests it computes (commands that run stages); read-only
  /// commands only look them up.
  public func treeDigester(for specs: [String] = [], writable: Bool = false) -> TreeDigester {
    let index = project(for: specs).cache.appendingPathComponent("index.sqlite")
    return TreeDigester(memo: FileDigestMemo(indexPath: index.path, writable: writable))
  }

  /// A runner on the project's cache, created if absent: for commands that run stages.
  public func runner(for specs: [String] = []) throws -> Runner {
    let cache = project(for: specs).cache
    do {
      return try Runner(cache: cache, registry: CLIRuntime.registry)
    } catch {
      Terminal.error("cannot open the cache at \(cache.path): \(error)")
      throw ExitCode(1)
    }
  }

  /// The project's cache opened for reading only: creates no cache, lock or database file,
  /// so read-only commands work on a shared read-only cache and leave no `.sdfa/` behind.
  public func reader(for specs: [String] = []) throws -> Inspector {
    let cache = project(for: specs).cache
    do {
      let store = try ArtifactStore(root: cache, reading: true)
      return Inspector(store: store, index: try StageIndex(readingAt: store.indexPath))
    } catch {
      Terminal.error("cannot read the cache at \(cache.path): \(error)")
      throw ExitCode(1)
    }
  }
}

/// Writing to the terminal.
public enum Terminal {
  public static let isInteractive = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  private static let lock = NSLock()

  public static func out(_ text: String, terminator: String = "\n") {
    lock.withLock { try? FileHandle.standardOutput.write(contentsOf: Data((text + terminator).utf8)) }
  }

  public static func error(_ text: String) {
    lock.withLock { try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8)) }
  }

  public static func raw(_ text: String) {
    lock.withLock { try? FileHandle.standardError.write(contentsOf: Data(text.utf8)) }
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
    guard lock.withLock({ sources.isEmpty }) else { return }  // once per process
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
