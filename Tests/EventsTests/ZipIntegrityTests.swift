import Foundation
import Tensor
import Testing
import ZIPFoundation
@testable import Events

/// Real N-MNIST and N-Caltech101 data are read straight from their zip archives, so a damaged
/// archive must be an error, never events that were not recorded. ZIPFoundation's streaming
/// `extract` only computes a member's CRC-32; these tests flip single bits inside members and
/// count what the dataset reader lets through.
@Suite struct ZipIntegrityTests {
  /// A `Train.zip` with two classes of two recordings each, every member compressed with
  /// `method`; returns the zip's folder and the container loaded from the intact archive.
  func makeArchive(_ dir: Scratch, method: CompressionMethod) throws -> (root: URL, reference: [UInt8]) {
    let tree = dir.file("tree")
    let written = try ReaderTests().writeNMNISTTree(tree, classes: ["0", "1"], perClass: 2)
    let root = dir.file("zipped")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let archive = try Archive(url: root.appendingPathComponent("Train.zip"), accessMode: .create)
    for rel in written.keys.sorted() where rel.hasPrefix("Train/") {
      try archive.addEntry(with: rel, relativeTo: tree, compressionMethod: method)
    }
    let out = dir.file("reference")
    try DatasetLoader.load(.nmnist, root: root, to: out)
    return (root, try readBytes(out))
  }

  /// The byte range of the first member's data in `zip`: after its local header
  /// (30 bytes + name + extra field), as long as the header's compressed size.
  func firstMemberData(_ zip: [UInt8]) -> Range<Int> {
    func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    let start = 30 + u16(26) + u16(28)
    return start..<(start + u32(18))
  }

  /// Flips every bit of the first member's data, one at a time, and loads the dataset each time.
  /// Returns how many flips loaded without error into a container unlike the intact one, how
  /// many were refused, and the first refusal's text.
  func flipEveryBit(method: CompressionMethod) throws -> (silent: Int, refused: Int, flips: Int, message: String?) {
    let dir = Scratch()
    defer { dir.cleanup() }
    let (root, reference) = try makeArchive(dir, method: method)
    let zipURL = root.appendingPathComponent("Train.zip")
    let intact = try readBytes(zipURL)
    let data = firstMemberData(intact)
    #expect(data.count > 20, "member data \(data)")
    var silent = 0, refused = 0, message: String?
    for bit in 0..<(data.count * 8) {
      var damaged = intact
      damaged[data.lowerBound + bit / 8] ^= UInt8(1 << (bit % 8))
      try Data(damaged).write(to: zipURL)
      let out = dir.file("flip")
      try? FileManager.default.removeItem(at: out)
      do {
        try DatasetLoader.load(.nmnist, root: root, to: out)
        if try readBytes(out) != reference { silent += 1 }
      } catch {
        refused += 1
        if message == nil { message = String(describing: error) }
      }
    }
    return (silent, refused, data.count * 8, message)
  }

  @Test func aBitFlipInADeflatedMemberIsAnErrorNamingArchiveAndMember() throws {
    let result = try flipEveryBit(method: .deflate)
    #expect(result.silent == 0, "\(result.silent) of \(result.flips) bit flips loaded as different events without an error")
    #expect(result.refused > result.flips * 9 / 10, "\(result.refused) of \(result.flips) refused")
    #expect(result.message?.hasPrefix("Train.zip/Train/0/00000.bin") == true, "\(result.message ?? "none")")
  }

  @Test func aBitFlipInAStoredMemberIsAnErrorNamingTheCRC() throws {
    let result = try flipEveryBit(method: .none)
    #expect(result.silent == 0, "\(result.silent) of \(result.flips) bit flips loaded as different events without an error")
    #expect(result.refused == result.flips, "\(result.refused) of \(result.flips) refused")
    let message = result.message ?? ""
    #expect(message.hasPrefix("Train.zip/Train/0/00000.bin") && message.contains("CRC-32"), "\(message)")
  }
}
