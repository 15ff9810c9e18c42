import Foundation
import Pipeline

/// How `sdfa runs` prints runs: an aligned table, CSV (RFC 4180) or JSON.
enum RunsRendering {
  /// The columns shown when `--columns` is not given: spec, the sweep axes, the headline
  /// metrics the stage kinds declare, wall time and the training's key; CSV adds every metric
  /// and every stage key.
  static func defaultColumns(_ rows: [RunFields], registry: StageRegistry, full: Bool) -> [String] {
    var columns = ["spec"]
    if full { columns.append("point") }
    for row in rows { for c in row.entry.coordinates where !columns.contains(c.axis) { columns.append(c.axis) } }
    if full {
      let fixed: Set<String> = Set(columns).union(["spec", "point", "wall_s", "key", "current"])
      for row in rows { for (name, _) in row.shown where !fixed.contains(name) && !name.hasPrefix("key_") && !columns.contains(name) { columns.append(name) } }
      columns += ["wall_s", "key"]
      for row in rows { for (name, _) in row.shown where name.hasPrefix("key_") && !columns.contains(name) { columns.append(name) } }
      return columns
    }
    let present = rows.reduce(into: Set<String>()) { set, row in set.formUnion(row.shown.map(\.name)) }
    for stage in registry.stages { for name in stage.headlineMetrics where present.contains(name) && !columns.contains(name) { columns.append(name) } }
    return columns + ["wall_s", "key"]
  }

  static func table(_ rows: [RunFields], columns: [String]) -> String {
    let cells: [[String]] = rows.map { row in
      columns.map { column in
        guard let v = row.value(column) else { return "—" }
        if column == "key" || column.hasPrefix("key_"), case .string(let k) = v { return String(k.prefix(12)) }
        return column == "wall_s" ? String(format: "%.1f", RunValues.number(v) ?? 0) : RunValues.short(v)
      }
    }
    let numeric = columns.indices.map { c in rows.allSatisfy { $0.value(columns[c]).flatMap(RunValues.number) != nil } }
    let widths = columns.indices.map { c in max(columns[c].count, cells.map { $0[c].count }.max() ?? 0) }
    func line(_ items: [String]) -> String {
      items.indices.map { c in
        numeric[c] ? String(repeating: " ", count: widths[c] - items[c].count) + items[c]
          : items[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    return ([line(columns)] + cells.map(line)).joined(separator: "\n")
  }

  static func csv(_ rows: [RunFields], columns: [String]) -> String {
    func field(_ text: String) -> String {
      text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    let lines = [columns.map(field).joined(separator: ",")]
      + rows.map { row in columns.map { row.value($0).map { field(RunValues.text($0)) } ?? "" }.joined(separator: ",") }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// Every run in full (params, every metric with its per-epoch curves), or only `columns`.
  static func json(_ rows: [RunFields], columns: [String]?) -> String {
    SpecValue.list(rows.map { row -> SpecValue in
      if let columns { return .object(Dictionary(columns.map { ($0, row.value($0) ?? .null) }, uniquingKeysWith: { a, _ in a })) }
      return document(row.entry)
    }).canonicalJSON
  }

  static func document(_ e: RunEntry) -> SpecValue {
    var fields: [String: SpecValue] = [
      "spec": .string(e.spec), "point": .string(e.point),
      "coordinates": .object(Dictionary(e.coordinates.map { ($0.axis, .string($0.value)) }, uniquingKeysWith: { a, _ in a })),
      "axes": .list(e.coordinates.map { .string($0.axis) }),
      "key": .string(e.key), "keys": .object(e.keys.mapValues { .string($0) }), "current": .bool(e.current),
      "started": .number(e.started), "finished": .number(e.finished), "wall_s": .number(e.wallSeconds),
      "params": .object(e.params), "metrics": .object(e.metrics),
    ]
    if let digest = e.specDigest { fields["spec_digest"] = .string(digest) }
    return .object(fields)
  }

  /// The params that differ between two runs (present in one only counts), as `dvc params diff`.
  static func differences(_ a: RunEntry, _ b: RunEntry) -> [(param: String, a: SpecValue?, b: SpecValue?)] {
    Set(a.params.keys).union(b.params.keys).sorted().compactMap { path in
      a.params[path] == b.params[path] ? nil : (path, a.params[path], b.params[path])
    }
  }

  static func diffText(_ a: RunEntry, _ b: RunEntry) -> String {
    let rows = differences(a, b)
    var text = "A  \(a.spec)  \(a.point)  (key \(a.key.prefix(12)))\nB  \(b.spec)  \(b.point)  (key \(b.key.prefix(12)))\n"
    guard !rows.isEmpty else { return text + "no params differ (\(a.params.count) params compared)" }
    // A section only one run has (the hardware of a spec without one) is one line.
    func section(_ path: String) -> String { String(path.prefix { $0 != "." }) }
    func only(_ params: [String: SpecValue], _ other: [String: SpecValue], _ name: String) -> Bool {
      params.keys.contains { section($0) == name } && !other.keys.contains { section($0) == name }
    }
    var cells = [["param", "A", "B"]], folded = Set<String>()
    for row in rows {
      let name = section(row.param)
      let inA = only(a.params, b.params, name), inB = only(b.params, a.params, name)
      let count = rows.filter { section($0.param) == name }.count
      if (inA || inB) && count > 1 {
        if folded.insert(name).inserted {
          cells.append(["\(name).*", inA ? "(\(count) params)" : "—", inB ? "(\(count) params)" : "—"])
        }
        continue
      }
      cells.append([row.param, row.a.map(RunValues.text) ?? "—", row.b.map(RunValues.text) ?? "—"])
    }
    let widths = (0..<3).map { c in cells.map { $0[c].count }.max() ?? 0 }
    text += "\n" + cells.map { row in
      row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }.joined(separator: "\n")
    return text
  }

  static func diffJSON(_ a: RunEntry, _ b: RunEntry) -> String {
    func identity(_ e: RunEntry) -> SpecValue { .object(["spec": .string(e.spec), "point": .string(e.point), "key": .string(e.key)]) }
    return SpecValue.object([
      "a": identity(a), "b": identity(b),
      "params": .object(Dictionary(uniqueKeysWithValues: differences(a, b).map { ($0.param, .list([$0.a ?? .null, $0.b ?? .null])) })),
    ]).canonicalJSON
  }
}
