import Foundation
import Pipeline
import Stages
import Testing

/// Every leaf of the spec (every section's schema, `executor`, `name`, `description`,
/// `seeds`) is changed, one at a time, on a representative spec; the kinds whose key moves
/// must be exactly those that read the leaf, by a table written from reading each stage's
/// `run` (independent of the stages' declarations). A leaf that no stage reads
/// (`train.threads`, `hardware.accelerators`, `dataset.root`, `executor.*`) moves no key.
@Suite(.serialized) struct KeyLeavesTests {
  /// Which kinds read each leaf, for a real dataset, an MLP, Adam and `split_by: number`.
  static let readers: [String: Set<String>] = [
    "name": ["report"], "seeds": ["train", "report"],
    "dataset.kind": ["load", "report"], "dataset.seed": ["load"], "dataset.label_order": ["load"],
    "dataset.train_fraction": ["load"],
    // The report names a synthetic dataset after the one it is like (for real data no stage reads it).
    "dataset.like": [],
    "frames.T": ["bin"], "frames.split_by": ["bin"],
    "model.arch": ["train", "report"], "model.hidden": ["train"], "model.neuron.type": ["train", "report"],
    "model.classes": ["train"], "model.neuron.detach_reset": ["train"], "train.temporal": ["train"],
    "train.drop_last": ["train"], "train.validation": ["train"],
    // Keyed above 1 (the alternative value is 2): ranks change the last bits, not the science.
    "train.ranks": ["train"],
    "model.neuron.tau": ["train"], "model.neuron.v_threshold": ["train"], "model.neuron.alpha": ["train"],
    "train.method": ["train"], "train.epochs": ["train"], "train.batch_size": ["train"],
    "train.optimizer.type": ["train"], "train.optimizer.lr": ["train"], "train.optimizer.weight_decay": ["train"],
    "train.schedule": ["train"], "train.loss": ["train"],
    "hardware.crossbar": ["map", "energy"], "hardware.noise_sigma": ["map"], "hardware.noise_seed": ["map"],
    "report.formats": ["report"], "report.metric": ["report"], "report.pivot": ["report"],
  ]

  /// The same for a synthetic dataset: made from its size and seed, not from files.
  static let syntheticReaders: [String: Set<String>] = readers.merging([
    "dataset.like": ["load", "report"], "dataset.train": ["load"], "dataset.test": ["load"],
    "dataset.events_per_sample": ["load"], "dataset.label_order": [], "dataset.train_fraction": [],
  ]) { $1 }

  static func spec(dataset: String) -> String {
    """
    name: representative
    description: every section
    seeds: 1
    dataset: \(dataset)
    frames: {T: 5, split_by: number}
    model: {arch: mlp, hidden: [32], neuron: {type: lif, tau: 2.0, v_threshold: 1.0, alpha: 2.0}}
    train: {method: sdfa, epochs: 2, batch_size: 16, optimizer: {type: adam, lr: 0.001}, threads: 1}
    hardware: {technology: rram-32nm, noise_sigma: 0.5, noise_seed: 3}
    report: {formats: [md, csv], metric: best}
    executor: {kind: local}
    """
  }

  @Test(arguments: ["real", "synthetic"]) func aKeyMovesExactlyWithTheLeavesItsKindReads(_ data: String) throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("nmnist"), copy = dir.appendingPathComponent("copy/of/nmnist")
    try MiniNMNIST.write(at: root)
    try MiniNMNIST.write(at: copy)
    try FileManager.default.copyItem(at: dir.appendingPathComponent("hardware/rram-32nm.yml"),
                                     to: dir.appendingPathComponent("hardware/renamed.yml"))
    let dataset = data == "real"
      ? "{kind: nmnist, root: '\(root.path)'}"
      : "{kind: synthetic, like: nmnist, train: 40, test: 20, events_per_sample: 100, root: '\(root.path)'}"
    let path = try StagesTests.write(Self.spec(dataset: dataset), in: dir)
    // The report shows each point's keyed configuration (its HTML spec, its workload labels),
    // so it reads every leaf that a stage of the point reads.
    let perPoint: Set<String> = ["load", "bin", "train", "map", "energy"]
    let expected = (data == "real" ? Self.readers : Self.syntheticReaders)
      .mapValues { kinds in kinds.isDisjoint(with: perPoint) ? kinds : kinds.union(["report"]) }

    /// Each kind's key over placeholder input digests: what the node itself contributes.
    func keys(_ set: [String]) throws -> [String: String] {
      let graph = StageGraph(spec: try Spec.load(path, registry: Stages.registry, overrides: .init(assignments: set)),
                             registry: Stages.registry)
      return Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.kind, $0.key(inputs: $0.inputs.mapValues { _ in "input" }).hex) })
    }
    let base = try keys([])
    #expect(Set(base.keys) == ["load", "bin", "train", "map", "energy", "report"])
    let spec = try Spec.load(path, registry: Stages.registry)
    let leaves = Self.leaves()
    #expect(Set(expected.keys).isSubset(of: Set(leaves.map(\.path))), "the table names a leaf the schema lacks")
    var changed = 0
    for (leaf, schema) in leaves {
      guard let value = Self.alternative(leaf, schema, current: spec.base[path: leaf], root: copy.path) else { continue }
      let moved = Set(try keys(["\(leaf)=\(value)"]).filter { base[$0.key] != $0.value }.map(\.key))
      #expect(moved == expected[leaf] ?? [], "\(data): --set \(leaf)=\(value) moved \(moved.sorted())")
      changed += 1
    }
    #expect(changed >= 45)
  }

  /// Every leaf path of the spec with its schema.
  static func leaves() -> [(path: String, schema: Schema)] {
    var result: [(String, Schema)] = [("name", .string), ("description", .string), ("seeds", .positiveInteger)]
    func walk(_ schema: Schema, _ path: String) {
      if case .object(let fields) = schema {
        for field in fields { walk(field.schema, path.isEmpty ? field.name : "\(path).\(field.name)") }
      } else {
        result.append((path, schema))
      }
    }
    for section in Stages.registry.sections { walk(section.schema, section.name) }
    walk(ExecutorSettings.schema(kinds: Stages.registry.stages.map(\.kind)), "executor")
    return result
  }

  /// Another valid value for a leaf, as `--set` YAML; nil where the schema allows one value.
  static func alternative(_ path: String, _ schema: Schema, current: SpecValue?, root: String) -> String? {
    switch path {
    case "dataset.root": return "'\(root)'"  // a copy of the same files
    case "hardware.technology":  // a copy of the same technology file (`--set` paths follow the current folder)
      return "'\(URL(fileURLWithPath: root).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hardware/renamed.yml").path)'"
    case "seeds": return "[1]"
    case "model.classes": return "12"  // more outputs than the data's 10 classes
    case "dataset.split_seed": return nil  // Braille's only; an error for this spec's N-MNIST
    default: break
    }
    switch schema {
    case .integer(let lo, let hi):
      let v = current?.intValue ?? lo ?? 0
      return String(hi.map { v + 1 > $0 ? v - 1 : v + 1 } ?? v + 1)
    case .number(let lo, let hi, _):
      let v = current?.doubleValue ?? max(lo ?? 0, 0)
      var next = v == 0 ? 0.5 : v * 2
      if let hi, next > hi { next = v == 0 ? hi / 2 : v / 2 }
      return SpecValue.formatNumber(next)
    case .choice(let names):
      return names.first { $0 != current?.stringValue }
    case .boolean:
      return current?.boolValue == true ? "false" : "true"
    case .string:
      return "'\(current?.stringValue ?? "x")-changed'"
    case .list(let item, _):
      let items = current?.listValue ?? []
      switch item {
      case .integer: return "[\((items.first?.intValue ?? 1) + 1)]"
      case .choice(let names):
        let kept = items.compactMap(\.stringValue)
        let next = kept.count > 1 ? Array(kept.dropLast()) : kept + [names.first { !kept.contains($0) }!]
        return "[\(next.joined(separator: ", "))]"
      default: return "['--changed']"
      }
    case .object, .oneOf: return nil
    }
  }
}
