import ArgumentParser
import Stages

/// One rank of a data-parallel train stage (`train.ranks` > 1), started by the stage itself
/// under `mpirun` or `srun`; hidden from help, as users never run it.
struct TrainRankCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-rank",
    abstract: "Run one MPI rank of a train stage (started by the stage under mpirun or srun).",
    shouldDisplay: false)

  @Argument(help: "The rank job description the stage wrote (<output>/.ranks/job.json).")
  var job: String

  func run() throws {
    let status = TrainRank.run(jobFile: job)
    if status != 0 { throw ExitCode(status) }
  }
}
