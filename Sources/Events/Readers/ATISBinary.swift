/// Decoder for the ATIS "TD" binary of N-MNIST and N-Caltech101 (datasets.md §1): no header,
/// 5-byte records `x, y, p|t[22:16], t[15:8], t[7:0]` (23-bit big-endian microseconds, bit 23
/// the polarity, 1 = ON).
public enum ATISBinary {
  /// What to do with a record whose y byte is 240, the timestamp-overflow marker of the
  /// original Orchard reader.
  public enum OverflowMarkers: Sendable {
    /// Decode it as an ordinary event, as spikingjelly does.
    case keepAsEvents
    /// Orchard/tonic: add 8,192 µs to it and every later event's time, and drop the marker.
    case applyOrchardRule
    /// Reject the file.
    case reject
  }

  /// Decodes a whole file's bytes into a sample, in file order.
  ///
  /// - Throws: ``EventsError`` naming `file` and the byte offset of a truncated final record,
  ///   an event outside `sensor`, or an overflow marker under `.reject`.
  public static func decode(
    _ bytes: UnsafeRawBufferPointer, file: String, sensor: (width: Int, height: Int)? = nil,
    overflow: OverflowMarkers = .keepAsEvents
  ) throws -> EventSample {
    let records = bytes.count / 5
    if bytes.count % 5 != 0 {
      throw EventsError(file: file, .byte(records * 5), "truncated event (\(bytes.count % 5) of 5 bytes)")
    }
    if overflow == .keepAsEvents {
      // Fast path: one pass per column, no per-event branches beyond the sensor check.
      if let sensor {
        for r in 0..<records where Int(bytes[r * 5]) >= sensor.width || Int(bytes[r * 5 + 1]) >= sensor.height {
          let hint = bytes[r * 5 + 1] == 240 ? " (a timestamp-overflow marker kept as an event; see ATISBinary.OverflowMarkers)" : ""
          throw EventsError(file: file, .byte(r * 5), "event (x \(bytes[r * 5]), y \(bytes[r * 5 + 1])) outside the \(sensor.width)×\(sensor.height) sensor\(hint)")
        }
      }
      let b = bytes
      return EventSample(
        t: Array(unsafeUninitializedCapacity: records) { out, n in
          for r in 0..<records {
            let o = r &* 5
            out[r] = (Int64(b[o &+ 2] & 0x7F) &<< 16) | (Int64(b[o &+ 3]) &<< 8) | Int64(b[o &+ 4])
          }
          n = records
        },
        x: Array(unsafeUninitializedCapacity: records) { out, n in
          for r in 0..<records { out[r] = UInt16(b[r &* 5]) }
          n = records
        },
        y: Array(unsafeUninitializedCapacity: records) { out, n in
          for r in 0..<records { out[r] = UInt16(b[r &* 5 &+ 1]) }
          n = records
        },
        p: Array(unsafeUninitializedCapacity: records) { out, n in
          for r in 0..<records { out[r] = b[r &* 5 &+ 2] &>> 7 }
          n = records
        })
    }
    var sample = EventSample()
    sample.reserveCapacity(records)
    var carry: Int64 = 0
    for r in 0..<records {
      let o = r * 5
      let b0 = bytes[o], b1 = bytes[o + 1], b2 = bytes[o + 2], b3 = bytes[o + 3], b4 = bytes[o + 4]
      if b1 == 240 {
        switch overflow {
        case .keepAsEvents: break
        case .applyOrchardRule:
          carry += 8192
          continue
        case .reject: throw EventsError(file: file, .byte(o), "timestamp-overflow marker (y = 240)")
        }
      }
      if let sensor, Int(b0) >= sensor.width || Int(b1) >= sensor.height {
        throw EventsError(file: file, .byte(o), "event (x \(b0), y \(b1)) outside the \(sensor.width)×\(sensor.height) sensor")
      }
      let t = (Int64(b2 & 0x7F) << 16) | (Int64(b3) << 8) | Int64(b4)
      sample.t.append(t + carry)
      sample.x.append(UInt16(b0))
      sample.y.append(UInt16(b1))
      sample.p.append(b2 >> 7)
    }
    return sample
  }

  /// Decodes a byte array; see ``decode(_:file:sensor:overflow:)``.
  public static func decode(
    _ bytes: [UInt8], file: String, sensor: (width: Int, height: Int)? = nil, overflow: OverflowMarkers = .keepAsEvents
  ) throws -> EventSample {
    try bytes.withUnsafeBytes { (b) in try decode(b, file: file, sensor: sensor, overflow: overflow) }
  }

  /// Encodes a camera sample as ATIS records (the inverse of ``decode(_:file:sensor:overflow:)``
  /// for t < 2²³ µs, x, y < 256); used by tests and fixture writers.
  public static func encode(_ sample: EventSample) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(sample.count * 5)
    for i in 0..<sample.count {
      let t = sample.t[i]
      out.append(UInt8(truncatingIfNeeded: sample.x[i]))
      out.append(UInt8(truncatingIfNeeded: sample.y[i]))
      out.append((sample.p[i] << 7) | UInt8((t >> 16) & 0x7F))
      out.append(UInt8((t >> 8) & 0xFF))
      out.append(UInt8(t & 0xFF))
    }
    return out
  }
}
