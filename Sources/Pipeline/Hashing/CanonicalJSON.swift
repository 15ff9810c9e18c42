import Foundation

extension SpecValue {
  /// Canonical JSON: objects with keys sorted by their UTF-8 bytes, no insignificant
  /// whitespace, integral numbers without a fraction (`1e2` → `100`), other numbers in the
  /// shortest form that round-trips (`1.0e-2` → `0.01`), strings with the minimal escapes.
  /// Two values are equal exactly when their canonical JSON is equal.
  public var canonicalJSON: String {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    SpecValue.write(self, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  // Written as bytes: appending to a `String` scalar by scalar costs several times more, and
  // this runs for every node of every graph (keys and identities).
  /// Appends the canonical JSON of `value` to `out`; where `flush` is given, it is called
  /// whenever `out` passes 64 KiB (between values), to hand the bytes on and empty it.
  static func write(_ value: SpecValue, to out: inout [UInt8], flush: ((inout [UInt8]) -> Void)? = nil) {
    if let flush, out.count >= 1 << 16 { flush(&out) }
    switch value {
    case .null: out += "null".utf8
    case .bool(let b): out += (b ? "true" : "false").utf8
    case .number(let d): out += formatNumber(d).utf8
    case .string(let s): writeString(s, to: &out)
    case .list(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        write(item, to: &out, flush: flush)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      // Sorted by UTF-8 bytes, compared in place (no per-key arrays: large sweeps write
      // hundreds of thousands of objects).
      let entries = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      for (i, entry) in entries.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeString(entry.key, to: &out)
        out.append(UInt8(ascii: ":"))
        write(entry.value, to: &out, flush: flush)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// The canonical text of a number: integers (|x| < 2^53) without a fraction, others by
  /// Swift's shortest round-tripping description; non-finite values as strings.
  public static func formatNumber(_ d: Double) -> String {
    if d.isNaN { return "\"nan\"" }
    if d.isInfinite { return d > 0 ? "\"inf\"" : "\"-inf\"" }
    if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
    return "\(d)"
  }

  private static let hex = Array("0123456789abcdef".utf8)

  static func writeString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

extension SpecValue: Codable {
  /// Parses JSON text (as written by `canonicalJSON` or any JSON encoder).
  public init(json: String) throws {
    self = try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8))
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() { self = .null }
    else if let b = try? c.decode(Bool.self) { self = .bool(b) }
    else if let d = try? c.decode(Double.self) { self = .number(d) }
    else if let s = try? c.decode(String.self) { self = .string(s) }
    else if let l = try? c.decode([SpecValue].self) { self = .list(l) }
    else { self = .object(try c.decode([String: SpecValue].self)) }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .number(let d): try c.encode(d)
    case .string(let s): try c.encode(s)
    case .list(let l): try c.encode(l)
    case .object(let o): try c.encode(o)
    }
  }
}
