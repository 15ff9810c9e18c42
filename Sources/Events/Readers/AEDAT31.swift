/// Decoder for AEDAT 3.1 files (DVS128 Gesture; datasets.md §2): `#`-prefixed CR LF header
/// lines from `#!AER-DAT3.1` to `#!END-HEADER`, then packets of a 28-byte little-endian header
/// and `eventCapacity × eventSize` bytes of events. Polarity packets (type 1, 8-byte events:
/// `uint32 data, int32 timestamp`) become events; other packets are skipped. As in spikingjelly,
/// every slot of the payload becomes an event (valid bit and `eventNumber` ignored).
public enum AEDAT31 {
  /// Decoded polarity events of one file.
  public struct Recording: Equatable, Sendable {
    public var sample: EventSample
    /// Header lines without `#` and line ends.
    public var header: [String]
    /// Slots whose valid bit was clear (kept, as spikingjelly does).
    public var invalidSlots: Int
  }

  /// Decodes `bytes`; coordinates must fit `sensor` (128 × 128 for DVS128).
  public static func decode(_ bytes: UnsafeRawBufferPointer, file: String, sensor: (width: Int, height: Int) = (128, 128)) throws -> Recording {
    var offset = 0
    var header: [String] = []
    let size = bytes.count
    // Header lines.
    while true {
      guard offset < size, bytes[offset] == UInt8(ascii: "#") else {
        throw EventsError(file: file, .byte(offset), header.isEmpty ? "not an AEDAT file (no '#!AER-DAT' header)" : "header ends without '#!END-HEADER'")
      }
      var end = offset
      while end < size && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      guard end < size else { throw EventsError(file: file, .byte(offset), "truncated header line") }
      var lineEnd = end
      if lineEnd > offset && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
      let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 1)..<lineEnd]), as: UTF8.self)
      if header.isEmpty && !line.hasPrefix("!AER-DAT3") {
        throw EventsError(file: file, .byte(offset), "unsupported AEDAT version '#\(line)' (expected #!AER-DAT3.1)")
      }
      header.append(line)
      offset = end + 1
      if line == "!END-HEADER" { break }
    }
    var sample = EventSample()
    var invalid = 0
    while offset < size {
      guard size - offset >= 28 else {
        throw EventsError(file: file, .byte(offset), "truncated packet header (\(size - offset) of 28 bytes)")
      }
      func i16(_ at: Int) -> Int { Int(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int16.self))) }
      func i32(_ at: Int) -> Int { Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self))) }
      let type = i16(offset), eventSize = i32(offset + 4), overflow = i32(offset + 12), capacity = i32(offset + 16)
      guard eventSize > 0, capacity >= 0, eventSize <= 1 << 20, capacity <= 1 << 30 else {
        throw EventsError(file: file, .byte(offset), "corrupt packet header (event size \(eventSize), capacity \(capacity))")
      }
      let payload = eventSize * capacity
      let start = offset + 28
      guard payload <= size - start else {
        throw EventsError(file: file, .byte(offset), "truncated packet: \(payload) bytes of events declared, \(size - start) left")
      }
      if type == 1 {
        guard eventSize == 8 else { throw EventsError(file: file, .byte(offset + 4), "polarity packet with \(eventSize)-byte events (expected 8)") }
        sample.reserveCapacity(sample.count + capacity)
        let high = Int64(overflow) << 31
        for k in 0..<capacity {
          let at = start + 8 * k
          let data = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
          let ts = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: Int32.self))
          let x = Int((data >> 17) & 0x7FFF), y = Int((data >> 2) & 0x7FFF)
          guard x < sensor.width, y < sensor.height else {
            throw EventsError(file: file, .byte(at), "event (x \(x), y \(y)) outside the \(sensor.width)×\(sensor.height) sensor")
          }
          if data & 1 == 0 { invalid += 1 }
          sample.t.append(high | Int64(ts))
          sample.x.append(UInt16(x))
          sample.y.append(UInt16(y))
          sample.p.append(UInt8((data >> 1) & 1))
        }
      }
      offset = start + payload
    }
    return Recording(sample: sample, header: header, invalidSlots: invalid)
  }

  /// Decodes a byte array; see ``decode(_:file:sensor:)``.
  public static func decode(_ bytes: [UInt8], file: String, sensor: (width: Int, height: Int) = (128, 128)) throws -> Recording {
    try bytes.withUnsafeBytes { try decode($0, file: file, sensor: sensor) }
  }

  /// Encodes camera events as an AEDAT 3.1 file with polarity packets of at most
  /// `packetCapacity` events (timestamps split into overflow and low 31 bits); for fixtures.
  public static func encode(_ sample: EventSample, packetCapacity: Int = 4096, extraHeader: [String] = ["Format: RAW", "Source 1: DVS128"]) -> [UInt8] {
    var out = [UInt8]()
    for line in ["!AER-DAT3.1"] + extraHeader + ["!END-HEADER"] { out += Array("#\(line)\r\n".utf8) }
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    var k = 0
    while k < sample.count {
      let overflow = sample.t[k] >> 31
      var end = k
      while end < sample.count && end - k < packetCapacity && sample.t[end] >> 31 == overflow { end += 1 }
      put(Int16(1)); put(Int16(1)); put(Int32(8)); put(Int32(4)); put(Int32(overflow))
      put(Int32(end - k)); put(Int32(end - k)); put(Int32(end - k))
      for i in k..<end {
        put(UInt32(sample.x[i]) << 17 | UInt32(sample.y[i]) << 2 | UInt32(sample.p[i]) << 1 | 1)
        put(Int32(sample.t[i] & 0x7FFF_FFFF))
      }
      k = end
    }
    return out
  }
}
