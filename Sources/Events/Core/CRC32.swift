/// CRC-32 (IEEE 802.3, the zip/gzip polynomial), slicing-by-8.
///
/// ```swift
/// var crc = CRC32Checksum()
/// crc.update(bytes)
/// let value = crc.value   // 0xCBF43926 for "123456789"
/// ```
public struct CRC32Checksum: Sendable {
  private var state: UInt32 = 0xFFFF_FFFF

  public init() {}

  /// The checksum of everything passed to `update` so far.
  public var value: UInt32 { state ^ 0xFFFF_FFFF }

  /// Feeds `bytes` into the checksum.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard var p = bytes.baseAddress, !bytes.isEmpty else { return }
    var n = bytes.count
    var crc = state
    CRC32Checksum.tables.withUnsafeBufferPointer { t in
      while n >= 8 {
        let lo = p.loadUnaligned(as: UInt32.self).littleEndian ^ crc
        let hi = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        crc =
          t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
          ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
        p += 8
        n -= 8
      }
      while n > 0 {
        crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
        p += 1
        n -= 1
      }
    }
    state = crc
  }

  /// Feeds the bytes of an array into the checksum.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The checksum of `bytes`.
  public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = CRC32Checksum()
    crc.update(bytes)
    return crc.value
  }

  private static let tables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
      t[i] = c
    }
    for k in 1..<8 {
      for i in 0..<256 {
        let prev = t[(k - 1) * 256 + i]
        t[k * 256 + i] = t[Int(prev & 0xFF)] ^ (prev >> 8)
      }
    }
    return t
  }()
}
