import ArgumentParser
import Foundation
import Pipeline

/// The named values of a run that `sdfa runs` filters, sorts and shows: `spec`, `point`, the
/// sweep axes by label (`tau`, `method`, `seed`), every scalar metric (`best_test_accuracy`,
/// `spike_rates.1`), `wall_s`, `key` and `key_<kind>`, and every param by dotted path
/// (`train.method`, `model.neuron.tau`).
struct RunFields {
  let entry: RunEntry
  /// Everything but the params, in display order.
  let shown: [(name: String, value: SpecValue)]

  init(_ entry: RunEntry) {
    self.entry = entry
    var shown: [(name: String, value: SpecValue)] = [("spec", .string(entry.spec)), ("point", .string(entry.point))]
    shown += entry.coordinates.map { (name: $0.axis, value: SpecValue.string($0.value)) }
    shown += entry.scalarMetrics
    shown.append(("wall_s", .number(entry.wallSeconds)))
    shown.append(("key", .string(entry.key)))
    shown += entry.keys.sorted { $0.key < $1.key }.map { (name: "key_\($0.key)", value: SpecValue.string($0.value)) }
    if !entry.current { shown.append(("current", .bool(false))) }
    self.shown = shown
  }

  /// The value named `name`: a shown field first, then a param.
  func value(_ name: String) -> SpecValue? {
    shown.first { $0.name == name }?.value ?? entry.params[name]
  }

  var names: Set<String> { Set(shown.map(\.name)).union(entry.params.keys) }
}

/// One `--where` condition: `FIELD OP VALUE` with OP one of = != < <= > >=. Values compare as
/// numbers when both sides are numbers, else as text.
struct RunCondition: Sendable {
  enum Op: String, Sendable { case eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }
  var field: String
  var op: Op
  var value: String

  init(parsing text: String) throws {
    guard let start = text.firstIndex(where: { "=!<>".contains($0) }) else {
      throw ValidationError("--where '\(text)' has no comparison: write FIELD=VALUE (or != < <= > >=), e.g. --where 'train.method=sdfa'")
    }
    let rest = text[start...]
    let opText = rest.hasPrefix("!=") || rest.hasPrefix("<=") || rest.hasPrefix(">=") ? String(rest.prefix(2)) : String(rest.prefix(1))
    guard let op = Op(rawValue: opText) else {
      throw ValidationError("--where '\(text)': '\(opText)' is not a comparison (use = != < <= > >=)")
    }
    field = text[..<start].trimmingCharacters(in: .whitespaces)
    value = String(rest.dropFirst(opText.count)).trimmingCharacters(in: .whitespaces)
    self.op = op
    guard !field.isEmpty else { throw ValidationError("--where '\(text)' names no field before '\(opText)'") }
  }

  func matches(_ fields: RunFields) -> Bool {
    guard let actual = fields.value(field) else { return false }
    let order: ComparisonResult
    if let a = RunValues.number(actual), let b = Double(value) {
      order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
    } else {
      let a = RunValues.text(actual)
      order = a < value ? .orderedAscending : a > value ? .orderedDescending : .orderedSame
    }
    switch op {
    case .eq: return order == .orderedSame
    case .ne: return order != .orderedSame
    case .lt: return order == .orderedAscending
    case .le: return order != .orderedDescending
    case .gt: return order == .orderedDescending
    case .ge: return order != .orderedAscending
    }
  }
}

/// Formatting and comparing field values.
enum RunValues {
  /// A number, or a text that reads as one (sweep coordinates are text).
  static func number(_ v: SpecValue) -> Double? {
    switch v {
    case .number(let d): d
    case .string(let s): Double(s)
    default: nil
    }
  }

  /// Full precision: strings as they are, numbers in canonical form, lists as JSON.
  static func text(_ v: SpecValue) -> String {
    switch v {
    case .string(let s): s
    case .number(let d): SpecValue.formatNumber(d).replacingOccurrences(of: "\"", with: "")
    default: v.canonicalJSON
    }
  }

  /// Short, for tables: four decimals, or three significant digits in scientific notation.
  static func short(_ v: SpecValue) -> String {
    guard case .number(let d) = v, d.isFinite else { return text(v) }
    if d == d.rounded() && abs(d) < 1e9 { return String(Int(d)) }
    return abs(d) >= 1e-3 && abs(d) < 1e5 ? String(format: "%.4f", d) : String(format: "%.3e", d)
  }

  /// Orders two optional values: numbers numerically, texts lexically, missing last.
  static func ascending(_ a: SpecValue?, _ b: SpecValue?) -> Bool? {
    switch (a, b) {
    case (nil, nil): return nil
    case (nil, _): return false
    case (_, nil): return true
    case (let a?, let b?):
      if let x = number(a), let y = number(b) { return x == y ? nil : x < y }
      let x = text(a), y = text(b)
      return x == y ? nil : x < y
    }
  }
}

/// `--sort FIELD` or `--sort FIELD:desc`.
struct RunSort: Sendable {
  var field: String
  var descending: Bool

  init(_ text: String) {
    if text.hasSuffix(":desc") { field = String(text.dropLast(5)); descending = true }
    else if text.hasSuffix(":asc") { field = String(text.dropLast(4)); descending = false }
    else { field = text; descending = false }
  }

  /// Sorts stably by the keys in order.
  static func apply(_ sorts: [RunSort], to rows: [RunFields]) -> [RunFields] {
    guard !sorts.isEmpty else { return rows }
    return rows.enumerated().sorted { x, y in
      for sort in sorts {
        let a = x.element.value(sort.field), b = y.element.value(sort.field)
        // Missing values go last either way.
        if (a == nil) != (b == nil) { return a != nil }
        if let less = RunValues.ascending(a, b) { return sort.descending ? !less : less }
      }
      return x.offset < y.offset
    }.map(\.element)
  }
}

/// Checks that every named field exists in some run, suggesting near names when not.
func checkFieldNames(_ names: [String], option: String, in rows: [RunFields]) throws {
  let known = rows.reduce(into: Set<String>()) { $0.formUnion($1.names) }
  for name in names where !known.contains(name) {
    let near = known.filter { $0.hasSuffix(name) || $0.hasPrefix(name) || name.hasSuffix($0) }.sorted().prefix(5)
    let hint = near.isEmpty
      ? "fields are spec, point, the sweep axes, metrics such as best_test_accuracy, wall_s, key and params such as train.method (sdfa runs --format json shows them all)"
      : "did you mean \(near.joined(separator: ", "))?"
    throw ValidationError("\(option) names '\(name)', which no listed run has: \(hint)")
  }
}
