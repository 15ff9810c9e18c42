import Foundation
import Pipeline
import SNN
import Testing

@testable import Stages

/// `train.ranks` in the spec: keyed above 1 only, its threads counted, bad values refused
/// where they are written.
@Suite struct TrainRanksTests {
  static let spec = """
    name: ranks
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 20}
    frames: {T: 4, split_by: number}
    model: {arch: mlp, hidden: [32]}
    train: {method: sdfa, epochs: 1, batch_size: 16, threads: 2}
    """

  func trainNode(_ set: [String]) throws -> (key: String, node: StageGraph.Node) {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try StagesTests.write(Self.spec, in: dir)
    let graph = StageGraph(
      spec: try Spec.load(path, registry: Stages.registry, overrides: .init(assignments: set)), registry: Stages.registry)
    let node = try #require(graph.nodes.first { $0.kind == "train" })
    return (node.key(inputs: node.inputs.mapValues { _ in "input" }).hex, node)
  }

  @Test func oneRankSharesTheKeyOfNoneAndTwoMoveIt() throws {
    let omitted = try trainNode([]), one = try trainNode(["train.ranks=1"]), two = try trainNode(["train.ranks=2"])
    #expect(one.key == omitted.key)
    #expect(two.key != omitted.key)
    let stage = TrainStage()
    #expect(stage.threads(for: omitted.node.runParams) == 2 && stage.ranks(for: omitted.node.runParams) == 1)
    #expect(stage.threads(for: two.node.runParams) == 4 && stage.ranks(for: two.node.runParams) == 2)
  }

  @Test(arguments: [("0", "train.ranks"), ("-1", "train.ranks"), ("17", "more than train.batch_size: 16")])
  func aBadRankCountIsAnErrorAtItsPlace(_ value: String, _ message: String) throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = Self.spec.replacingOccurrences(of: "threads: 2}", with: "threads: 2, ranks: \(value)}")
    let path = try StagesTests.write(text, in: dir)
    do {
      _ = try Spec.load(path, registry: Stages.registry)
      Issue.record("ranks: \(value) was accepted")
    } catch {
      let shown = "\(error)"
      #expect(shown.contains("spec.yml:6:"), "\(shown)")
      #expect(shown.contains(message), "\(shown)")
    }
  }

  @Test func everyRankNeedsASampleOfEveryBatch() {
    var config = TrainConfig(method: .sdfa)
    config.batchSize = 16
    #expect(config.rankProblem(ranks: 2, samples: 40) == nil)  // batches of 16, 16, 8
    #expect(config.rankProblem(ranks: 1, samples: 33) == nil)
    #expect(config.rankProblem(ranks: 2, samples: 33)?.contains("the last batch of each epoch has 1 sample (33 training samples in batches of 16)") == true)
    #expect(config.rankProblem(ranks: 17, samples: 64)?.contains("more than train.batch_size: 16") == true)
    config.dropLast = true
    #expect(config.rankProblem(ranks: 2, samples: 33) == nil)  // the partial batch sits out
  }
}
