import Foundation
import ZIPFoundation

/// Reads one zip archive member whole, with the checks ZIPFoundation's streaming
/// `Archive.extract(_:consumer:)` leaves to its caller.
///
/// That `extract` *computes* the member's CRC-32 and returns it, but compares it with the
/// archive's record only when it writes to a file URL. Read through a consumer, as the
/// dataset readers and ``TorchCheckpoint`` do, a bit flipped inside a stored member, or inside a
/// deflated one where inflate still finds a valid stream, would become events or weights that
/// were never recorded. Every member read here is compared with its recorded CRC-32 and size.
enum ZipMember {
  /// Deflate expands at most 1032:1, so a larger declared size is a lie of the header, refused
  /// before anything is reserved for it.
  static let maximumExpansion: UInt64 = 1032

  /// The bytes of `entry` (decompressed when deflated), checked against the archive's CRC-32
  /// and uncompressed size.
  /// - Parameter name: how messages name the member, `archive.zip/path/in/archive`.
  /// - Throws: ``EventsError`` naming the member for an impossible declared size, a stream that
  ///   does not inflate, or bytes whose size or CRC-32 differ from the archive's record.
  static func read(_ entry: Entry, from archive: Archive, name: String) throws -> [UInt8] {
    let declared = entry.uncompressedSize, compressed = entry.compressedSize
    let (bound, overflow) = compressed.multipliedReportingOverflow(by: maximumExpansion)
    guard !overflow, declared <= bound + 1024 else {
      throw EventsError(
        file: name,
        "the archive member declares \(declared) bytes from \(compressed) compressed ones, more than deflate can produce (1032:1); the archive is damaged or crafted")
    }
    var bytes = [UInt8]()
    bytes.reserveCapacity(Int(min(declared, 1 << 26)))
    let checksum: CRC32
    do {
      checksum = try archive.extract(entry, skipCRC32: false) { bytes.append(contentsOf: $0) }
    } catch {
      throw EventsError(file: name, .byte(bytes.count), "corrupt archive member: \(error); the archive is damaged (download it again)")
    }
    guard checksum == entry.checksum, UInt64(bytes.count) == declared else {
      let size = UInt64(bytes.count) == declared ? "" : " and \(bytes.count) bytes where it records \(declared)"
      throw EventsError(
        file: name,
        "corrupt archive member: its bytes have CRC-32 \(hex(checksum)) where the archive records \(hex(entry.checksum))\(size); the archive is damaged (download it again)")
    }
    return bytes
  }
}
