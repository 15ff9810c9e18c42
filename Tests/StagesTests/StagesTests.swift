import Foundation
import Synchronization
import Pipeline
import Stages
import Testing

/// The real stage kinds end to end on small synthetic data.
@Suite(.serialized) struct StagesTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A scratch folder with the technology presets beside the spec.
  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-stages-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url.appendingPathComponent("hardware"), withIntermediateDirectories: true)
    let presets = packageRoot.appendingPathComponent("experiments/hardware")
    for name in try FileManager.default.contentsOfDirectory(atPath: presets.path) {
      try FileManager.default.copyItem(at: presets.appendingPathComponent(name), to: url.appendingPathComponent("hardware/\(name)"))
    }
    return url
  }

  static let smallSpec = """
    name: small
    seeds: 2
    dataset: {kind: synthetic, like: nmnist, train: 400, test: 100}
    frames: {T: 5}
    model: {arch: mlp, hidden: [64]}
    train: {method: sdfa, epochs: 3, batch_size: 50, optimizer: {lr: 0.01}}
    hardware: {technology: rram-32nm}
    sweep: {train.method: [bp, sdfa]}
    """

  static func write(_ text: String, in directory: URL, as name: String = "spec.yml") throws -> String {
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func run(_ path: String, cache: URL, set: [String] = []) throws -> RunSummary {
    let spec = try Spec.load(path, registry: Stages.registry, overrides: .init(assignments: set))
    let runner = try Runner(cache: cache, registry: Stages.registry)
    return runner.run(StageGraph(spec: spec, registry: Stages.registry), options: RunOptions(jobs: 2))
  }

  static func artifact(_ summary: RunSummary, _ label: String, cache: URL) -> URL? {
    guard let i = summary.labels.firstIndex(of: label), let digest = summary.outcomes[i].digest else { return nil }
    return cache.appendingPathComponent("artifacts/\(digest.prefix(2))/\(digest)")
  }

  @Test func aSmallSweepRunsEveryStageAndReusesItAll() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write(Self.smallSpec, in: dir)
    let cache = dir.appendingPathComponent(".sdfa")
    let first = try Self.run(path, cache: cache)
    #expect(first.succeeded, "\(first.failures)")
    // One load and one bin shared by 2 methods × 2 seeds of train, map, energy; one report.
    #expect(first.ranCount == 1 + 1 + 4 * 3 + 1)
    let train = try #require(Self.artifact(first, "train method=sdfa/seed=1", cache: cache))
    for file in ["checkpoint.safetensors", "metrics.json", "model.json", "trace.json", "summary.json"] {
      #expect(FileManager.default.fileExists(atPath: train.appendingPathComponent(file).path), "\(file)")
    }
    // The checkpoint's safetensors header carries the params that made it and its metrics.
    let checkpoint = try Data(contentsOf: train.appendingPathComponent("checkpoint.safetensors"))
    let headerLength = checkpoint.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header = try JSONSerialization.jsonObject(with: checkpoint.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
    let metadata = try #require(header["__metadata__"] as? [String: String])
    #expect(metadata["spec"]?.contains("\"method\":\"sdfa\"") == true, "\(metadata)")
    let recorded = try JSONSerialization.jsonObject(with: Data(try #require(metadata["metrics"]).utf8)) as! [[String: Any]]
    #expect(recorded.count == 3 && recorded[2]["testAccuracy"] != nil)
    let summary = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: train.appendingPathComponent("summary.json")))
    // Ten classes: chance is 10 %; the synthetic glyphs are learnable in three epochs.
    #expect(summary["final_test_accuracy"]! > 0.4)
    let energy = try #require(Self.artifact(first, "energy method=bp/seed=0", cache: cache))
    let ratios = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: energy.appendingPathComponent("summary.json")))
    #expect(ratios["time_ratio"]! >= 1 && ratios["energy_ratio"]! > 0)
    let report = try #require(Self.artifact(first, "report", cache: cache))
    let markdown = try String(contentsOf: report.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("| method=sdfa/seed=1 |"))
    let accuracy = try String(contentsOf: report.appendingPathComponent("tables/accuracy.md"), encoding: .utf8)
    #expect(accuracy.contains("N-MNIST (synthetic)") && accuracy.contains("Data: synthetic"))
    #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("report.html").path))
    // The time breakdown splits each epoch by pipeline phase, the parts adding up to the total.
    let records = try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("records.json"))) as! [[String: Any]]
    for accelerator in records[0]["hardware"] as! [[String: Any]] {
      let phases = accelerator["timeByComponent"] as! [String: Double]
      let total = accelerator["totalTime"] as! Double
      #expect(phases["pipelined compute"] != nil && abs(phases.values.reduce(0, +) - total) < 1e-9 * total, "\(phases)")
    }
    let timeFigure = try String(contentsOf: report.appendingPathComponent("figures/breakdown-time-component.svg"), encoding: .utf8)
    #expect(timeFigure.contains("Time by phase") && !timeFigure.contains(">other<"))

    let second = try Self.run(path, cache: cache)
    #expect(second.ranCount == 0 && second.cachedCount == first.labels.count)
    // A hardware-only change reruns map, energy and the report, never training.
    let third = try Self.run(path, cache: cache, set: ["hardware.noise_sigma=0.5"])
    #expect(Set(third.labels.indices.filter { if case .ran = third.outcomes[$0] { true } else { false } }.map { third.kinds[$0] })
            == ["map", "energy", "report"])
  }

  @Test func trainingIsBitIdenticalAcrossCaches() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write(Self.smallSpec.replacingOccurrences(of: "seeds: 2", with: "seeds: 1"), in: dir)
    let a = try Self.run(path, cache: dir.appendingPathComponent("a"), set: ["hardware.crossbar=64"])
    let b = try Self.run(path, cache: dir.appendingPathComponent("b"), set: ["hardware.crossbar=64"])
    #expect(a.succeeded && b.succeeded)
    #expect(a.outcomes.map(\.digest) == b.outcomes.map(\.digest))
  }

  @Test func anInterruptedTrainingResumesFromItsLastEpochWithTheSameResult() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = """
      name: resume
      dataset: {kind: synthetic, like: nmnist, train: 300, test: 100}
      frames: {T: 4}
      model: {arch: mlp, hidden: [32]}
      train: {method: sdfa, epochs: 5, batch_size: 50, optimizer: {lr: 0.01}}
      """
    let path = try Self.write(spec, in: dir)
    let graph = StageGraph(spec: try Spec.load(path, registry: Stages.registry), registry: Stages.registry)
    let cache = dir.appendingPathComponent("a")
    // Interrupt (as Ctrl-C does) once the fourth epoch starts: three epochs are saved.
    let stop = Mutex(false)
    let first = try Runner(cache: cache, registry: Stages.registry).run(
      graph,
      events: { event in
        if case .progress(let p) = event, p.message.hasPrefix("epoch 4/5") { stop.withLock { $0 = true } }
      },
      isCancelled: { stop.withLock { $0 } })
    #expect(first.interrupted && !first.succeeded)
    let trainIndex = try #require(first.kinds.firstIndex(of: "train"))
    let key = try #require(first.keys[trainIndex])
    let resume = cache.appendingPathComponent("resume/\(key)")
    #expect(FileManager.default.fileExists(atPath: resume.appendingPathComponent("epoch-3/model.safetensors").path))

    let second = try Runner(cache: cache, registry: Stages.registry).run(graph)
    #expect(second.succeeded)
    let log = try String(contentsOf: cache.appendingPathComponent("logs/\(key).log"), encoding: .utf8)
    #expect(log.contains("resuming after epoch 3 of 5"), "\(log)")
    #expect(!log.contains("epoch 3: "), "epochs 1-3 must not run again")
    #expect(!FileManager.default.fileExists(atPath: resume.path), "the saved progress goes once the artifact is in")

    let whole = try Self.run(path, cache: dir.appendingPathComponent("b"))
    #expect(second.outcomes.map(\.digest) == whole.outcomes.map(\.digest))
  }

  @Test func aMissingDatasetSaysWhereToGetItAndHowToRunSynthetic() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write("""
      name: real
      dataset: {kind: nmnist, root: \(dir.path)/no-such-folder}
      frames: {T: 10}
      """, in: dir)
    let summary = try Self.run(path, cache: dir.appendingPathComponent(".sdfa"))
    let failure = try #require(summary.failures.first)
    #expect(failure.label == "load")
    #expect(failure.message.contains("does not exist") && failure.message.contains("Train.zip"))
    #expect(failure.message.contains("--set dataset.kind=synthetic --set dataset.like=nmnist"))
    #expect(summary.skippedCount == 2)  // bin and the report
  }

  @Test func aBrokenTechnologyFileIsReportedAtItsLine() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    var technology = try String(contentsOf: dir.appendingPathComponent("hardware/rram-32nm.yml"), encoding: .utf8)
    technology = technology.replacingOccurrences(of: "cell_bits: 2", with: "cell_bitz: 2")
    try technology.write(to: dir.appendingPathComponent("hardware/broken.yml"), atomically: true, encoding: .utf8)
    let path = try Self.write(Self.smallSpec.replacingOccurrences(of: "rram-32nm", with: "broken"), in: dir)
    let line = technology.components(separatedBy: "\n").firstIndex { $0.hasPrefix("cell_bitz") }! + 1
    #expect {
      try Spec.load(path, registry: Stages.registry)
    } throws: { error in
      let text = "\(error)"
      return text.contains("broken.yml:\(line):1: error: unknown key 'cell_bitz'") && text.contains("did you mean 'cell_bits'?")
    }
    let missing = try Self.write(Self.smallSpec.replacingOccurrences(of: "rram-32nm", with: "rram-23nm"), in: dir, as: "m.yml")
    #expect {
      try Spec.load(missing, registry: Stages.registry)
    } throws: { error in "\(error)".contains("no technology 'rram-23nm'") && "\(error)".contains("m.yml:7:24") }
  }

  @Test func aConvNetTrainsMapsAndEstimatesEndToEnd() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write("""
      name: conv
      dataset: {kind: synthetic, like: nmnist, train: 40, test: 20, events_per_sample: 300}
      frames: {T: 3}
      model: {arch: convnet, channels: 8}
      train: {method: sdfa, epochs: 1, batch_size: 10}
      hardware: {technology: rram-32nm}
      """, in: dir)
    let summary = try Self.run(path, cache: dir.appendingPathComponent(".sdfa"))
    #expect(summary.succeeded, "\(summary.failures)")
    let train = try #require(Self.artifact(summary, "train seed=0", cache: dir.appendingPathComponent(".sdfa")))
    let model = try String(contentsOf: train.appendingPathComponent("model.json"), encoding: .utf8)
    #expect(model.contains("\"arch\" : \"convnet\"") && model.contains("\"conv\""))
    let energy = try #require(Self.artifact(summary, "energy seed=0", cache: dir.appendingPathComponent(".sdfa")))
    let breakdown = try String(contentsOf: energy.appendingPathComponent("breakdown.txt"), encoding: .utf8)
    #expect(breakdown.contains("PipeSDFA"))
  }

  @Test func replacingTheDatasetFilesChangesTheLoadKey() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("braille")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let file = root.appendingPathComponent("tutorial5_braille_spiking_data.pkl.gz")
    try Data([1, 2, 3]).write(to: file)
    let path = try Self.write("name: b\ndataset: {kind: braille, root: \(root.path)}\nframes: {T: 4}\n", in: dir)
    func loadIdentity() throws -> String {
      StageGraph(spec: try Spec.load(path, registry: Stages.registry), registry: Stages.registry).nodes[0].identity
    }
    let before = try loadIdentity()
    #expect(try loadIdentity() == before)
    try Data([1, 2, 3, 4]).write(to: file)
    #expect(try loadIdentity() != before)
  }
}
