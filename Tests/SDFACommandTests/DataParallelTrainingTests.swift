import Foundation
import SNN
import Testing

/// `train.ranks: 2` through `sdfa run`, as a user runs it: `mpirun -np 2` on this machine
/// (skipped, saying so, without mpirun). Two ranks must train what one process trains on the
/// same global batches, up to float rounding (the gradient sums add in another order), and
/// give the same bits in every run.
@Suite(.serialized, .enabled(if: MPIAvailability.mpirun, "no mpirun (see the note on stderr)"))
struct DataParallelTrainingTests {
  /// IF neurons with a low threshold: every layer spikes (at 34×34 a ConvNet's Linear layers
  /// see one pixel per channel, and LIF ones at threshold 1 stay silent).
  static func spec(_ name: String, model: String, train: String) -> String {
    """
    name: \(name)
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 72, test: 24, events_per_sample: 3000}
    frames: {T: 4, split_by: number}
    model: \(model)
    train: \(train)
    """
  }

  /// SGD: Adam divides each weight's step by the root of its squared gradients, so a weight
  /// whose gradient nearly cancels takes a step as uncertain as that gradient's rounding
  /// (docs/distributed.md has the measured size; the ranks are then no longer within 1e-6).
  static let mlp = spec(
    "dp-mlp", model: "{arch: mlp, hidden: [48], neuron: {type: if, v_threshold: 0.3}}",
    train: "{method: bp, epochs: 2, batch_size: 16, optimizer: {type: sgd, lr: 0.1, momentum: 0.9}}")
  /// The ConvNet's five blocks carry batch norm: synchronised over the ranks.
  static let convnet = spec(
    "dp-conv", model: "{arch: convnet, channels: 8, neuron: {type: if, v_threshold: 0.3}}",
    train: "{method: sdfa, epochs: 2, batch_size: 12, optimizer: {type: sgd, lr: 0.1, momentum: 0.9}}")

  @Test(arguments: [("mlp", mlp), ("convnet", convnet)])
  func twoRanksTrainWhatOneProcessTrains(_ name: String, _ spec: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(spec.utf8), to: "dp.yml")
    let single = try Self.train(in: scratch, ranks: 1)
    let ranked = try Self.train(in: scratch, ranks: 2)
    #expect(ranked.log.contains("launching 2 ranks"), "\(ranked.log)")
    // Metrics: every number of every epoch within 1e-6 relative (on a network that spikes).
    #expect(single.metrics.count == ranked.metrics.count)
    #expect(Self.numbers(single.metrics.last?["trainSpikeRates"]).allSatisfy { $0 > 0.001 })
    for (a, b) in zip(single.metrics, ranked.metrics) {
      for key in ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "trainSpikeRates", "testSpikeRates"] {
        let x = Self.numbers(a[key]), y = Self.numbers(b[key])
        #expect(x.count == y.count && !x.isEmpty, "\(name): \(key)")
        for (u, v) in zip(x, y) {
          #expect(abs(u - v) <= 1e-6 * max(abs(u), abs(v), 1e-12), "\(name): \(key) \(u) (1 rank) vs \(v) (2 ranks)")
        }
      }
    }
    // Checkpoint: every tensor within 1e-6 of its largest magnitude.
    #expect(single.tensors.keys.sorted() == ranked.tensors.keys.sorted())
    var compared = 0
    for (key, a) in single.tensors {
      let b = try #require(ranked.tensors[key])
      let x = a.scalars, y = b.scalars
      let scale = x.map { abs(Double($0)) }.max() ?? 0
      let worst = zip(x, y).map { abs(Double($0) - Double($1)) }.max() ?? 0
      #expect(a.shape == b.shape && worst <= 1e-6 * max(scale, 1e-12), "\(name): \(key) differs by \(worst) (largest |w| \(scale))")
      compared += x.count
    }
    #expect(compared > 10_000)
    // Bit-identical across reruns: a fresh project and cache, the same bytes.
    let rerun = try Scratch()
    defer { rerun.cleanup() }
    try rerun.write(Array(spec.utf8), to: "dp.yml")
    let again = try Self.train(in: rerun, ranks: 2)
    #expect(again.log.contains("launching 2 ranks"))
    #expect(again.checkpoint == ranked.checkpoint, "\(name): two runs with 2 ranks differ")
    #expect(again.metricsBytes == ranked.metricsBytes)
  }

  struct Trained {
    var checkpoint: Data
    var tensors: [String: Tensor]
    var metrics: [[String: Any]]
    var metricsBytes: Data
    var log: String
  }

  /// Runs the spec with `train.ranks` set and reads its train artifact; `environment` is added
  /// to sdfa's.
  static func train(in scratch: Scratch, ranks: Int, environment: [String] = []) throws -> Trained {
    let run = try SDFAProcess.run(
      ["run", "dp.yml", "--set", "train.ranks=\(ranks)"], in: scratch.url,
      wrapper: environment.isEmpty ? [] : ["/usr/bin/env"] + environment)
    #expect(run.status == 0, "ranks \(ranks): \(run.err)")
    let folder = try artifact(in: scratch)
    let log = (try? String(contentsOf: URL(fileURLWithPath: folder.path + ".log"), encoding: .utf8)) ?? ""
    let checkpoint = try Data(contentsOf: folder.appendingPathComponent("checkpoint.safetensors"))
    let metricsBytes = try Data(contentsOf: folder.appendingPathComponent("metrics.json"))
    let metrics = try JSONSerialization.jsonObject(with: metricsBytes) as! [[String: Any]]
    return Trained(
      checkpoint: checkpoint, tensors: try SafeTensors.decode([UInt8](checkpoint)).tensors, metrics: metrics,
      metricsBytes: metricsBytes, log: log)
  }

  /// The train artifact the last run linked under `results/` (its log beside it, `<point>.log`).
  static func artifact(in scratch: Scratch) throws -> URL {
    let results = scratch.url.appendingPathComponent("results")
    let specs = try FileManager.default.contentsOfDirectory(atPath: results.path)
    let train = results.appendingPathComponent(try #require(specs.first)).appendingPathComponent("train")
    let points = try FileManager.default.contentsOfDirectory(atPath: train.path).filter { !$0.hasSuffix(".log") }
    return train.appendingPathComponent(try #require(points.first))
  }

  static func numbers(_ value: Any?) -> [Double] {
    if let d = value as? Double { return [d] }
    if let list = value as? [Double] { return list }
    if let n = value as? NSNumber { return [n.doubleValue] }
    return []
  }
}

/// Whether `mpirun` is on PATH (the MPI tests skip, saying so, without it).
enum MPIAvailability {
  static let mpirun: Bool = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/mpirun") }
    if !found {
      FileHandle.standardError.write(Data("note: MPI training tests skipped: no mpirun on PATH (apt-get install openmpi-bin)\n".utf8))
    }
    return found
  }()
}
