import ArgumentParser
import Pipeline

/// The `sdfa` command line.
public struct RootCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sdfa",
    abstract: "Declarative, cached experiment pipelines for spiking networks trained with BP and SDFA.",
    discussion: """
      A spec (YAML) declares an experiment family; sdfa expands it into a graph of stages \
      (load → bin → train → map → energy, and a report), caches every artifact by content \
      hash, and reruns exactly what changed.

      Start with:
        sdfa run experiments/quickstart.yml
        sdfa status experiments/quickstart.yml
      """,
    version: PipelineInfo.toolVersion,
    subcommands: [RunCommand.self, StatusCommand.self, ExplainCommand.self, DagCommand.self, ValidateCommand.self, GCCommand.self,
                  ExecCommand.self])

  public init() {}

  /// Parses the process's arguments and runs the command with the given stage kinds.
  public static func main(registry: StageRegistry) {
    CLIRuntime.registry = registry
    main()
  }
}
