import Foundation

/// How to start `ranks` copies of a program as one MPI job, here: `mpirun` on this machine,
/// or, inside a Slurm allocation, `srun` (where Slurm's PMIx plugin lets Open MPI's ranks find
/// each other) or `mpirun` (which then starts its daemons through Slurm itself).
public struct MPILaunch: Equatable, Sendable {
  /// The launcher's absolute path.
  public var executable: String
  public var arguments: [String]
  /// Variables to add to the launcher's environment.
  public var environment: [String: String]
  /// `mpirun`, `srun`: for messages.
  public var launcher: String { URL(fileURLWithPath: executable).lastPathComponent }

  /// Why no MPI job can be started.
  public struct Unavailable: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// The command that runs `program arguments` as `ranks` ranks of `threads` threads each.
  ///
  /// - `environment`: the process environment (`SLURM_JOB_ID` and `SLURM_NTASKS` mark an
  ///   allocation; `SDFA_MPI_LAUNCHER=mpirun|srun` forces one).
  /// - `find`: a command's absolute path on `PATH`, or nil.
  /// - `srunPlugins`: what `srun --mpi=list` prints (asked only inside an allocation).
  public static func command(
    ranks: Int, threads: Int, program: String, arguments: [String],
    environment: [String: String] = ProcessInfo.processInfo.environment,
    find: (String) -> String? = { MPILaunch.which($0) },
    srunPlugins: () -> String = { MPILaunch.srunPlugins() }
  ) throws(Unavailable) -> MPILaunch {
    let allocated = environment["SLURM_JOB_ID"] != nil && (Int(environment["SLURM_NTASKS"] ?? "") ?? 0) >= ranks
    let forced = environment["SDFA_MPI_LAUNCHER"]
    if allocated && forced != "mpirun", let srun = find("srun"), forced == "srun" || srunPlugins().contains("pmix") {
      return MPILaunch(
        executable: srun,
        arguments: ["--mpi=pmix", "--ntasks=\(ranks)", "--cpus-per-task=\(threads)", "--kill-on-bad-exit=1", program] + arguments,
        environment: [:])
    }
    guard let mpirun = find("mpirun") else {
      throw Unavailable(
        description: "train.ranks: \(ranks) needs Open MPI's mpirun, which is not on PATH: install it (Debian/Ubuntu: "
          + "apt-get install openmpi-bin libopenmpi-dev; on a cluster: module load openmpi) or set train.ranks: 1")
    }
    var env: [String: String] = [:]
    if geteuid() == 0 {  // Open MPI refuses root unless told that it is on purpose
      env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
      env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    }
    // Ranks are not bound to one core each: a rank's training threads need several. Outside
    // an allocation the machine's slots may be fewer than the ranks asked for, and its cores
    // are shared: a rank waiting in a collective then yields its core instead of spinning on
    // it (measured on 2 shared cores: a ConvNet's 2-rank step 3.4× faster).
    var options = ["-np", "\(ranks)", "--bind-to", "none"]
    if !allocated {
      options.append("--oversubscribe")
      if environment["OMPI_MCA_mpi_yield_when_idle"] == nil { env["OMPI_MCA_mpi_yield_when_idle"] = "1" }
    }
    return MPILaunch(executable: mpirun, arguments: options + [program] + arguments, environment: env)
  }

  /// The absolute path of `command` on `PATH`.
  public static func which(_ command: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(command)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// The MPI plugins `srun --mpi=list` names (empty when it cannot be asked).
  public static func srunPlugins() -> String {
    guard let srun = which("srun") else { return "" }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: srun)
    process.arguments = ["--mpi=list"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : ""
  }
}
