import ArgumentParser
import Foundation
import Pipeline

extension ValidateCommand {
  /// `--checkpoint`: runs the chosen point's stages upstream of its model stage through the
  /// cache, then has that stage kind evaluate the file on the test split.
  func evaluate(_ checkpoint: String, spec: Spec) throws {
    let graph = StageGraph(spec: spec, registry: CLIRuntime.registry)
    let chosen = try choosePoint(graph)
    let evaluators = CLIRuntime.registry.stages.compactMap { $0 as? any CheckpointEvaluating }
    guard let (stage, node) = evaluators.lazy.compactMap({ s in chosen.nodes[s.kind].map { (s, $0) } }).first else {
      let kinds = evaluators.map { "'\($0.kind)'" }.joined(separator: ", ")
      Terminal.error("error: \(spec.file): point \(chosen.point.id) has no stage a checkpoint can stand in for (\(kinds.isEmpty ? "none in this build" : kinds))")
      Terminal.error("  fix: add the model and train sections the checkpoint was trained with")
      throw ExitCode(2)
    }
    let file = URL(fileURLWithPath: checkpoint)
    guard FileManager.default.isReadableFile(atPath: file.path) else {
      Terminal.error("error: cannot read the checkpoint \(checkpoint)")
      throw ExitCode(1)
    }

    let runner = try options.runner(for: [spec.file])
    Interrupts.shared.install()
    let (upstream, renumbered) = graph.upstream(of: node)
    let display = ProgressDisplay(total: upstream.nodes.count, spec: spec.name, quiet: json, dryRun: false)
    let summary = runner.run(upstream, events: display.handle, isCancelled: { Interrupts.shared.requested })
    display.close()
    if summary.interrupted { throw ExitCode(130) }
    guard summary.succeeded else {
      for failure in summary.failures { Terminal.error("failed  \(failure.label): \(failure.message)") }
      Terminal.error("error: the stages before '\(graph.nodes[node].label)' failed, so there are no test frames to evaluate on")
      throw ExitCode(1)
    }
    let inputs = graph.nodes[node].inputs.compactMapValues { producer in
      renumbered[producer].flatMap { summary.outcomes[$0].digest }.map { runner.store.artifactURL($0) }
    }

    let evaluation: CheckpointEvaluation
    do {
      evaluation = try stage.evaluateCheckpoint(file, params: graph.nodes[node].params, inputs: inputs,
                                                threads: stage.threads(for: graph.nodes[node].params))
    } catch {
      Terminal.error("error: \(error)")
      throw ExitCode(1)
    }
    if json {
      Terminal.out(Self.json(evaluation, checkpoint: checkpoint, spec: spec, point: chosen.point.id).canonicalJSON)
    } else {
      Terminal.out("\(checkpoint): \(evaluation.format), evaluated as \(spec.name) \(chosen.point.id) (\(evaluation.model))")
      for (key, value) in evaluation.details { Terminal.out("  \(key): \(value)") }
      Terminal.out(String(format: "  test accuracy %.4f, loss %.5f (%d samples)", evaluation.accuracy, evaluation.loss, evaluation.samples))
      Terminal.out("  spike rates: " + evaluation.spikeRates.map { String(format: "%@ %.4f", $0.layer, $0.rate) }.joined(separator: ", "))
    }
  }

  /// The point `--point` names, else the first; an unknown id lists the valid ones.
  private func choosePoint(_ graph: StageGraph) throws -> (point: SweepPoint, nodes: [String: Int]) {
    guard let point else {
      guard let first = graph.pointNodes.first else {
        Terminal.error("error: \(graph.spec.file) has no sweep points")
        throw ExitCode(2)
      }
      if graph.pointNodes.count > 1 && !json {
        Terminal.error("note: evaluating as point \(first.point.id), the first of \(graph.pointNodes.count); choose another with --point")
      }
      return first
    }
    guard let chosen = graph.pointNodes.first(where: { $0.point.id == point }) else {
      let ids = graph.pointNodes.map(\.point.id)
      Terminal.error("error: \(graph.spec.file) has no point '\(point)'")
      Terminal.error("  valid points: " + ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? ", … (\(ids.count) in all)" : ""))
      throw ExitCode(2)
    }
    return chosen
  }

  static func json(_ e: CheckpointEvaluation, checkpoint: String, spec: Spec, point: String) -> SpecValue {
    .object([
      "checkpoint": .string(checkpoint), "format": .string(e.format), "spec": .string(spec.name), "point": .string(point),
      "model": .string(e.model), "samples": .number(Double(e.samples)), "test_accuracy": .number(e.accuracy),
      "test_loss": .number(e.loss),
      "spike_rates": .list(e.spikeRates.map { .object(["layer": .string($0.layer), "rate": .number($0.rate)]) }),
      "details": .object(Dictionary(e.details.map { ($0.key, SpecValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })),
    ])
  }
}
