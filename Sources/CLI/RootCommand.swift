import ArgumentParser
import Pipeline

/// The `sdfa` command line.
public struct RootCommand: ParsableCommand {
  public static var configuration: CommandConfiguration { CommandConfiguration(
    commandName: "sdfa",
    abstract: "Declarative, cached experiment pipelines for spiking networks trained with BP and SDFA.",
    discussion: """
      A spec (YAML) declares an experiment family; sdfa expands it into a graph of stages \
      (load → bin → train → map → energy, and a report), caches every artifact by content \
      hash, and reruns exactly what changed.

      Start with:
        sdfa init && sdfa run spec.yml
        sdfa status spec.yml
        sdfa schema train           # every key of a section

      Logging: --verbose, --quiet or --log-level LEVEL on commands that read specs, or SDFA_LOG_LEVEL=LEVEL \
      (trace, debug, info, notice, warning, error); stage logs: sdfa log LABEL.
      """,
    version: PipelineInfo.toolVersion,
    subcommands: [
      RunCommand.self, StatusCommand.self, ExplainCommand.self, DagCommand.self, ValidateCommand.self, GCCommand.self, VerifyCommand.self,
      HardwareCommand.self, ImportCommand.self, TablesCommand.self, ExecCommand.self,
      InitCommand.self, SchemaCommand.self, LogCommand.self, RunsCommand.self, ExportCommand.self,
    ] + CLIRuntime.extraCommands)
  }

  public init() {}

  /// Parses the process's arguments and runs the command with the given stage kinds and
  /// the executable's own commands (those that need the libraries above the pipeline).
  public static func main(
    registry: StageRegistry, commands: [any ParsableCommand.Type] = [], technologies: TechnologyCatalog = TechnologyCatalog()
  ) {
    CLIRuntime.registry = registry
    CLIRuntime.extraCommands = commands
    CLIRuntime.technologies = technologies
    main()
  }
}
