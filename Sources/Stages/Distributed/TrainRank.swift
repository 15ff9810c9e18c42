import Foundation
import MPI
import Pipeline
import SNN

/// MPI's world communicator is the train stage's data-parallel group.
extension Communicator: DataParallelGroup {}

/// One rank of a data-parallel train stage: what `sdfa train-rank <job>` runs under `mpirun`
/// or `srun` (see ``RankLauncher``).
public enum TrainRank {
  /// Trains as this process's rank of the job described in `jobFile`; returns the exit status
  /// (0). A rank that fails reports why in its status file and ends every rank (`MPI_Abort`),
  /// so that none waits forever for it.
  public static func run(jobFile: String) -> Int32 {
    let world = Communicator.world()
    let job: RankJob
    do {
      job = try RankJob.read(URL(fileURLWithPath: jobFile))
    } catch {
      FileHandle.standardError.write(Data("sdfa train-rank: rank \(world.rank): \(error)\n".utf8))
      world.abort(2)
    }
    let folder = job.folder
    // This rank's standard error (a crash's last words included) goes to its own file.
    let errPath = RankJob.standardError(rank: world.rank, in: folder).path
    let fd = open(errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd >= 0 {
      dup2(fd, STDERR_FILENO)
      close(fd)
    }
    try? Data("\(getpid()) \(ProcessInfo.processInfo.hostName)\n".utf8).write(to: RankJob.pid(rank: world.rank, in: folder))
    guard world.size == job.ranks else {
      RankStatus.failed("started as \(world.size) processes for train.ranks: \(job.ranks) (is \(RankLauncher.currentExecutable) run by mpirun or srun?)")
        .write(rank: world.rank, in: folder)
      world.abort(2)
    }
    do {
      let writer = world.rank == 0
      let context = StageContext(
        params: try SpecValue(json: job.params), inputs: job.inputs.mapValues { URL(fileURLWithPath: $0) },
        inputOrder: job.inputOrder, outputDirectory: URL(fileURLWithPath: job.outputDirectory), label: job.label,
        threads: job.threads, logHandle: writer ? FileHandle.standardOutput : nil,
        resumeDirectory: job.resumeDirectory.map { URL(fileURLWithPath: $0) },
        keyedParams: try SpecValue(json: job.keyedParams),
        progress: { p in
          guard writer else { return }
          let message = p.message.replacingOccurrences(of: "\n", with: " ")
          FileHandle.standardOutput.write(Data("\(RankLauncher.progressMarker)\(p.fraction)\t\(message)\n".utf8))
        },
        isCancelled: { false })
      try TrainStage().train(context, group: world)
      RankStatus.ok.write(rank: world.rank, in: folder)
    } catch {
      RankStatus.failed("\(error)").write(rank: world.rank, in: folder)
      FileHandle.standardError.write(Data("sdfa train-rank: rank \(world.rank): \(error)\n".utf8))
      world.abort(1)
    }
    world.barrier()
    Communicator.finalize()
    return 0
  }
}
