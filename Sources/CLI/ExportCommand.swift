import ArgumentParser
import Foundation
import Pipeline

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export the cache's runs to other tools.",
    subcommands: [ExportMLflowCommand.self])
}

struct ExportMLflowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlflow",
    abstract: "Write the runs as an MLflow file store: one experiment per spec, one run per sweep point and seed.",
    discussion: """
      Each run gets the params of its stages (by spec path), its metrics (per-epoch curves \
      with their epoch as step) and the tags sdfa.spec_digest, sdfa.stage_key (the \
      training's key) and sdfa.point_id. Exporting again replaces the specs' experiments.

      Examples:
        sdfa export mlflow mlruns
        MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri mlruns
      (MLflow 3 opens a file store only with MLFLOW_ALLOW_FILE_STORE=true.)
      """)

  @Argument(help: "The MLflow store directory (created if needed).", completion: .directory)
  var directory: String

  @Argument(help: "Only the runs of these specs (default: every spec that used the cache).",
            completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String] = []

  @OptionGroup var options: SpecOptions

  @Flag(name: .long, help: "Also export trainings no spec uses any more.")
  var all = false

  func run() throws {
    let names = try specs.isEmpty ? nil : Set(options.loadSpecs(specs).map(\.name))
    let entries = try RunsCommand.openCatalog(options, specs: specs).runs(specs: names, superseded: all)
    guard !entries.isEmpty else {
      Terminal.error("no runs in the cache at \(options.project(for: specs).cacheDisplay)\(names == nil ? "" : " for these specs"): nothing exported")
      throw ExitCode(1)
    }
    let outcome: MLflowExport.Outcome
    do { outcome = try MLflowExport(directory: URL(fileURLWithPath: directory)).write(entries) } catch {
      Terminal.error("cannot write the MLflow store at \(directory): \(error)")
      throw ExitCode(1)
    }
    for param in outcome.skippedParams { Terminal.error("warning: param \(param) is over MLflow's 6000 characters: left out") }
    Terminal.out("exported \(outcome.runs) run\(outcome.runs == 1 ? "" : "s") of \(outcome.experiments) spec\(outcome.experiments == 1 ? "" : "s") to \(directory)")
    Terminal.out("  view: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri \(directory)")
  }
}
