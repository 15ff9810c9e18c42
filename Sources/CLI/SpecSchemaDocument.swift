import Foundation
import Pipeline

/// The spec's schema as the stage kinds declare it, rendered for people (`sdfa schema`,
/// `docs/spec.md`) and for editors (a JSON Schema for the YAML language server). One source:
/// the same `Schema` values the loader validates against.
public struct SpecSchemaDocument {
  /// One key of the reference: its dotted path, declared schema and field.
  public struct Entry {
    public var path: String
    public var field: Schema.Field
    /// The stage kind that owns the section (nil for top-level keys of the spec itself).
    public var owner: String?
  }

  public let registry: StageRegistry
  public let fields: [Schema.Field]

  public init(registry: StageRegistry) {
    self.registry = registry
    self.fields = Spec.topLevelFields(registry: registry)
  }

  /// The owner stage kind of each section.
  var owners: [String: String] { Dictionary(registry.sections.map { ($0.name, $0.owner) }, uniquingKeysWith: { a, _ in a }) }

  /// Every key, depth first in declaration order: `train`, `train.method`, `train.optimizer`,
  /// `train.optimizer.lr`, …
  public func entries(section: String? = nil) -> [Entry] {
    var result: [Entry] = []
    func walk(_ field: Schema.Field, path: String, owner: String?) {
      result.append(Entry(path: path, field: field, owner: owner))
      for child in Self.children(field.schema) { walk(child, path: "\(path).\(child.name)", owner: owner) }
    }
    for field in fields where section == nil || field.name == section {
      walk(field, path: field.name, owner: owners[field.name])
    }
    return result
  }

  /// The fields inside an object schema (or inside the object alternative of a `oneOf`).
  static func children(_ schema: Schema) -> [Schema.Field] {
    switch schema {
    case .object(let fields): return fields
    case .oneOf(let alternatives, _): return alternatives.lazy.map(children).first { !$0.isEmpty } ?? []
    default: return []
    }
  }

  /// The allowed values in words, where the type alone does not say them.
  static func allowed(_ schema: Schema) -> String {
    switch schema {
    case .choice(let names): return names.joined(separator: ", ")
    case .list(.choice(let names), _): return "each of: " + names.joined(separator: ", ")
    case .integer(let lo, let hi):
      return [lo.map { "≥ \($0)" }, hi.map { "≤ \($0)" }].compactMap { $0 }.joined(separator: ", ")
    case .number(let lo, let hi, let exclusive):
      return [lo.map { (exclusive ? "> " : "≥ ") + SpecValue.formatNumber($0) }, hi.map { "≤ " + SpecValue.formatNumber($0) }]
        .compactMap { $0 }.joined(separator: ", ")
    case .list(_, let minCount) where minCount > 0: return "at least \(minCount) item\(minCount == 1 ? "" : "s")"
    default: return ""
    }
  }

  /// A default as YAML would write it.
  static func render(_ value: SpecValue?) -> String {
    guard let value else { return "" }
    switch value {
    case .string(let text): return text
    default: return value.canonicalJSON
    }
  }

  /// `sdfa schema [SECTION]`: one block per key.
  public func text(section: String? = nil) -> String {
    var lines: [String] = []
    for entry in entries(section: section) {
      let depth = entry.path.split(separator: ".").count - 1
      let indent = String(repeating: "  ", count: depth)
      var head = "\(indent)\(entry.path): \(entry.field.schema.typeDescription)"
      if entry.field.required { head += ", required" }
      if let value = entry.field.defaultValue { head += " = \(Self.render(value))" }
      lines.append(head)
      // Integers and choices say their range or names in the type already.
      switch entry.field.schema {
      case .integer, .choice: break
      default:
        let allowed = Self.allowed(entry.field.schema)
        if !allowed.isEmpty { lines.append("\(indent)    allowed: \(allowed)") }
      }
      if !entry.field.doc.isEmpty { lines.append("\(indent)    \(entry.field.doc)") }
      if depth == 0, let owner = entry.owner { lines.append("\(indent)    (read by the '\(owner)' stage)") }
    }
    return lines.joined(separator: "\n")
  }
}
