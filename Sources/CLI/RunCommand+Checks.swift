import ArgumentParser
import Foundation
import Pipeline

extension RunCommand {
  /// A `--force` pattern that matches no stage is an error listing the labels (a typo would
  /// otherwise force nothing in silence).
  func checkForcePatterns(_ runOptions: RunOptions, _ specs: [Spec]) throws {
    guard !runOptions.force.isEmpty else { return }
    let labels = specs.flatMap { StageGraph(spec: $0, registry: CLIRuntime.registry).nodes.map(\.label) }
    let unmatched = runOptions.unmatchedForcePatterns(labels)
    guard !unmatched.isEmpty else { return }
    for pattern in unmatched { Terminal.error("error: --force '\(pattern)' matches no stage") }
    let shown = labels.prefix(12).map { "  \($0)" }.joined(separator: "\n")
    Terminal.error("the stages are (`sdfa dag SPEC` lists them all; * and ? match any text):\n\(shown)"
      + (labels.count > 12 ? "\n  … and \(labels.count - 12) more" : ""))
    throw ExitCode(2)
  }

  /// Records which file each spec name belongs to in this cache; two files with one name is
  /// an error naming both.
  func claimNames(_ specs: [Spec], runner: Runner) throws {
    for spec in specs {
      do {
        if case .tookOver(let previous) = try runner.index.claimSpecName(spec.name, file: spec.file, cache: runner.store.root) {
          Terminal.error("note: spec name '\(spec.name)' moves from \(previous) (gone or renamed) to \(spec.file)")
        }
      } catch {
        Terminal.error("error: \(IOErrorText.describe(error))")
        throw ExitCode(2)
      }
    }
  }
}
