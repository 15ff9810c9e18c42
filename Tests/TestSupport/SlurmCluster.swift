import Foundation

/// The one-node Slurm cluster the Slurm tests share: the one `SDFA_SLURM_CONF` names (CI
/// starts it), else one started once per test process by `Tests/slurm/cluster.sh` in a
/// private state directory and port, stopped at exit. When it
/// cannot start (no packages, not root, a sandbox without sockets) the tests are skipped
/// with the reason.
public enum SlurmCluster {
  /// nil when the cluster is up; otherwise why it is not.
  public static let unavailableReason: String? = start()
  public static var isAvailable: Bool { unavailableReason == nil }

  public static var script: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("slurm/cluster.sh").path
  }

  private static func start() -> String? {
    if let off = ProcessInfo.processInfo.environment["SDFA_SLURM_TESTS"], off == "0" {
      return report("SDFA_SLURM_TESTS=0")
    }
    // A cluster started outside (by .ci/run) is used as it is, and left running.
    if let conf = ProcessInfo.processInfo.environment["SDFA_SLURM_CONF"], !conf.isEmpty {
      setenv("SLURM_CONF", conf, 1)
      let probe = shell(["sinfo", "-h", "-o", "%T"])
      return probe.status == 0 && !probe.out.isEmpty ? nil : report("SDFA_SLURM_CONF=\(conf): sinfo failed: \(probe.err)")
    }
    stopAbandonedClusters()
    let pid = getpid()
    let directory = "/tmp/sdfa-slurm-\(pid)"
    let port = 17_000 + Int(pid % 1_000) * 2
    let result = shell(["bash", script, directory, "start"], environment: ["SLURM_TEST_PORT": "\(port)"])
    guard result.status == 0, let conf = result.out.split(separator: "=").last.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
      !conf.isEmpty
    else {
      try? FileManager.default.removeItem(atPath: directory)
      return report("the local cluster did not start (\(result.err.split(separator: "\n").last ?? "status \(result.status)"))")
    }
    setenv("SLURM_CONF", conf, 1)
    stateDirectory = strdup(directory)
    atexit {
      guard let directory = stateDirectory else { return }
      _ = SlurmCluster.shell(["bash", SlurmCluster.script, String(cString: directory), "stop"])
      try? FileManager.default.removeItem(atPath: String(cString: directory))
    }
    return nil
  }

  private static func report(_ reason: String) -> String {
    FileHandle.standardError.write(Data("note: Slurm tests skipped: \(reason)\n".utf8))
    return reason
  }

  /// Stops clusters left by test processes that died without their exit handler.
  private static func stopAbandonedClusters() {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("sdfa-slurm-") {
      guard let owner = Int32(name.dropFirst("sdfa-slurm-".count)), kill(owner, 0) != 0, errno == ESRCH else { continue }
      _ = shell(["bash", script, "/tmp/\(name)", "stop"])
      try? FileManager.default.removeItem(atPath: "/tmp/\(name)")
    }
  }

  /// Active (not finished) tasks among `jobs`, as Slurm reports them.
  public static func activeTasks(_ jobs: [String]) -> [String] {
    guard !jobs.isEmpty else { return [] }
    let r = shell(["squeue", "-h", "-r", "-j", jobs.joined(separator: ","), "-o", "%i %T"])
    return r.out.split(separator: "\n").map(String.init)
  }

  @discardableResult
  public static func shell(_ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-shell-\(UUID().uuidString)")
    let out = base.appendingPathExtension("out"), err = base.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: err)
    }
    guard let o = try? FileHandle(forWritingTo: out), let e = try? FileHandle(forWritingTo: err) else { return (127, "", "") }
    process.standardOutput = o
    process.standardError = e
    do { try process.run() } catch { return (127, "", "\(error)") }
    process.waitUntilExit()
    try? o.close()
    try? e.close()
    return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }
}

nonisolated(unsafe) private var stateDirectory: UnsafeMutablePointer<CChar>?
