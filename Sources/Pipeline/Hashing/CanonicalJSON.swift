import Foundation

extension SpecValue {
  /// Canonical JSON: objects with keys sorted by their UTF-8 bytes, no insignificant
  /// whitespace, integral numbers without a fraction (`1e2` → `100`), other numbers in the
  /// shortest form that round-trips (`1.0e-2` → `0.01`), strings with the minimal escapes.
  /// Two values are equal exactly when their canonical JSON is equal.
  public var canonicalJSON: String {
    var out = ""
    SpecValue.write(self, to: &out)
    return out
  }

  private static func write(_ value: SpecValue, to out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let d): out += formatNumber(d)
    case .string(let s): writeString(s, to: &out)
    case .list(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        write(item, to: &out)
      }
      out += "]"
    case .object(let fields):
      out += "{"
      for (i, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
        if i > 0 { out += "," }
        writeString(key, to: &out)
        out += ":"
        write(fields[key]!, to: &out)
      }
      out += "}"
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

  private static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
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
