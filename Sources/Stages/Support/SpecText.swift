import Pipeline

/// The spec as the report shows it: the configuration every point shares, in YAML, then the
/// swept paths with their values in a `sweep:` block. Built from the report's params (the
/// points' configurations), so it is exactly what ran.
enum SpecText {
  static func render(points: [SpecValue], paths: [String: String]) -> String {
    let configs = points.compactMap { $0[path: "config"] }
    guard var base = configs.first else { return "" }
    base = base.setting("seed", to: .null)
    var sweep: [(path: String, values: [SpecValue])] = []
    for path in paths.values.sorted() {
      var values: [SpecValue] = []
      for config in configs {
        if let v = config[path: path], !values.contains(where: { $0.canonicalJSON == v.canonicalJSON }) { values.append(v) }
      }
      sweep.append((path, values))
    }
    let seeds = configs.compactMap { $0[path: "seed"]?.intValue }
    var lines = yaml(base, indent: 0)
    lines.append("seeds: [" + Array(Set(seeds)).sorted().map(String.init).joined(separator: ", ") + "]")
    if !sweep.isEmpty {
      lines.append("sweep:")
      for axis in sweep { lines.append("  \(axis.path): [" + axis.values.map(inline).joined(separator: ", ") + "]") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Block YAML for mappings, flow style for lists; keys sorted; null values left out.
  static func yaml(_ value: SpecValue, indent: Int) -> [String] {
    guard case .object(let fields) = value else { return [String(repeating: " ", count: indent) + inline(value)] }
    var lines: [String] = []
    let pad = String(repeating: " ", count: indent)
    for key in fields.keys.sorted() {
      let v = fields[key]!
      if case .null = v { continue }
      if case .object(let inner) = v, !inner.isEmpty {
        lines.append("\(pad)\(key):")
        lines += yaml(v, indent: indent + 2)
      } else {
        lines.append("\(pad)\(key): \(inline(v))")
      }
    }
    return lines
  }

  static func inline(_ value: SpecValue) -> String {
    switch value {
    case .null: "null"
    case .bool(let b): String(b)
    case .number(let d): SpecValue.formatNumber(d)
    case .string(let s): s.isEmpty || s.contains(where: { ":#,[]{}&*!|>'\"%@`".contains($0) }) || s.hasPrefix(" ") ? "\"\(s)\"" : s
    case .list(let items): "[" + items.map(inline).joined(separator: ", ") + "]"
    case .object(let fields): "{" + fields.keys.sorted().map { "\($0): \(inline(fields[$0]!))" }.joined(separator: ", ") + "}"
    }
  }
}
