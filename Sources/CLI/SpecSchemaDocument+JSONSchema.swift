import Foundation
import Pipeline

extension SpecSchemaDocument {
  /// The spec's JSON Schema (draft-07), for the YAML language server: completion, hover docs
  /// and validation in editors. A spec opts in with its first line
  /// `# yaml-language-server: $schema=<path or URL of this file>`.
  ///
  /// It checks what the YAML says before `${VAR}` interpolation: a value written as
  /// `${VAR:-3}` is accepted wherever a number or boolean is.
  public func jsonSchema() throws -> String {
    var properties: [String: Any] = [:]
    for field in fields {
      switch field.name {
      case "include":
        properties["include"] = describe(field, ["anyOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]])
      case "sweep":
        properties["sweep"] = describe(field, sweepSchema())
      case "limits":
        properties["limits"] = describe(field, ["type": "object", "additionalProperties": ["anyOf": [["type": "number"], Self.interpolated]]])
      case "sweep_labels":
        properties["sweep_labels"] = describe(field, sweepLabelsSchema())
      default:
        properties[field.name] = describe(field, Self.json(field.schema))
      }
    }
    let document: [String: Any] = [
      "$schema": "http://json-schema.org/draft-07/schema#",
      "title": "sdfa experiment spec",
      "description": "An sdfa spec (\(PipelineInfo.toolVersion)); every key is described in docs/spec.md and by `sdfa schema`.",
      "type": "object",
      "properties": properties,
      "additionalProperties": false,
    ]
    let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }

  /// A field's schema with its doc and default.
  func describe(_ field: Schema.Field, _ schema: [String: Any]) -> [String: Any] { Self.described(field, schema) }

  static func described(_ field: Schema.Field, _ schema: [String: Any]) -> [String: Any] {
    var result = schema
    if !field.doc.isEmpty { result["description"] = field.doc }
    if let value = field.defaultValue { result["default"] = json(value) }
    return result
  }

  /// A sweep maps each dotted path inside a section to a list of its values, or to named values.
  func sweepSchema() -> [String: Any] {
    var axes: [String: Any] = [:]
    for entry in entries() where entry.owner != nil && entry.path.contains(".") {
      let value = Self.json(entry.field.schema)
      axes[entry.path] = [
        "description": "sweep axis over \(entry.path)" + (entry.field.doc.isEmpty ? "" : ": \(entry.field.doc)"),
        "anyOf": [
          ["type": "array", "minItems": 1, "items": value],
          ["type": "object", "minProperties": 1, "additionalProperties": value],
        ],
      ]
    }
    return ["type": "object", "properties": axes, "additionalProperties": false]
  }

  /// `sweep_labels` maps a swept path (any dotted path inside a section) to its short label.
  func sweepLabelsSchema() -> [String: Any] {
    var labels: [String: Any] = [:]
    for entry in entries() where entry.owner != nil && entry.path.contains(".") {
      labels[entry.path] = ["type": "string", "description": "the label of the sweep axis over \(entry.path)"]
    }
    return ["type": "object", "properties": labels, "additionalProperties": false]
  }

  /// `${VAR}` / `${VAR:-default}` text, accepted in place of a number or boolean.
  static var interpolated: [String: Any] { ["type": "string", "pattern": "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}"] }

  static func json(_ schema: Schema) -> [String: Any] {
    switch schema {
    case .integer(let lo, let hi):
      var result: [String: Any] = ["type": "integer"]
      if let lo { result["minimum"] = lo }
      if let hi { result["maximum"] = hi }
      return ["anyOf": [result, interpolated]]
    case .number(let lo, let hi, let exclusive):
      var result: [String: Any] = ["type": "number"]
      if let lo { result[exclusive ? "exclusiveMinimum" : "minimum"] = lo }
      if let hi { result["maximum"] = hi }
      return ["anyOf": [result, interpolated]]
    case .string:
      // The loader takes any plain scalar as text (`name: 2024`).
      return ["type": ["string", "number", "boolean"]]
    case .boolean:
      return ["anyOf": [["type": "boolean"], interpolated]]
    case .choice(let names):
      return ["enum": names]
    case .list(let item, let minCount):
      var result: [String: Any] = ["type": "array", "items": json(item)]
      if minCount > 0 { result["minItems"] = minCount }
      return result
    case .object(let fields):
      var properties: [String: Any] = [:]
      for field in fields { properties[field.name] = described(field, json(field.schema)) }
      var result: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
      let required = fields.filter(\.required).map(\.name)
      if !required.isEmpty { result["required"] = required }
      return result
    case .oneOf(let alternatives, let description):
      return ["anyOf": alternatives.map(json), "description": description]
    }
  }

  static func json(_ value: SpecValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let d): return d.rounded() == d && abs(d) < 9e15 ? Int(d) as Any : d as Any
    case .string(let s): return s
    case .list(let items): return items.map(json)
    case .object(let fields): return fields.mapValues(json)
    }
  }
}
