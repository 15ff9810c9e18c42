import Foundation
import Pipeline
import Stages
import Testing

/// The stage graph of a sweep shares what its points have in common (params encoded once per
/// sweep point, not once per node), and that must not move a single key: cached artifacts are
/// found by these keys. Two checks: the identities of a small sweep equal the values the
/// straightforward graph computed before the sharing (pinned), and every node's params and
/// identity equal what the plain definitions give — ``StageGraph/params(of:in:)`` on the
/// point's configuration and ``StageKey`` over the canonical JSON of the whole key material.
@Suite struct SweepKeyFixtureTests {
  /// Two axes × 3 seeds, no hardware section (no technology file, whose content is keyed).
  static let pinnedSpec = """
    name: pinned
    seeds: 3
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 20, events_per_sample: 100}
    frames: {T: 5, split_by: number}
    model: {arch: mlp, hidden: [32], neuron: {type: lif, tau: 2.0}}
    train: {method: sdfa, epochs: 2, batch_size: 16, optimizer: {type: adam, lr: 0.001}, threads: 1}
    report: {formats: [md, csv]}
    sweep: {train.optimizer.lr: [0.001, 0.002], frames.T: [5, 8]}
    """

  static func graph(_ text: String) throws -> StageGraph {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = try Spec.load(try StagesTests.write(text, in: dir), registry: Stages.registry)
    return StageGraph(spec: spec, registry: Stages.registry)
  }

  @Test func aSweepsIdentitiesAreTheOnesComputedBeforeSharing() throws {
    let graph = try Self.graph(Self.pinnedSpec)
    #expect(graph.nodes.count == 1 + 2 + 12 + 1)
    let train = try #require(graph.node(labelled: "train lr=0.002/T=8/seed=1"))
    let report = try #require(graph.nodes.last)
    // Values printed by this test on the graph of `main` at b63e37f (before this change).
    #expect(train.identity == "73b7b7f3cc59f1e0e9f7ece3516deb959edae4bdd3aaa6a70a3126e239927d1f")
    #expect(report.identity == "006460332db1c9ec587ee12c33797a6a4443124d15ce1c9a0ae64dadd59dce77")
    #expect(Digest.sha256(graph.nodes.map { "\($0.label) \($0.identity)" }.joined(separator: "\n")) == "c2fd34122f570aa50d349dda85f470776ddf5978257d84b2fa8812ff882b607a")
  }

  @Test(arguments: [
    pinnedSpec,
    """
    name: hardware
    seeds: [4, 1]
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 20, events_per_sample: 100}
    frames: {T: 5, split_by: number}
    model: {arch: mlp, hidden: [32], neuron: {type: lif, tau: 2.0}}
    train: {method: sdfa, epochs: 2, batch_size: 16, optimizer: {type: sgd, lr: 0.01, momentum: 0.5}}
    hardware: {technology: rram-32nm, noise_sigma: 0.5}
    sweep: {train.method: [bp, sdfa], hardware.crossbar: [64, 128], model.hidden: {small: [8], big: [16, 16]}}
    """,
  ])
  func everyNodeHasThePlainParamsAndKey(_ text: String) throws {
    let graph = try Self.graph(text)
    let registry = Stages.registry
    // What `sdfa validate` reports: the same nodes, counted without making them.
    #expect(StageGraph.nodeCount(spec: graph.spec, registry: registry) == graph.nodes.count)
    if graph.spec.name == "hardware" {
      // load, bin; train per method × hidden × seed (shared by both crossbars); map and
      // energy per point; the report.
      #expect(graph.nodes.count == 1 + 1 + 2 * 2 * 2 + 16 + 16 + 1)
    }
    var keyedByPoint: [SpecValue] = []
    for (point, kinds) in graph.pointNodes {
      var keyed = SpecValue.object([:])
      for (kind, index) in kinds {
        let node = graph.nodes[index]
        let stage = try #require(registry.stage(kind))
        #expect(node.params == StageGraph.params(of: stage, in: point.config), "\(point.id) \(kind)")
        #expect(node.settings == StageGraph.settings(of: stage, in: point.config), "\(point.id) \(kind)")
        keyed = keyed.merging(node.params)
      }
      keyedByPoint.append(.object([
        "id": .string(point.id), "config": keyed,
        "coordinates": .list(point.assignments.map { .list([.string($0.axis), .string($0.value)]) }),
      ]))
    }
    // The report's params: every point's id, coordinates and keyed configuration.
    let report = try #require(graph.nodes.last)
    #expect(report.kind == "report")
    #expect(report.params[path: "points"] == .list(keyedByPoint))
    for node in graph.nodes {
      let plain = StageKey(kind: node.kind, version: node.version, params: node.params,
                           inputDigests: node.inputs.mapValues { graph.nodes[$0].identity })
      #expect(node.identity == Digest.sha256(plain.material), "\(node.label)")
    }
  }
}
