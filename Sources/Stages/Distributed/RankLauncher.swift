import Foundation
import MPI
import Pipeline

/// Runs a train stage as `ranks` MPI processes (`train.ranks`), from the process that
/// executes the stage (`sdfa run` locally, `sdfa exec` in a Slurm allocation).
///
/// It writes a ``RankJob`` into the stage's private output directory and starts
/// `sdfa train-rank <job>` under `mpirun -np N` (or `srun` inside an allocation, see
/// ``MPILaunch``). Rank 0 writes the artifact into the output directory, and sends its log
/// lines and progress on its standard output, which this process passes on to the stage's log
/// and progress. Cancelling the stage terminates the launcher (which ends the ranks). When a
/// rank fails, the error names it, with its message or the tail of its standard error; the
/// output directory is then discarded by the runner as for any failed stage, so no partial
/// artifact reaches the cache.
struct RankLauncher {
  let ranks: Int
  /// The `sdfa` executable (the ranks run its hidden `train-rank` command).
  var executable: String = RankLauncher.currentExecutable

  /// Marks a progress line on rank 0's standard output: `\u{1E}progress <fraction>\t<message>`.
  static let progressMarker = "\u{1E}progress "

  static var currentExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  func run(_ context: StageContext) throws {
    let job = RankJob(context, ranks: ranks)
    let folder = job.folder
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let jobFile = RankJob.file(in: folder)
    try job.write(to: jobFile)
    let launch: MPILaunch
    do {
      launch = try MPILaunch.command(
        ranks: ranks, threads: job.threads, program: executable, arguments: ["train-rank", jobFile.path])
    } catch {
      throw StageFailure(error.description)
    }
    context.log("launching \(ranks) ranks of \(job.threads) thread(s) with \(launch.launcher): \(([launch.executable] + launch.arguments).joined(separator: " "))")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: launch.executable)
    process.arguments = launch.arguments
    process.environment = ProcessInfo.processInfo.environment.merging(launch.environment) { _, new in new }
    let launcherErr = folder.appendingPathComponent("launcher.err")
    FileManager.default.createFile(atPath: launcherErr.path, contents: nil)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: launcherErr)
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw StageFailure("cannot start \(launch.executable): \(error)")
    }
    let relay = Thread { Self.relay(out.fileHandleForReading, to: context) }
    relay.start()
    var cancelled = false
    while process.isRunning {
      if !cancelled && context.isCancelled {
        cancelled = true
        process.terminate()  // SIGTERM: mpirun and srun pass it on to the ranks
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      }
      usleep(50_000)
    }
    process.waitUntilExit()
    while !relay.isFinished { usleep(10_000) }
    // A Ctrl-C at a terminal reaches the launcher and the ranks too (one process group), which
    // may end them before this loop sees the cancellation: an interruption all the same.
    if cancelled || context.isCancelled { throw CancellationError() }
    let statuses = (0..<ranks).map { RankStatus.read(rank: $0, in: folder) }
    if process.terminationStatus != 0 || statuses.contains(where: { $0 != .ok }) {
      throw StageFailure(Self.failure(statuses: statuses, folder: folder, launcher: launch.launcher,
                                      status: process.terminationStatus, launcherErr: launcherErr))
    }
    try FileManager.default.removeItem(at: folder)
  }

  /// Passes rank 0's standard output on: progress lines to the progress, the others (its log
  /// lines, already time-stamped) to the stage's log.
  private static func relay(_ handle: FileHandle, to context: StageContext) {
    var pending = Data()
    func emit(_ line: Substring) {
      if line.hasPrefix(progressMarker) {
        let body = line.dropFirst(progressMarker.count)
        let parts = body.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
        if let fraction = Double(parts[0]) { context.progress(fraction, parts.count > 1 ? String(parts[1]) : "") }
      } else if !line.isEmpty {
        // `<time> <level> <message>`: the stage's log stamps it again.
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        context.log(fields.count == 3 && fields[0].contains("T") ? "rank 0: " + fields[2].drop { $0 == " " } : "rank 0: " + line)
      }
    }
    while true {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      pending.append(chunk)
      while let newline = pending.firstIndex(of: 0x0A) {
        emit(Substring(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)))
        pending.removeSubrange(pending.startIndex...newline)
      }
    }
    if !pending.isEmpty { emit(Substring(String(decoding: pending, as: UTF8.self))) }
  }

  /// Which rank failed and why: the first rank that reported a failure (the others were
  /// ended by it), else every rank that ended without reporting (killed, crashed) with the
  /// tail of its standard error, and the launcher's own last lines.
  static func failure(statuses: [RankStatus?], folder: URL, launcher: String, status: Int32, launcherErr: URL) -> String {
    let ranks = statuses.count
    var lines: [String] = []
    if let (rank, message) = statuses.enumerated().lazy.compactMap({ r, s -> (Int, String)? in
      if case .failed(let m) = s { (r, m) } else { nil }
    }).first {
      lines.append("rank \(rank) of \(ranks) failed: \(message)")
    } else {
      let silent = statuses.indices.filter { statuses[$0] == nil }
      let launcherText = (try? String(contentsOf: launcherErr, encoding: .utf8)) ?? ""
      if let (rank, signal) = Self.killedRank(launcherText) {
        lines.append("rank \(rank) of \(ranks) was killed by signal \(signal) (out of memory, a time limit, or by hand?); the other ranks were stopped")
      }
      lines.append(silent.isEmpty
        ? "\(launcher) exited with status \(status) after every rank finished"
        : "rank\(silent.count == 1 ? "" : "s") \(silent.map(String.init).joined(separator: ", ")) of \(ranks) ended without finishing (killed or crashed; \(launcher) exited with status \(status))")
      for rank in silent {
        let tail = Self.tail(RankJob.standardError(rank: rank, in: folder))
        if !tail.isEmpty { lines.append("rank \(rank)'s standard error ends:\n" + tail) }
      }
      let launcherTail = Self.tail(launcherErr)
      if !launcherTail.isEmpty { lines.append("\(launcher) said:\n" + launcherTail) }
    }
    return lines.joined(separator: "\n")
  }

  /// The rank and signal of mpirun's `process rank 1 with PID … exited on signal 9 (Killed)`
  /// or srun's `task 1: Killed`.
  static func killedRank(_ text: String) -> (rank: Int, signal: String)? {
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    if let match = flat.firstMatch(of: /process rank (\d+) with PID \d+ on node \S+ exited on signal (\d+ \([^)]*\))/),
      let rank = Int(match.1)
    {
      return (rank, String(match.2))
    }
    if let match = flat.firstMatch(of: /task (\d+): (Killed|Segmentation fault|Aborted)/), let rank = Int(match.1) {
      return (rank, String(match.2))
    }
    return nil
  }

  /// The last `count` lines of a file that say something, indented.
  static func tail(_ url: URL, count: Int = 12) -> String {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
    // mpirun frames its messages with lines of dashes: they say nothing.
    let lines = text.split(separator: "\n").filter { !$0.allSatisfy { $0 == "-" || $0 == " " } }
    return lines.suffix(count).map { "  " + $0 }.joined(separator: "\n")
  }
}
