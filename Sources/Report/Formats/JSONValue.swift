/// A JSON document with object keys in insertion order, serialised without Foundation so that
/// output is byte-identical everywhere (`JSONEncoder` sorts keys or not, and formats numbers,
/// per platform).
enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  /// Written with 12 significant digits; non-finite numbers as `null` (JSON has no NaN).
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }
  func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

  static func optional(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
  static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

  /// Two-space indented text ending in a newline.
  func serialized() -> String {
    var out = ""
    write(into: &out, indent: 0)
    return out + "\n"
  }

  private func write(into out: inout String, indent: Int) {
    let pad = String(repeating: "  ", count: indent + 1)
    let closing = String(repeating: "  ", count: indent)
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .number(let x): out += x.isFinite ? NumberText.compact(x) : "null"
    case .string(let s): out += Self.quote(s)
    case .array(let items):
      guard !items.isEmpty else { out += "[]"; return }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        item.write(into: &out, indent: indent + 1)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += closing + "]"
    case .object(let members):
      guard !members.isEmpty else { out += "{}"; return }
      out += "{\n"
      for (i, (key, value)) in members.enumerated() {
        out += pad + Self.quote(key) + ": "
        value.write(into: &out, indent: indent + 1)
        out += i + 1 < members.count ? ",\n" : "\n"
      }
      out += closing + "}"
    }
  }

  /// One line without spaces (for JSON Lines), no trailing newline.
  func compact() -> String {
    switch self {
    case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
    case .object(let members): return "{" + members.map { Self.quote($0.0) + ":" + $0.1.compact() }.joined(separator: ",") + "}"
    default:
      var out = ""
      write(into: &out, indent: 0)
      return out
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

extension Summary {
  var json: JSONValue {
    .object([
      ("mean", .optional(mean)), ("std", .optional(std)), ("n", .int(n)), ("non_finite", .int(nonFinite)),
    ])
  }
}

extension ProvenanceSummary {
  var json: JSONValue {
    .object([
      ("line", .string(line)),
      ("data", .array(data.map { .string($0.rawValue) })),
      ("specs", .array(specs.map { .object([("name", .string($0.name)), ("digest", .string($0.digest))]) })),
      ("seeds", .array(seeds.map(JSONValue.string))),
      ("tool_versions", .array(toolVersions.map(JSONValue.string))),
      ("first_date", .optional(firstDate)),
      ("last_date", .optional(lastDate)),
    ])
  }
}
