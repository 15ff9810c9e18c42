import Foundation
import Testing
@testable import Pipeline

/// Loads `Specs/good/<name>` with the test registry.
private func loadGood(
  _ name: String, overrides: Spec.Overrides = Spec.Overrides(),
  environment: [String: String] = SpecTestRegistry.environment()
) throws -> Spec {
  try Spec.load(SpecTestRegistry.specsDirectory("good").appendingPathComponent(name).path,
                registry: SpecTestRegistry.registry, overrides: overrides, environment: environment)
}

private func point(_ spec: Spec, _ id: String) throws -> SweepPoint {
  try #require(spec.points.first { $0.id == id }, "no point \(id) in \(spec.points.map(\.id))")
}

/// The first error `body` throws, which must be `SpecErrors`.
private func firstSpecError(_ body: () throws -> Spec) -> SpecError? {
  do {
    _ = try body()
    Issue.record("loaded without an error")
  } catch let errors as SpecErrors {
    return errors.errors.first
  } catch {
    Issue.record("expected SpecErrors, got \(error)")
  }
  return nil
}

@Suite struct SpecAnchorsAndIncludes {
  @Test func anchorsAliasesAndMergeKeysWithOverrides() throws {
    let spec = try loadGood("anchors.yml")
    #expect(spec.base[path: "model.hidden"] == .list([512, 256]))
    #expect(spec.axes.map(\.path) == ["model.neuron", "train.optimizer"])
    #expect(spec.axes[0].values.map(\.label) == ["base", "slow", "slow_first", "if"])

    let base = try point(spec, "neuron=base/optimizer=adam/seed=0").config
    #expect(base[path: "model.neuron"] == .object(["type": "lif", "tau": 2, "v_threshold": 1, "surrogate": "atan", "alpha": 2]))
    // The mapping's own keys win over merged ones, whether written before or after `<<`.
    for id in ["neuron=slow/optimizer=adam/seed=0", "neuron=slow_first/optimizer=adam/seed=0"] {
      let neuron = try point(spec, id).config[path: "model.neuron"]
      #expect(neuron == .object(["type": "lif", "tau": 8, "v_threshold": 1, "surrogate": "atan", "alpha": 2]), "\(id)")
    }
    // With a list of merge sources, the first one that has a key wins.
    let neuronIF = try point(spec, "neuron=if/optimizer=adam/seed=0").config[path: "model.neuron"]
    #expect(neuronIF == .object(["type": "if", "tau": 2, "v_threshold": 1, "surrogate": "atan", "alpha": 4]))
    let sgd = try point(spec, "neuron=base/optimizer=sgd/seed=0").config[path: "train.optimizer"]
    #expect(sgd == .object(["type": "sgd", "lr": 0.1, "weight_decay": 0]))
  }

  @Test func includedBlocksAreMergedAndTheIncludingFileWins() throws {
    let spec = try loadGood("include-main.yml")
    #expect(spec.name == "include-main")
    #expect(spec.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["include-main.yml", "common.yml", "short.yml"])
    #expect(spec.seeds == [0, 1, 2])
    let b = spec.base
    #expect(b[path: "model.arch"] == "mlp")
    #expect(b[path: "model.hidden"] == .list([128]))          // the including file wins
    #expect(b[path: "model.neuron.tau"] == 2)
    #expect(b[path: "frames.T"] == 5)                         // a later include wins over an earlier one
    #expect(b[path: "frames.split_by"] == "time")
    #expect(b[path: "train.epochs"] == 3)
    #expect(b[path: "train.batch_size"] == 64)
    // Mappings merge key by key, at any depth.
    #expect(b[path: "train.optimizer"] == .object(["type": "sgd", "lr": 0.1, "weight_decay": 0.0001]))
  }

  @Test func environmentVariablesAndDefaultsAreInterpolated() throws {
    let spec = try loadGood("env.yml")
    #expect(spec.name == "env")
    // `$$` is a literal `$` (tested on a plain value: a spec name may not contain `$`).
    let literal = try SpecLoader(environment: ["HOME": "/home/x"]).parse("text: env-$${HOME}", file: "t.yml")
    #expect(literal.untypedValue[path: "text"] == .string("env-${HOME}"))
    #expect(spec.base[path: "dataset.root"] == "/datasets/nmnist")
    #expect(spec.base[path: "frames.T"] == 10)                 // a plain default is still a number
    #expect(spec.base[path: "frames.split_by"] == "time")
    #expect(spec.base[path: "train.epochs"] == 7)
    #expect(spec.base[path: "train.optimizer.lr"] == 0.01)

    var environment = SpecTestRegistry.environment()
    environment["SDFA_DATA"] = nil
    environment["UNSET_T"] = "20"
    let fallback = try loadGood("env.yml", environment: environment)
    #expect(fallback.base[path: "dataset.root"] == "data/nmnist")
    #expect(fallback.base[path: "frames.T"] == 20)
  }
}

@Suite struct SpecSweepsAndOverrides {
  @Test func sweepExpandsInDeclarationOrderWithReadableIds() throws {
    let spec = try loadGood("sweep.yml")
    var expected: [String] = []
    for hidden in ["1000", "1000x1000"] {
      for method in ["bp", "sdfa"] {
        for seed in 0..<3 { expected.append("hidden=\(hidden)/method=\(method)/seed=\(seed)") }
      }
    }
    #expect(spec.points.map(\.id) == expected)
    let last = try point(spec, "hidden=1000x1000/method=sdfa/seed=2").config
    #expect(last[path: "model.hidden"] == .list([1000, 1000]))
    #expect(last[path: "train.method"] == "sdfa")
    #expect(last[path: "seed"] == 2)

    // load and bin are shared by every point; train is per point and seed.
    let graph = StageGraph(spec: spec, registry: SpecTestRegistry.registry)
    let counts = Dictionary(grouping: graph.nodes, by: \.kind).mapValues(\.count)
    #expect(counts == ["load": 1, "bin": 1, "train": 12])
    #expect(graph.nodes.contains { $0.label == "train hidden=1000x1000/method=sdfa/seed=2" })
  }

  @Test func setOverridesReplaceValuesAndSweptAxes() throws {
    let set = try loadGood("sweep.yml", overrides: .init(assignments: ["train.epochs=9", "model.neuron={type: if, tau: 4}"]))
    #expect(set.base[path: "train.epochs"] == 9)
    #expect(set.base[path: "model.neuron"] == .object(["type": "if", "tau": 4, "v_threshold": 1, "surrogate": "atan", "alpha": 2]))

    let method = try loadGood("sweep.yml", overrides: .init(assignments: ["train.method=shallow"]))
    #expect(method.axes.map(\.path) == ["model.hidden"])
    #expect(method.points.map(\.id).prefix(4) == ["hidden=1000/seed=0", "hidden=1000/seed=1", "hidden=1000/seed=2", "hidden=1000x1000/seed=0"])
    #expect(method.points.allSatisfy { $0.config[path: "train.method"] == "shallow" })

    let hidden = try loadGood("sweep.yml", overrides: .init(assignments: ["model.hidden=[64, 64]"]))
    #expect(hidden.axes.map(\.path) == ["train.method"])
    #expect(hidden.points.first?.id == "method=bp/seed=0")
    #expect(hidden.points.allSatisfy { $0.config[path: "model.hidden"] == .list([64, 64]) })
  }

  @Test func seedsOverrideAndRaisingSeedsKeepsTheFirstKeys() throws {
    let five = try loadGood("sweep.yml", overrides: .init(seedCount: 5))
    #expect(five.seeds == [0, 1, 2, 3, 4])
    #expect(five.points.count == 20)
    let ten = try loadGood("sweep.yml", overrides: .init(seedCount: 10))
    let fiveKeys = Set(StageGraph(spec: five, registry: SpecTestRegistry.registry).nodes.map(\.identity))
    let tenKeys = Set(StageGraph(spec: ten, registry: SpecTestRegistry.registry).nodes.map(\.identity))
    #expect(fiveKeys.isSubset(of: tenKeys))
    #expect(tenKeys.count - fiveKeys.count == 4 * 5)
  }

  /// Point ids become paths under `results/<spec>/`: a value's '/' must not add components.
  @Test func pointIdsHaveOneComponentPerAxis() throws {
    let spec = try loadGood("sweep-paths.yml")
    #expect(spec.points.map { $0.config[path: "dataset.root"] } == ["data/a", "data/b"])
    #expect(spec.points.allSatisfy { $0.id.split(separator: "/").count == 2 }, "\(spec.points.map(\.id))")
  }

  @Test func aSeedCountBelowOneIsRejected() throws {
    #expect(throws: SpecErrors.self) { try loadGood("sweep.yml", overrides: .init(seedCount: 0)) }
  }

  @Test func badOverridesNameTheCommandLine() throws {
    let range = firstSpecError { try loadGood("sweep.yml", overrides: .init(assignments: ["train.epochs=0"])) }
    #expect(range?.location.file == "--set train.epochs")
    #expect(range?.message.contains("'train.epochs' must be ≥ 1, found '0'") == true, "\(String(describing: range))")

    let typo = firstSpecError { try loadGood("sweep.yml", overrides: .init(assignments: ["train.epoch=3"])) }
    #expect(typo?.location.file == "--set train.epoch")
    #expect(typo?.message.contains("did you mean 'epochs'?") == true, "\(String(describing: typo))")

    let shape = firstSpecError { try loadGood("sweep.yml", overrides: .init(assignments: ["train.epochs"])) }
    #expect(shape?.message.contains("path=value") == true, "\(String(describing: shape))")
    #expect(shape?.hint?.contains("--set train.epochs=3") == true)
  }
}

@Suite struct SpecCanonicalValues {
  @Test func equalNumbersInAnyFormAndKeyOrderGiveEqualJSONAndKeys() throws {
    #expect(SpecValue.number(1e-2).canonicalJSON == SpecValue.number(0.01).canonicalJSON)
    let a = try loadGood("numbers-a.yml"), b = try loadGood("numbers-b.yml")
    #expect(a.base[path: "train.optimizer.lr"]?.canonicalJSON == "0.01")
    #expect(a.base.canonicalJSON == b.base.canonicalJSON)
    let keysA = stageKeys(a), keysB = stageKeys(b)
    #expect(keysA.count == 3)
    #expect(keysA == keysB)

    // A changed read param changes exactly the keys of the stages that read it.
    let changed = stageKeys(try loadGood("numbers-a.yml", overrides: .init(assignments: ["train.optimizer.lr=0.02"])))
    #expect(changed["load"] == keysA["load"] && changed["bin"] == keysA["bin"])
    #expect(changed["train"] != keysA["train"])
  }

  @Test func defaultsAreFilledIn() throws {
    let b = try loadGood("numbers-a.yml").base
    #expect(b[path: "dataset.root"] == "data")
    #expect(b[path: "model.neuron"] == .object(["type": "lif", "tau": 2, "v_threshold": 1, "surrogate": "atan", "alpha": 2]))
    #expect(b[path: "train.batch_size"] == 128)
    #expect(b[path: "train.schedule"] == "constant")
    #expect(b[path: "train.loss"] == "mse")
    #expect(b[path: "train.optimizer"] == .object(["type": "adam", "lr": 0.01, "weight_decay": 0]))

    let implicit = try loadGood("implicit-defaults.yml")
    #expect(implicit.name == "implicit-defaults")              // from the file name
    #expect(implicit.seeds == [0])
    #expect(implicit.base[path: "model.hidden"] == .list([1000]))
    #expect(implicit.base[path: "train.epochs"] == 50)
  }

  /// Writing out an omitted block's defaults must not change the params (nor any key).
  @Test func omittedBlocksGetTheirDefaultsLikeWrittenOnes() throws {
    let implicit = try loadGood("implicit-defaults.yml"), explicit = try loadGood("explicit-defaults.yml")
    #expect(implicit.base.canonicalJSON == explicit.base.canonicalJSON)
    #expect(stageKeys(implicit) == stageKeys(explicit))
  }
}

/// The key of each per-point node of a one-point spec by kind, inputs chained by their keys.
private func stageKeys(_ spec: Spec) -> [String: String] {
  let graph = StageGraph(spec: spec, registry: SpecTestRegistry.registry)
  var keys: [Int: StageKey] = [:]
  for node in graph.nodes {
    keys[node.index] = StageKey(kind: node.kind, version: node.version, params: node.params,
                                inputDigests: node.inputs.mapValues { keys[$0]!.hex })
  }
  return Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.kind, keys[$0.index]!.hex) })
}

@Suite struct SweepLabelTests {
  @Test func aSweepLabelNamesTheAxisInPointIdsAndTheReportsAxisPaths() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-labels-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("spec.yml")
    try """
      name: labelled
      dataset: {kind: synthetic, like: nmnist, train: 200, test: 50}
      frames: {T: 10, split_by: number}
      model: {arch: mlp, hidden: [256], neuron: {type: lif, tau: 2.0}}
      train: {method: sdfa, epochs: 5}
      sweep: {model.neuron.tau: [2.0, 4.0], train.method: [bp, sdfa]}
      sweep_labels: {model.neuron.tau: tau_m}
      """.write(to: file, atomically: true, encoding: .utf8)
    let spec = try Spec.load(file.path, registry: SpecTestRegistry.registry, environment: SpecTestRegistry.environment())
    #expect(spec.axes.map(\.label) == ["tau_m", "method"])
    #expect(spec.points.first?.id == "tau_m=2/method=bp/seed=0")
    #expect(spec.base[path: "sweep_labels"] == nil, "the labels enter no stage's params")
  }
}
