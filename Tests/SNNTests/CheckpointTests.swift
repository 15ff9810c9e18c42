import Foundation
import Testing

@testable import SNN

@Suite struct CheckpointTests {
  /// A file built byte by byte from the format spec: u64 LE header length, JSON, raw LE data.
  @Test func decodesAHandBuiltFile() throws {
    let json = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    var bytes = [UInt8]()
    var n = UInt64(json.utf8.count)
    for _ in 0..<8 { bytes.append(UInt8(n & 0xFF)); n >>= 8 }
    bytes += Array(json.utf8)
    for x: Float in [1.5, -2] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
    let (tensors, meta) = try SafeTensors.decode(bytes)
    #expect(meta == ["k": "v"])
    #expect(tensors["a"]!.scalars == [1.5, -2] && tensors["a"]!.shape == [2])
  }

  @Test func encodesToTheSpec() throws {
    let bytes = SafeTensors.encode(
      ["b": Tensor(shape: [1, 2], scalars: [3, 4]), "a": Tensor(shape: [1], scalars: [1])],
      metadata: ["format": "pt"])
    var n = 0
    for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
    #expect(n % 8 == 0 && bytes.count == 8 + n + 12)
    let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
    #expect(header.contains(#""a":{"data_offsets":[0,4],"dtype":"F32","shape":[1]}"#))
    #expect(header.contains(#""b":{"data_offsets":[4,12],"dtype":"F32","shape":[1,2]}"#))
    #expect(Array(bytes[(8 + n)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40])
  }

  @Test func readsAFileWrittenByPythonSafetensors() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/python.safetensors")
    let (tensors, meta) = try SafeTensors.decode(Array(try Data(contentsOf: url)))
    #expect(meta["note"] == "python")
    #expect(tensors["layers.0.weight"]!.shape == [2, 3])
    #expect(tensors["layers.0.weight"]!.scalars == [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
    #expect(tensors["layers.1.weight"]!.scalars == [0.25, -1])
  }

  @Test func rejectsMalformedFiles() {
    #expect(throws: SafeTensors.FormatError.self) { try SafeTensors.decode([1, 2, 3]) }
    #expect(throws: SafeTensors.FormatError.self) {
      try SafeTensors.decode([255, 0, 0, 0, 0, 0, 0, 0, 0x7B])
    }
  }

  @Test func modelRoundTripsInPyTorchLayout() throws {
    let net = Network.mlp(inputFeatures: 6, hidden: [4], classes: 3, neuron: NeuronConfig(kind: .if, alpha: 3), seed: 1)
    let bytes = net.checkpoint(metadata: ["spec": "x"])
    let (tensors, meta) = try SafeTensors.decode(bytes)
    #expect(tensors["layers.0.weight"]!.shape == [4, 6])
    #expect(meta["spec"] == "x" && meta["sizes"] == "6,4,3")
    #expect(try Network(checkpoint: bytes) == net)
    // Left for a manual cross-check with Python's `safetensors.safe_open`.
    try? Data(bytes).write(to: FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-swift.safetensors"))
  }
}

extension CheckpointTests {
  @Test func convNetRoundTrips() throws {
    var net = Network.convnet(
      inputShape: [2, 32, 32], classes: 3, channels: 8, hidden: 16, neuron: NeuronConfig(tau: 3), seed: 4)
    net.runningMean[1] = Tensor(shape: [4], scalars: [0.5, -1, 2, 0])
    let bytes = net.checkpoint(metadata: ["spec": "y"])
    #expect(try Network(checkpoint: bytes) == net)
    #expect(try SafeTensors.decode(bytes).tensors["linear.1.weight"]!.shape == [30, 16])
    let vgg = Network.vgg11(inputShape: [2, 32, 32], classes: 2, channels: 16, hidden: 8, neuron: NeuronConfig(), seed: 1)
    #expect(try Network(checkpoint: vgg.checkpoint()) == vgg)
    // One reader for both layouts: an MLP checkpoint reads back as the MLP; other files are refused.
    let mlp = Network.mlp(inputFeatures: 2, hidden: [], classes: 2, neuron: NeuronConfig(), seed: 0)
    #expect(try Network(checkpoint: mlp.checkpoint()) == mlp)
    #expect(throws: SafeTensors.FormatError.self) { try Network(checkpoint: SafeTensors.encode([:], metadata: ["arch": "resnet"])) }
  }
}
