import Foundation
import ZIPFoundation

/// Single-member gzip (RFC 1952) decompression on top of ZIPFoundation's raw inflate, with the
/// trailer's CRC-32 and length checked.
enum Gzip {
  /// Decompresses `bytes`; `limit` guards against decompression bombs.
  static func decompress(_ bytes: [UInt8], file: String, limit: Int = 1 << 30) throws -> [UInt8] {
    guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else {
      throw EventsError(file: file, .byte(0), "not a gzip file (bad magic)")
    }
    guard bytes[2] == 8 else { throw EventsError(file: file, .byte(2), "unsupported gzip compression method \(bytes[2])") }
    let flags = bytes[3]
    var offset = 10
    func need(_ n: Int, _ what: String) throws {
      guard offset + n <= bytes.count - 8 else { throw EventsError(file: file, .byte(offset), "truncated gzip header (\(what))") }
    }
    if flags & 0x04 != 0 {
      try need(2, "extra length")
      let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
      offset += 2
      try need(length, "extra field")
      offset += length
    }
    for bit in [UInt8(0x08), 0x10] where flags & bit != 0 {
      while true {
        try need(1, bit == 0x08 ? "file name" : "comment")
        offset += 1
        if bytes[offset - 1] == 0 { break }
      }
    }
    if flags & 0x02 != 0 {
      try need(2, "header CRC")
      offset += 2
    }
    let start = offset
    let compressed = Data(bytes[start..<(bytes.count - 8)])
    var output = [UInt8]()
    output.reserveCapacity(Int(UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8 | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24) & 0x3FFF_FFFF)
    let chunk = 1 << 16
    do {
      _ = try Data.decompress(size: Int64(compressed.count), bufferSize: chunk, skipCRC32: true) { position, size in
        // Past the end, hand zlib zeros (it then fails cleanly) rather than short chunks.
        guard position < Int64(compressed.count) + Int64(chunk) else { throw CocoaError(.fileReadCorruptFile) }
        var piece = Data(count: size)
        let lo = Int(position), hi = min(compressed.count, lo + size)
        if lo < hi { piece.replaceSubrange(0..<(hi - lo), with: compressed[(compressed.startIndex + lo)..<(compressed.startIndex + hi)]) }
        return piece
      } consumer: { data in
        output.append(contentsOf: data)
        if output.count > limit { throw CocoaError(.fileReadTooLarge) }
      }
    } catch {
      throw EventsError(file: file, .byte(start), "corrupt or truncated deflate stream (\(output.count) bytes decompressed)")
    }
    func u32(_ at: Int) -> UInt32 { UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24 }
    let crc = output.withUnsafeBytes { CRC32Checksum.checksum($0) }
    guard crc == u32(bytes.count - 8) else {
      throw EventsError(file: file, .byte(bytes.count - 8), "gzip CRC-32 mismatch (stored \(hex(u32(bytes.count - 8))), computed \(hex(crc)))")
    }
    guard UInt32(truncatingIfNeeded: output.count) == u32(bytes.count - 4) else {
      throw EventsError(file: file, .byte(bytes.count - 4), "gzip length mismatch")
    }
    return output
  }
}
