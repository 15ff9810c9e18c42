import Foundation
import Testing
import TestSupport

@testable import MPI

/// The deterministic all-reduce under a real `mpirun` (skipped, saying so, without one): every
/// rank gets the rank-order sum bit for bit, ranks agree, reruns agree.
@Suite struct DeterministicSumTests {
  @Test func chunksCoverTheVectorInOrder() {
    #expect(Communicator.chunkBounds(count: 10, ranks: 3) == [0, 3, 6, 10])
    #expect(Communicator.chunkBounds(count: 1, ranks: 2) == [0, 0, 1])
    #expect(Communicator.chunkBounds(count: 0, ranks: 2) == [0, 0, 0])
  }

  @Test(.enabled(if: MPIProbe.available, "no mpirun on PATH (apt-get install openmpi-bin)"), arguments: [2, 3])
  func sumsInRankOrderOnEveryRank(ranks: Int) throws {
    guard let first = try MPIProbe.run(ranks: ranks) else { return }
    let lines = first.split(separator: "\n").map(String.init).filter { $0.hasPrefix("rank ") }
    #expect(lines.count == 7 * ranks, "output:\n\(first)")
    #expect(!first.contains("WRONG"), "a rank's sum differs from the rank-order sum:\n\(first)")
    // Each case's line, rank prefix removed, is the same on every rank.
    let cases = Dictionary(grouping: lines) { $0.split(separator: " ").dropFirst(2).prefix(2).joined(separator: " ") }
    for (name, group) in cases {
      let bodies = Set(group.map { $0.split(separator: " ").dropFirst(2).joined(separator: " ") })
      #expect(bodies.count == 1, "ranks disagree on \(name): \(group)")
    }
    #expect(first.contains("broadcast from rank 0 max \(10 * (ranks - 1))"))
    let second = try #require(try MPIProbe.run(ranks: ranks))
    #expect(Set(lines) == Set(second.split(separator: "\n").map(String.init).filter { $0.hasPrefix("rank ") }),
            "a rerun gave other bits")
  }

  @Test func launchCommandOutsideAndInsideSlurm() throws {
    let find: (String) -> String? = { "/usr/bin/\($0)" }
    let local = try MPILaunch.command(ranks: 2, threads: 1, program: "/p", arguments: ["x"], environment: [:], find: find)
    #expect(local.launcher == "mpirun")
    #expect(local.arguments == ["-np", "2", "--bind-to", "none", "--oversubscribe", "/p", "x"])
    #expect(local.environment["OMPI_MCA_mpi_yield_when_idle"] == "1")
    let slurm = ["SLURM_JOB_ID": "7", "SLURM_NTASKS": "2"]
    let pmix = try MPILaunch.command(
      ranks: 2, threads: 3, program: "/p", arguments: [], environment: slurm, find: find, srunPlugins: { "pmi2\npmix\n" })
    #expect(pmix.launcher == "srun")
    #expect(pmix.arguments.contains("--mpi=pmix") && pmix.arguments.contains("--cpus-per-task=3"))
    let noPMIx = try MPILaunch.command(
      ranks: 2, threads: 1, program: "/p", arguments: [], environment: slurm, find: find, srunPlugins: { "none\npmi2\n" })
    #expect(noPMIx.launcher == "mpirun" && !noPMIx.arguments.contains("--oversubscribe"))
    #expect(throws: MPILaunch.Unavailable.self) {
      try MPILaunch.command(ranks: 2, threads: 1, program: "/p", arguments: [], environment: [:], find: { _ in nil })
    }
  }
}

/// Runs the built `mpi-probe` under `mpirun -np ranks`; nil (with a note) without mpirun.
enum MPIProbe {
  static var available: Bool { MPILaunch.which("mpirun") != nil }

  static func run(ranks: Int) throws -> String? {
    guard let mpirun = MPILaunch.which("mpirun") else {
      FileHandle.standardError.write(Data("note: MPI tests skipped: no mpirun on PATH (apt-get install openmpi-bin)\n".utf8))
      return nil
    }
    let launch = try MPILaunch.command(ranks: ranks, threads: 1, program: probe.path, arguments: [], find: { _ in mpirun })
    let process = Process()
    process.executableURL = URL(fileURLWithPath: launch.executable)
    process.arguments = launch.arguments
    process.environment = ProcessInfo.processInfo.environment.merging(launch.environment) { _, b in b }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    #expect(process.terminationStatus == 0, "mpirun failed:\n\(text)")
    return text
  }

  /// `mpi-probe` beside the test bundle.
  static var probe: URL { builtExecutable("mpi-probe") }
}
