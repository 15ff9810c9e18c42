import Foundation
import Tensor
import Testing
@testable import Events

/// The restricted unpickler with the torch allow-list, on pickles written byte by byte in the
/// shape `torch.save` gives them (protocol 2: GLOBAL, BINPUT, BINUNICODE, BINPERSID, …).
@Suite struct TorchPickleTests {
  /// Protocol-2 pickle pieces.
  static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
  static func unicode(_ s: String) -> [UInt8] {
    let n = UInt32(s.utf8.count)
    return [0x58] + withUnsafeBytes(of: n.littleEndian, Array.init) + Array(s.utf8)
  }
  static func binfloat(_ x: Double) -> [UInt8] { [0x47] + withUnsafeBytes(of: x.bitPattern.bigEndian, Array.init) }
  static func put(_ i: UInt8) -> [UInt8] { [0x71, i] }

  /// `OrderedDict([('w', tensor [2, 3] stored transposed: stride (1, 2), offset 1), ('lr', 0.5),
  /// ('n', -3 as LONG1), ('ok', True)])` with its tensor's storage `data/0` of 7 floats.
  static let pickle: [UInt8] = {
    var p: [UInt8] = [0x80, 0x02]
    p += global("collections", "OrderedDict") + put(0) + [0x29, 0x52] + put(1)  // OrderedDict()
    p += [0x28] + unicode("w") + put(2)  // MARK 'w'
    p += global("torch._utils", "_rebuild_tensor_v2") + put(3)
    p += [0x28]  // MARK of its arguments
    p += [0x28] + unicode("storage") + global("torch", "FloatStorage") + unicode("0") + unicode("cpu") + [0x4B, 7, 0x74, 0x51]  // BINPERSID
    p += [0x4B, 1]  // offset 1
    p += [0x4B, 2, 0x4B, 3, 0x86]  // size (2, 3)
    p += [0x4B, 1, 0x4B, 2, 0x86]  // stride (1, 2)
    p += [0x89]  // requires_grad False
    p += [0x68, 0, 0x29, 0x52]  // hooks: OrderedDict() via BINGET
    p += [0x74, 0x52] + put(4)  // TUPLE, REDUCE
    p += unicode("lr") + binfloat(0.5)
    p += unicode("n") + [0x8A, 1, 0xFD]  // LONG1 -3
    p += [0x75]  // SETITEMS
    p += unicode("ok") + [0x88, 0x73]  // SETITEM 'ok' True
    p += [0x2E]
    return p
  }()

  static let storage: [UInt8] = (0..<7).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }

  static func load(_ bytes: [UInt8], storage: [UInt8] = storage) throws -> RestrictedUnpickler.Value {
    try RestrictedUnpickler.load(bytes, file: "data.pkl", allowing: .torch { key throws(RestrictedUnpickler.Refusal) in
      guard key == "0" else { throw RestrictedUnpickler.Refusal("no storage \(key)") }
      return storage
    })
  }

  @Test func decodesAStateDictWithAStridedTensor() throws {
    guard case .dict(let d) = try Self.load(Self.pickle) else { Issue.record("not a dict"); return }
    #expect(d.pairs.compactMap { if case .string(let k) = $0.key { k } else { nil } } == ["w", "lr", "n", "ok"])
    guard case .object(let o) = d.pairs[0].value, let t = o as? RestrictedUnpickler.TorchTensor else {
      Issue.record("'w' is not a tensor"); return
    }
    #expect(t.shape == [2, 3] && t.strides == [1, 2] && t.offset == 1)
    // Element (i, j) is storage[1 + i + 2j].
    #expect(t.floats == [1, 3, 5, 2, 4, 6])
    guard case .float(0.5) = d.pairs[1].value, case .int(-3) = d.pairs[2].value, case .bool(true) = d.pairs[3].value else {
      Issue.record("scalars decoded wrong: \(d.pairs.map { $0.value.typeName })"); return
    }
  }

  @Test func refusesWhatTheAllowListDoesNot() throws {
    // GLOBAL os.system, as a hostile .pth would name it.
    let evil: [UInt8] = [0x80, 0x02] + Self.global("os", "system") + Self.unicode("ls") + [0x85, 0x52, 0x2E]
    #expect { _ = try Self.load(evil) } throws: {
      "\($0)".hasPrefix("data.pkl: byte 2: error: refused global 'os.system': only collections.OrderedDict")
    }
    // numpy is not on the torch list, torch is not on the numpy list.
    let numpy: [UInt8] = [0x80, 0x02] + Self.global("numpy", "dtype") + [0x2E]
    #expect { _ = try Self.load(numpy) } throws: { "\($0)".contains("refused global 'numpy.dtype'") }
    #expect { _ = try RestrictedUnpickler.load(Self.pickle, file: "p") } throws: {
      "\($0)".contains("refused global 'collections.OrderedDict': only numpy's _reconstruct, ndarray and dtype are allowed")
    }
    // A storage shorter than the persistent id says.
    #expect { _ = try Self.load(Self.pickle, storage: Array(Self.storage.prefix(20))) } throws: {
      "\($0)".contains("storage data/0 is too short: 20 bytes, but 7 elements of torch.FloatStorage need 7 × 4")
    }
    // A view reaching past its storage.
    var far = Self.pickle
    let offsetAt = far.firstIndex(of: 0x51)! + 2  // BININT1 after BINPERSID
    far[offsetAt] = 2
    #expect { _ = try Self.load(far) } throws: { "\($0)".contains("reaches element 7 of storage data/0, which has 7") }
  }

  @Test func mutatedTorchPicklesGiveOnlyCleanErrors() {
    var rng = RandomStream(seed: 5, purpose: "fuzz.torch-pickle")
    var refused = 0
    for _ in 0..<FuzzTests.iterations {
      do { _ = try Self.load(FuzzTests.mutate(Self.pickle, &rng)) } catch is EventsError { refused += 1 } catch {
        Issue.record("unexpected error type: \(error)")
      }
    }
    #expect(refused > FuzzTests.iterations / 4)
  }
}
