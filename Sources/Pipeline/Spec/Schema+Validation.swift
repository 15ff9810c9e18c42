extension Schema {
  /// Validates `node` and converts it to a typed value, filling defaults. Every problem is
  /// appended to `errors` (validation goes on, so a user sees all of them at once); the
  /// returned value is meaningful only when no error was added.
  public func validate(_ node: SpecNode, path: String, errors: inout [SpecError]) -> SpecValue {
    switch self {
    case .integer(let lo, let hi):
      guard let value = number(node, path: path, errors: &errors) else { return .null }
      guard value.rounded() == value, abs(value) < 9e15 else {
        errors.append(SpecError(node.location, "'\(path)' must be a whole number, found \(node.shapeDescription)",
                                hint: "write an integer such as \(lo ?? 1)"))
        return .null
      }
      if let lo, Int(value) < lo { errors.append(rangeError(node, path, "≥ \(lo)")) }
      if let hi, Int(value) > hi { errors.append(rangeError(node, path, "≤ \(hi)")) }
      return .number(value)
    case .number(let lo, let hi, let exclusive):
      guard let value = number(node, path: path, errors: &errors) else { return .null }
      if let lo, exclusive ? value <= lo : value < lo {
        errors.append(rangeError(node, path, exclusive ? "> \(SpecValue.formatNumber(lo))" : "≥ \(SpecValue.formatNumber(lo))"))
      }
      if let hi, value > hi { errors.append(rangeError(node, path, "≤ \(SpecValue.formatNumber(hi))")) }
      return .number(value)
    case .string:
      guard case .scalar(let text, let plain) = node.kind, !(plain && isNull(text)) else {
        errors.append(typeError(node, path))
        return .null
      }
      return .string(text)
    case .boolean:
      guard case .scalar(let text, true) = node.kind, let value = Bool(yaml: text) else {
        errors.append(typeError(node, path))
        return .null
      }
      return .bool(value)
    case .choice(let names):
      guard case .scalar(let text, _) = node.kind, !text.isEmpty else {
        errors.append(typeError(node, path))
        return .null
      }
      guard names.contains(text) else {
        let suggestion = nearest(text, in: names).map { "did you mean '\($0)'? " } ?? ""
        errors.append(SpecError(node.location, "unknown value '\(text)' for '\(path)'",
                                hint: "\(suggestion)use one of: \(names.joined(separator: ", "))"))
        return .null
      }
      return .string(text)
    case .list(let item, let minCount):
      guard case .sequence(let items) = node.kind else {
        errors.append(typeError(node, path))
        return .null
      }
      if items.count < minCount {
        errors.append(SpecError(node.location, "'\(path)' needs at least \(minCount) item\(minCount == 1 ? "" : "s"), found \(items.count)"))
      }
      return .list(items.enumerated().map { item.validate($1, path: "\(path)[\($0)]", errors: &errors) })
    case .object(let fields):
      return validateObject(node, fields: fields, path: path, errors: &errors)
    case .oneOf(let alternatives, let description):
      // Try the alternatives whose shape fits first, so a list with a bad item reports that
      // item rather than "must be an integer".
      let fitting = alternatives.filter { $0.accepts(shapeOf: node) }
      var best: [SpecError]?
      for alternative in fitting + alternatives.filter({ !$0.accepts(shapeOf: node) }) {
        var attempt: [SpecError] = []
        let value = alternative.validate(node, path: path, errors: &attempt)
        if attempt.isEmpty { return value }
        if best == nil { best = attempt }
      }
      if !fitting.isEmpty, let best {
        errors += best
      } else {
        errors.append(SpecError(node.location, "'\(path)' must be \(description), found \(node.shapeDescription)",
                                hint: "write, for example, \(alternatives.first?.example ?? "a value")"))
      }
      return .null
    }
  }

  private func validateObject(_ node: SpecNode, fields: [Field], path: String, errors: inout [SpecError]) -> SpecValue {
    guard let entries = node.entries else {
      errors.append(typeError(node, path))
      return .null
    }
    var result: [String: SpecValue] = [:]
    let prefix = path.isEmpty ? "" : "\(path)."
    for entry in entries {
      guard let field = fields.first(where: { $0.name == entry.key }) else {
        let names = fields.map(\.name)
        let where_ = path.isEmpty ? "at the top level" : "in '\(path)'"
        if let suggestion = nearest(entry.key, in: names) {
          errors.append(SpecError(entry.keyLocation, "unknown key '\(entry.key)' \(where_); did you mean '\(suggestion)'?",
                                  hint: "rename it to '\(suggestion)'"))
        } else {
          errors.append(SpecError(entry.keyLocation, "unknown key '\(entry.key)' \(where_)",
                                  hint: "valid keys: \(names.joined(separator: ", "))"))
        }
        continue
      }
      result[entry.key] = field.schema.validate(entry.value, path: prefix + entry.key, errors: &errors)
    }
    for field in fields where result[field.name] == nil {
      if field.required {
        errors.append(SpecError(node.location, "missing required key '\(prefix + field.name)'",
                                hint: field.doc.isEmpty ? "add '\(field.name): …'" : "add '\(field.name):' (\(field.doc))"))
      } else if let value = field.defaultValue {
        result[field.name] = value
      } else if !path.isEmpty, case .object(let inner) = field.schema, !inner.contains(where: \.required),
        inner.contains(where: { $0.defaultValue != nil }) {
        // An omitted block takes its fields' defaults, so writing them out changes no key.
        var ignored: [SpecError] = []
        result[field.name] = field.schema.validate(SpecNode(.mapping([]), at: node.location), path: prefix + field.name, errors: &ignored)
      }
    }
    return .object(result)
  }

  /// Whether the node's shape (scalar, list, mapping) is the one this schema takes.
  func accepts(shapeOf node: SpecNode) -> Bool {
    switch (self, node.kind) {
    case (.list, .sequence), (.object, .mapping): true
    case (.integer, .scalar), (.number, .scalar), (.string, .scalar), (.boolean, .scalar), (.choice, .scalar): true
    case (.oneOf(let alternatives, _), _): alternatives.contains { $0.accepts(shapeOf: node) }
    default: false
    }
  }

  private func number(_ node: SpecNode, path: String, errors: inout [SpecError]) -> Double? {
    guard case .scalar(let text, true) = node.kind, let value = Double(yamlNumber: text) else {
      errors.append(typeError(node, path))
      return nil
    }
    return value
  }

  private func typeError(_ node: SpecNode, _ path: String) -> SpecError {
    var hint = "write \(typeDescription), for example \(example)"
    if case .scalar(_, false) = node.kind, case .scalar(let text, _) = node.kind, Double(yamlNumber: text) != nil {
      hint = "remove the quotes: a quoted value is a string"
    }
    return SpecError(node.location, "'\(path)' must be \(typeDescription), found \(node.shapeDescription)", hint: hint)
  }

  private func rangeError(_ node: SpecNode, _ path: String, _ bound: String) -> SpecError {
    SpecError(node.location, "'\(path)' must be \(bound), found \(node.shapeDescription)",
              hint: "choose a value \(bound)")
  }
}

private func isNull(_ text: String) -> Bool { text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" }

extension Bool {
  /// YAML 1.2 core-schema booleans.
  init?(yaml text: String) {
    switch text {
    case "true", "True", "TRUE": self = true
    case "false", "False", "FALSE": self = false
    default: return nil
    }
  }
}

extension Double {
  /// YAML 1.2 core-schema numbers (`1e-2`, `1.0e-2`, `.5`, `0x1F`, `1_000`), finite only.
  init?(yamlNumber text: String) {
    let t = text.replacingOccurrences(of: "_", with: "")
    if t.hasPrefix("0x"), let v = Int(t.dropFirst(2), radix: 16) { self = Double(v); return }
    if t.hasPrefix("0o"), let v = Int(t.dropFirst(2), radix: 8) { self = Double(v); return }
    guard let first = t.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
    guard let v = Double(t), v.isFinite else { return nil }
    self = v
  }
}
