import Foundation
import Testing
import TestSupport

/// A `train.ranks: 2` stage on the one-node Slurm test cluster (`Tests/slurm/cluster.sh`;
/// skipped, saying why, without one): the executor asks for 2 tasks and `sdfa exec` starts
/// the ranks inside the allocation; the artifact is the one `mpirun -np 2` gives locally.
@Suite(.serialized, .enabled(if: SlurmCluster.isAvailable && MPIAvailability.mpirun, "no Slurm cluster or no mpirun (see the notes on stderr)"))
struct DataParallelSlurmTests {
  /// `auto`: srun where Slurm has PMIx, else mpirun; `mpirun`: forced (`SDFA_MPI_LAUNCHER`),
  /// as where Slurm's PMI support is missing.
  @Test(arguments: ["auto", "mpirun"]) func aTwoRankTrainStageRunsInsideItsAllocation(_ launcher: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let spec = DataParallelTrainingTests.mlp.replacingOccurrences(of: "epochs: 2", with: "epochs: 1")
    try scratch.write(Array((spec + "\nexecutor: {kind: slurm, poll_interval: 0.2}\n").utf8), to: "dp.yml")
    let slurm = try DataParallelTrainingTests.train(
      in: scratch, ranks: 2, environment: launcher == "auto" ? [] : ["SDFA_MPI_LAUNCHER=\(launcher)"])
    let line = try #require(slurm.log.split(separator: "\n").first { $0.contains("launching 2 ranks") }, "\(slurm.log)")
    // Inside the allocation: srun where Slurm has PMIx (Debian's does), else mpirun.
    let plugins = SlurmCluster.shell(["srun", "--mpi=list"])
    let expected = launcher == "auto" && plugins.out.contains("pmix") ? "with srun" : "with mpirun"
    #expect(line.contains(expected), "\(line)")
    // The Slurm job ran `sdfa exec` for the stage, with 2 tasks.
    let logs = scratch.url.appendingPathComponent(".sdfa/jobs/slurm-logs")
    let names = try FileManager.default.contentsOfDirectory(atPath: logs.path)
    let texts = try names.map { try String(contentsOf: logs.appendingPathComponent($0), encoding: .utf8) }
    #expect(texts.contains { $0.contains("sdfa exec: train") && $0.contains("ran in") }, "\(texts)")

    // The same bytes as two ranks under mpirun on this machine.
    let other = try Scratch()
    defer { other.cleanup() }
    try other.write(Array(spec.utf8), to: "dp.yml")
    let local = try DataParallelTrainingTests.train(in: other, ranks: 2)
    #expect(local.log.contains("with mpirun"))
    #expect(local.checkpoint == slurm.checkpoint && local.metricsBytes == slurm.metricsBytes)
  }
}
