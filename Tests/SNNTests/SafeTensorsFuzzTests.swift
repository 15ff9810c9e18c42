import Foundation
import Testing
@testable import SNN

/// safetensors files whose headers lie about sizes: each is a ``SafeTensors/FormatError``
/// naming the tensor and what is wrong, never a trap. The crafted headers also seed a fuzz
/// run (`SDFA_FUZZ_ITERATIONS`, as `make fuzz` sets it).
@Suite struct SafeTensorsFuzzTests {
  static let iterations = Int(ProcessInfo.processInfo.environment["SDFA_FUZZ_ITERATIONS"] ?? "") ?? 2000

  /// A file with `header` as its JSON and `data` bytes after it.
  static func file(header: String, data: Int = 16) -> [UInt8] {
    var json = Array(header.utf8)
    while json.count % 8 != 0 { json.append(0x20) }
    return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + [UInt8](repeating: 0, count: data)
  }

  static func tensor(shape: String, offsets: String) -> [UInt8] {
    file(header: #"{"w": {"dtype": "F32", "shape": \#(shape), "data_offsets": \#(offsets)}}"#)
  }

  /// (name, file, words the error must contain).
  static let crafted: [(String, [UInt8], String)] = [
    ("[2^32, 2^32]", tensor(shape: "[4294967296, 4294967296]", offsets: "[0, 16]"), "overflows"),
    ("[2^62]", tensor(shape: "[4611686018427387904]", offsets: "[0, 16]"), "overflows"),
    ("negative", tensor(shape: "[-4, -1]", offsets: "[0, 16]"), "negative dimension"),
    ("end near Int.max", tensor(shape: "[4]", offsets: "[9223372036854775800, 9223372036854775807]"), "data_offsets"),
    ("begin near Int.max", tensor(shape: "[4]", offsets: "[9223372036854775807, 16]"), "data_offsets"),
  ]

  @Test func aWellFormedFileDecodes() throws {
    let (tensors, _) = try SafeTensors.decode(Self.tensor(shape: "[2, 2]", offsets: "[0, 16]"))
    #expect(tensors["w"]?.shape == [2, 2])
  }

  @Test(arguments: 0..<crafted.count)
  func lyingSizesAreErrors(case index: Int) {
    let (name, bytes, words) = Self.crafted[index]
    do {
      _ = try SafeTensors.decode(bytes)
      Issue.record("\(name): decoded")
    } catch {
      #expect(error.description.contains("'w'") && error.description.contains(words), "\(name): \(error.description)")
    }
  }

  /// SplitMix64: a fixed sequence, so that a failure reproduces.
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test func mutatedFilesDecodeOrFailCleanly() {
    var rng = Generator(state: 7)
    let seeds = [SafeTensors.encode(["w": Tensor(shape: [2, 3]), "b": Tensor(shape: [3])])] + Self.crafted.map(\.1)
    var errors = 0
    for i in 0..<Self.iterations {
      var b = seeds[i % seeds.count]
      switch Int.random(in: 0..<4, using: &rng) {
      case 0: for _ in 0..<Int.random(in: 1...4, using: &rng) { b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
      case 1: b.removeLast(Int.random(in: 0..<b.count, using: &rng))
      case 2: b.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...b.count, using: &rng))
      default:
        // A digit of the header changed: sizes and offsets take other values.
        let digits = b.indices.filter { $0 >= 8 && b[$0] >= 0x30 && b[$0] <= 0x39 }
        if let at = digits.randomElement(using: &rng) { b[at] = UInt8.random(in: 0x30...0x39, using: &rng) }
      }
      do {
        let (tensors, _) = try SafeTensors.decode(b)
        for t in tensors.values { #expect(t.count == t.shape.reduce(1, *)) }
      } catch { errors += 1 }
    }
    #expect(errors > 0)
  }
}
