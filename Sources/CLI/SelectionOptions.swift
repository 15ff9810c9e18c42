import ArgumentParser
import Foundation
import Pipeline

/// `--only`, `--until` and `--point`: the stages a command works on, with everything they
/// need (as `dvc repro STAGE` and Snakemake's `--until`).
struct SelectionOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Only stages whose label matches this glob ('train*', 'map *seed=2'), and what they need. Repeatable.", valueName: "pattern"))
  var only: [String] = []

  @Option(name: .long, help: ArgumentHelp("Stop after this stage kind: its stages and everything upstream (--until map). Repeatable.", valueName: "kind"))
  var until: [String] = []

  @Option(name: .long, help: ArgumentHelp("Only the sweep points whose id matches this glob ('method=sdfa/*'), and what they need. Repeatable.", valueName: "pattern"))
  var point: [String] = []

  var selection: StageSelection { StageSelection(only: only, until: until, points: point) }

  /// The spec's graph cut to the selection; a selection that names nothing is a usage error
  /// (exit 2) listing what exists.
  func graph(for spec: Spec) throws -> StageGraph {
    let graph = StageGraph(spec: spec, registry: CLIRuntime.registry)
    do {
      return try graph.selecting(selection)
    } catch let error as SelectionError {
      Terminal.error("error: \(error.description)")
      throw ExitCode(2)
    }
  }
}
