import Foundation

/// The Slurm client commands the executor uses (`sbatch`, `squeue`, `scancel`), found on
/// `PATH` and run with the process's environment (`SLURM_CONF` included).
enum SlurmCommands {
  struct Output {
    var status: Int32
    var out: String
    var err: String
  }

  /// Runs a command to completion, capturing its output.
  static func run(_ command: String, _ arguments: [String]) -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [command] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { return Output(status: 127, out: "", err: "cannot run \(command): \(error)") }
    // Read before waiting (a full pipe would block the command); stderr is a few lines.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                  err: String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Job states (`squeue -t all`) of the given jobs and array tasks, by task id (`123_4`, or
  /// `123` for a plain job). Jobs Slurm no longer knows (purged, or never seen) are absent;
  /// nil when Slurm could not be asked (the controller is down or unreachable).
  static func states(of jobs: Set<String>) -> [String: String]? {
    let masters = Set(jobs.map { String($0.split(separator: "_").first ?? "") }).filter { !$0.isEmpty }.sorted()
    guard !masters.isEmpty else { return [:] }
    func query(_ ids: [String]) -> Output {
      run("squeue", ["-h", "-r", "-t", "all", "-j", ids.joined(separator: ","), "-o", "%i|%T"])
    }
    var outputs: [Output] = []
    let all = query(masters)
    if all.status == 0 {
      outputs = [all]
    } else {
      // An unknown id may fail the whole query: ask for each job alone.
      for master in masters {
        let one = query([master])
        if one.status == 0 {
          outputs.append(one)
        } else if !one.err.contains("Invalid job id") {
          return nil
        }
      }
    }
    var states: [String: String] = [:]
    for output in outputs {
      for line in output.out.split(separator: "\n") {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2 else { continue }
        states[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    return states
  }

  /// States in which a job may still run: it is not over.
  static let activeStates: Set<String> = [
    "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD",
    "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
  ]
  /// End states after which the same job, submitted again, may well succeed.
  static let lostStates: Set<String> = ["CANCELLED", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL"]
}
