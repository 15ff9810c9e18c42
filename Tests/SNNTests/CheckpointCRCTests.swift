import Events
import Foundation
import Testing

/// `torch.save` stores a checkpoint's members uncompressed, so a flipped bit in a weight
/// storage leaves a zip that reads; only the member's CRC-32 tells. A damaged checkpoint must
/// be an error naming the member, never a model with one weight changed.
@Suite struct CheckpointCRCTests {
  /// Flips one bit in the middle of the first member whose name ends in `suffix`, found through
  /// the central directory (torch writes data descriptors: its local headers carry no sizes);
  /// returns the damaged archive's bytes and the member's name.
  static func flipBit(in zip: [UInt8], memberEndingIn suffix: String) throws -> (bytes: [UInt8], member: String) {
    func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    guard let end = (0...(zip.count - 22)).reversed().first(where: { zip[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 0x05, 0x06]) })
    else { throw CocoaError(.fileReadCorruptFile) }
    var header = u32(end + 16)
    for _ in 0..<u16(end + 10) {
      let size = u32(header + 20), nameLength = u16(header + 28), local = u32(header + 42)
      let name = String(decoding: zip[(header + 46)..<(header + 46 + nameLength)], as: UTF8.self)
      if name.hasSuffix(suffix), size > 0 {
        let data = local + 30 + u16(local + 26) + u16(local + 28)
        var damaged = zip
        damaged[data + size / 2] ^= 0x10
        return (damaged, name)
      }
      header += 46 + nameLength + u16(header + 30) + u16(header + 32)
    }
    throw CocoaError(.fileReadCorruptFile)
  }

  @Test func aFlippedBitInAWeightStorageIsAnErrorNamingTheMember() throws {
    let intact = [UInt8](try Data(contentsOf: ReferenceCheckpointTests.fixtureURL("ref_mlp.pth")))
    #expect(throws: Never.self) { try TorchCheckpoint(contentsOf: ReferenceCheckpointTests.fixtureURL("ref_mlp.pth")) }
    let (damaged, member) = try Self.flipBit(in: intact, memberEndingIn: "/data/0")
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString).pth")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(damaged).write(to: url)
    do {
      let loaded = try TorchCheckpoint(contentsOf: url).stateDict()
      Issue.record("loaded \(loaded.count) tensors from a checkpoint with a flipped bit in \(member)")
    } catch {
      let text = String(describing: error)
      #expect(text.contains(member) && text.contains("CRC-32"), "\(text)")
    }
  }
}
