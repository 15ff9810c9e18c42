import Events
import Foundation
import TestSupport
import Testing

/// A crafted input file given to `sdfa run` fails the stage that reads it, with an error naming
/// the file; the process does not trap, and the other stages of the run go on to the end.
@Suite struct CraftedInputRunTests {
  /// A spec whose stages have nothing to do with the crafted file.
  static let good = """
    name: good
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 10, events_per_sample: 200}
    frames: {T: 4, split_by: number}
    """
  /// A spec reading the Braille file under `braille/`.
  static let crafted = """
    name: crafted
    dataset: {kind: braille, root: braille}
    frames: {T: 4}
    """

  /// `bytes` as a gzip file (RFC 1952) of one stored deflate block, as the Braille file is gzip'ed.
  static func gzipStored(_ bytes: [UInt8]) -> [UInt8] {
    precondition(bytes.count < 65_536, "one stored block holds at most 65,535 bytes")
    var crc = CRC32Checksum()
    bytes.withUnsafeBytes { crc.update($0) }
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    let length = UInt16(bytes.count)
    return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
      + [0x01] + withUnsafeBytes(of: length.littleEndian, Array.init) + withUnsafeBytes(of: (~length).littleEndian, Array.init)
      + bytes + le32(crc.value) + le32(UInt32(bytes.count))
  }

  /// The case: a recording whose ndarray shape `[2^62 + 1, 12]` wraps to 12 elements in
  /// 64 bits. Before the readers checked sizes, the Braille reader read past the 96 bytes and
  /// trapped, killing every stage in flight.
  @Test func aBraillePickleWithAnOverflowingShapeFailsOnlyItsOwnStage() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.good.utf8), to: "good.yml")
    try scratch.write(Array(Self.crafted.utf8), to: "crafted.yml")
    let file = CraftedPickles.brailleFile(array: CraftedPickles.wrappingBrailleArray)
    try scratch.write(Self.gzipStored(file), to: "braille/\(Braille.fileName)")

    let run = try SDFAProcess.run(["run", "crafted.yml", "good.yml"], in: scratch.url)
    #expect(run.status == 1, "a failed stage exits 1, not a trap: status \(run.status)\n\(run.err)")
    #expect(run.err.contains(Braille.fileName) && run.err.contains("overflows"), "\(run.err)")
    // The good spec's stages ran to the end and were committed: a rerun serves them all.
    let again = try SDFAProcess.run(["run", "good.yml"], in: scratch.url)
    #expect(again.status == 0, "\(again.err)")
    #expect(!again.err.contains("ran "), "\(again.err)")
    #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("results/good").path))
  }
}
