import Foundation
import TestSupport
import Testing
import ZIPFoundation
@testable import Events

/// Pickles whose sizes overflow or ask for terabytes are refused with an error naming the
/// file and the sizes, before anything is allocated.
@Suite struct CraftedSizeTests {
  static func loadTorch(_ bytes: [UInt8]) throws -> RestrictedUnpickler.Value {
    try TorchPickleTests.load(bytes)
  }

  @Test func aWellFormedViewStillLoads() throws {
    // Size [2, 3], strides [0, 1]: both rows repeat storage elements 0…2.
    guard case .dict(let d) = try Self.loadTorch(CraftedPickles.torchTensor(size: [2, 3], stride: [0, 1])),
      case .object(let o) = d.pairs[0].value, let t = o as? RestrictedUnpickler.TorchTensor
    else { Issue.record("not a state dict with a tensor"); return }
    #expect(t.floats == [0, 1, 2, 0, 1, 2])
  }

  @Test(arguments: [("terabyte", CraftedPickles.terabyteView), ("overflow", CraftedPickles.overflowingView)])
  func hugeTorchViewsAreRefusedBeforeAllocating(name: String, pickle: [UInt8]) {
    do {
      _ = try Self.loadTorch(pickle)
      Issue.record("\(name): loaded")
    } catch let error as EventsError {
      let text = String(describing: error)
      #expect(text.contains("data.pkl"), "\(text)")
      #expect(text.contains("elements"), "\(text)")
    } catch {
      Issue.record("\(name): unexpected \(error)")
    }
  }

  /// A `torch.save` archive whose `data.pkl` header declares 4 GB uncompressed: refused
  /// before anything is reserved (deflate cannot expand its few hundred bytes that far).
  @Test func aZipMemberDeclaringMoreThanDeflateCanProduceIsRefused() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("crafted-\(UUID().uuidString).pth")
    defer { try? FileManager.default.removeItem(at: url) }
    let archive = try Archive(url: url, accessMode: .create)
    let pickle = Data(TorchPickleTests.pickle)
    try archive.addEntry(with: "ckpt/data.pkl", type: .file, uncompressedSize: Int64(pickle.count), compressionMethod: .deflate) {
      position, size in pickle.subdata(in: Int(position)..<(Int(position) + size))
    }
    var bytes = [UInt8](try Data(contentsOf: url))
    let declared = withUnsafeBytes(of: UInt32(0xFFFF_FF00).littleEndian, Array.init)
    // The uncompressed-size fields of the local header (offset 22) and central directory (24).
    for (signature, field) in [([0x50, 0x4B, 0x03, 0x04] as [UInt8], 22), ([0x50, 0x4B, 0x01, 0x02], 24)] {
      let at = try #require((0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == signature })
      bytes.replaceSubrange((at + field)..<(at + field + 4), with: declared)
    }
    try Data(bytes).write(to: url)
    do {
      _ = try TorchCheckpoint(contentsOf: url)
      Issue.record("loaded")
    } catch let error as EventsError {
      #expect(String(describing: error).contains("data.pkl") && String(describing: error).contains("more than deflate can produce"), "\(error)")
    }
  }

  @Test func aWellFormedNumPyArrayStillLoads() throws {
    let data = (0..<12).flatMap { withUnsafeBytes(of: Double($0).bitPattern.littleEndian, Array.init) }
    guard case .object(let o) = try RestrictedUnpickler.load(CraftedPickles.numpyArray(shape: [1, 12], data: data), file: "a.pkl"),
      let array = o as? RestrictedUnpickler.ArrayBox
    else { Issue.record("not an array"); return }
    #expect(array.shape == [1, 12] && array.values == (0..<12).map(Double.init))
  }

  @Test func aNumPyShapeWhoseCountWrapsIsRefused() {
    do {
      let value = try RestrictedUnpickler.load(CraftedPickles.wrappingBrailleArray, file: "braille.pkl")
      if case .object(let o) = value, let array = o as? RestrictedUnpickler.ArrayBox {
        Issue.record("loaded shape \(array.shape) with \(array.values.count) values")
      }
    } catch let error as EventsError {
      let text = String(describing: error)
      #expect(text.contains("braille.pkl") && text.contains("overflows"), "\(text)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
