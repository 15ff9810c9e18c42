import Events
import Foundation
import Testing
import TestSupport

@testable import SNN

/// Checkpoints saved by the reference code (PyTorch + spikingjelly), made by
/// `Fixtures/make_pth_fixtures.py`: read through the restricted unpickler, mapped onto our
/// layers, and run to the same spikes and rates as spikingjelly.
@Suite struct ReferenceCheckpointTests {
  static func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
  }

  static func output(_ network: String) throws -> [String: Any] {
    try SpikingjellyParityTests.fixture("ref_outputs.json")[network] as! [String: Any]
  }

  /// The state dict of a `.pth` fixture mapped onto our names for `arch`.
  static func tensors(_ name: String, arch: ModelConfig.Architecture) throws -> (CheckpointTensors, [String]) {
    let entries = try TorchCheckpoint(contentsOf: fixtureURL(name)).stateDict().map {
      ReferenceStateDict.Entry(key: $0.key, shape: $0.tensor.shape, dtype: $0.tensor.storage.type, values: $0.tensor.floats)
    }
    return try ReferenceStateDict.checkpointTensors(entries, arch: arch)
  }

  /// `[t, b, feature, value]` entries as frames of `b` samples.
  static func frames(_ c: [String: Any], classes: Int) -> InMemoryFrames {
    let (t, b) = (c["T"] as! Int, c["B"] as! Int)
    var steps = [[[(index: Int32, value: Float)]]](repeating: [[(index: Int32, value: Float)]](repeating: [], count: t), count: b)
    for case let e as [NSNumber] in c["x"] as! [Any] {
      steps[e[1].intValue][e[0].intValue].append((Int32(e[2].intValue), e[3].floatValue))
    }
    var data = InMemoryFrames(inputShape: c["input_shape"] as! [Int], timeSteps: t, classCount: classes)
    for s in 0..<b { data.appendSample(label: 0, steps: steps[s].map { $0.sorted { $0.index < $1.index } }) }
    return data
  }

  @Test(arguments: ["ref_mlp.pth", "ref_mlp_bare.pth"])
  func mlpReproducesSpikingjelly(file: String) throws {
    let (tensors, ignored) = try Self.tensors(file, arch: .mlp)
    #expect(ignored.isEmpty)
    #expect(tensors.key("layers.0.weight") == (file == "ref_mlp.pth" ? "fc.1.weight" : "module.fc.1.weight"))
    let net = try Network.mlp(inputFeatures: 32, hidden: [20], classes: 10, neuron: NeuronConfig(), seed: 0).loadingWeights(tensors)
    let c = try Self.output("mlp")
    let (t, b) = (c["T"] as! Int, c["B"] as! Int)
    let engine = NetworkEngine(network: net, steps: t, threads: 1)
    engine.load(Self.frames(c, classes: 10), samples: Array(0..<b)[...])
    let rate = engine.forward(net)
    #expect(engine.linearBlocks[1].s.scalars == SpikingjellyParityTests.floats(c["spikes"]))
    #expect(firstMismatch(rate.scalars, SpikingjellyParityTests.floats(c["rate"]), rtol: 0, atol: 1e-6) == nil)
  }

  @Test func convNetReproducesSpikingjelly() throws {
    let c = try Self.output("convnet")
    let (tensors, ignored) = try Self.tensors("ref_convnet.pth", arch: .convnet)
    #expect(ignored == (0..<5).map { "conv_fc.\(4 * $0 + 1).num_batches_tracked" })
    #expect(tensors.key("bn.4.running_var") == "conv_fc.17.running_var" && tensors.key("linear.1.bias") == "conv_fc.23.bias")
    let classes = c["classes"] as! Int
    let net = try Network.convnet(
      inputShape: c["input_shape"] as! [Int], classes: classes, channels: c["channels"] as! Int, hidden: c["hidden"] as! Int,
      neuron: NeuronConfig(), seed: 0
    ).loadingWeights(tensors)
    let (t, b) = (c["T"] as! Int, c["B"] as! Int)
    let engine = NetworkEngine(network: net, steps: t, threads: 1)
    engine.load(Self.frames(c, classes: classes), samples: Array(0..<b)[...])
    let rate = engine.forward(net, training: false)
    #expect(firstMismatch(rate.scalars, SpikingjellyParityTests.floats(c["rate"]), rtol: 0, atol: 1e-6) == nil)
    #expect(rate.scalars.contains { $0 > 0 })
  }

  @Test func extraEntriesAreReadButNotNeeded() throws {
    let checkpoint = try TorchCheckpoint(contentsOf: Self.fixtureURL("ref_mlp.pth"))
    #expect(checkpoint.details.map(\.key) == ["epoch", "max_test_acc"])
    #expect(checkpoint.details.map(\.value) == ["1", "0.5"])
    // The Adam state (tensors, floats, None, tuples) is unpickled too.
    guard case .dict(let top) = checkpoint.root,
      case .dict(let optimizer)? = top.pairs.first(where: { if case .string("optimizer") = $0.key { true } else { false } })?.value
    else { Issue.record("no optimizer state"); return }
    #expect(optimizer.pairs.count == 2)
  }

  @Test func aModelOfOtherWidthsIsRefusedNamingTheKey() throws {
    let (tensors, _) = try Self.tensors("ref_mlp.pth", arch: .mlp)
    let wider = Network.mlp(inputFeatures: 32, hidden: [24], classes: 10, neuron: NeuronConfig(), seed: 0)
    #expect {
      _ = try wider.loadingWeights(tensors)
    } throws: { error in
      let text = "\(error)"
      return text.contains("tensor 'fc.1.weight' (layers.0.weight) has shape [20, 32]; the model expects [24, 32]")
        && text.contains("tensor 'fc.3.weight' (layers.1.weight) has shape [10, 20]; the model expects [10, 24]")
    }
    let deeper = Network.mlp(inputFeatures: 32, hidden: [20, 20], classes: 10, neuron: NeuronConfig(), seed: 0)
    #expect { _ = try deeper.loadingWeights(tensors) } throws: { "\($0)".contains("no tensor for layers.2.weight [10, 20]: the checkpoint lacks this layer") }
    // A conv checkpoint offered to the MLP: every tensor is out of place.
    let (conv, _) = try Self.tensors("ref_convnet.pth", arch: .mlp)
    #expect { _ = try wider.loadingWeights(conv) } throws: { "\($0)".contains("tensors 'conv_fc.0.weight' (conv.0.weight) [1, 2, 3, 3], ") && "\($0)".contains("(27 in all) have no place in the model") }
  }

  @Test func roleErrorsNameTheKey() {
    func entry(_ key: String, _ shape: [Int], values: Bool = true) -> ReferenceStateDict.Entry {
      ReferenceStateDict.Entry(key: key, shape: shape, dtype: values ? "torch.FloatStorage" : "torch.HalfStorage",
                               values: values ? [Float](repeating: 0, count: shape.reduce(1, *)) : nil)
    }
    #expect { _ = try ReferenceStateDict.checkpointTensors([entry("bn.running_mean", [4])], arch: .convnet) } throws: {
      "\($0)".contains("key 'bn.running_mean' with shape [4] looks like a BatchNorm parameter, but no conv weight comes before it")
    }
    #expect { _ = try ReferenceStateDict.checkpointTensors([entry("head.scale", [2, 2, 2])], arch: .mlp) } throws: {
      "\($0)".contains("key 'head.scale' with shape [2, 2, 2] is neither")
    }
    #expect { _ = try ReferenceStateDict.checkpointTensors([entry("fc.0.weight", [3, 4], values: false)], arch: .mlp) } throws: {
      "\($0)" == "tensor 'fc.0.weight' has unsupported dtype torch.HalfStorage: only float32 tensors are read"
    }
  }

  @Test func brokenFilesGiveClearErrors() throws {
    func message(_ url: URL) -> String {
      do {
        _ = try TorchCheckpoint(contentsOf: url).stateDict()
        return "accepted"
      } catch { return "\(error)" }
    }
    #expect(message(Self.fixtureURL("broken_global.pth")).contains(
      "broken_global.pth/archive/data.pkl: byte 2: error: refused global 'os.system': only collections.OrderedDict"))
    #expect(message(Self.fixtureURL("broken_no_pickle.pth")) ==
      "broken_no_pickle.pth: error: no <name>/data.pkl in the archive: not a checkpoint written by torch.save")
    #expect(message(Self.fixtureURL("broken_short_storage.pth")).contains(
      "error: storage data/0 is too short: 8 bytes, but 640 elements of torch.FloatStorage need 640 × 4"))
    let whole = try Data(contentsOf: Self.fixtureURL("ref_mlp.pth"))
    let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-truncated-\(UUID().uuidString).pth")
    try whole.prefix(whole.count / 2).write(to: truncated)
    defer { try? FileManager.default.removeItem(at: truncated) }
    #expect(message(truncated).contains("not a readable zip archive"))
  }
}
