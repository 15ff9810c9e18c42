extension Spec {
  /// The `limits:` section: dotted field paths mapped to raised maxima, written flat
  /// (`limits: {frames.T: 50000}`) or nested (`limits: {frames: {T: 50000}}`, which
  /// `--set limits.frames.T=50000` produces). It changes what validation accepts, never a
  /// stage's params, so it enters no key.
  static func raisedLimits(_ node: SpecNode?, known: [String: PlausibleLimit], errors: inout [SpecError]) -> [String: Double] {
    guard let node else { return [:] }
    var raised: [String: Double] = [:]
    func walk(_ node: SpecNode, _ prefix: String) {
      guard let entries = node.entries else {
        errors.append(SpecError(node.location, "'limits' must map field paths to numbers, found \(node.shapeDescription)",
                                hint: "for example: limits: {frames.T: 50000}"))
        return
      }
      for entry in entries {
        let path = prefix.isEmpty ? entry.key : "\(prefix).\(entry.key)"
        if case .mapping = entry.value.kind {
          walk(entry.value, path)
          continue
        }
        guard let limit = known[path] else {
          let suggestion = nearest(path, in: known.keys).map { "did you mean '\($0)'? " } ?? ""
          errors.append(SpecError(entry.keyLocation, "'\(path)' has no plausible limit to raise",
                                  hint: "\(suggestion)fields with limits: \(known.keys.sorted().joined(separator: ", "))"))
          continue
        }
        guard case .scalar(let text, true) = entry.value.kind, let value = Double(yamlNumber: text), value >= limit.maximum else {
          errors.append(SpecError(entry.value.location, "the limit of '\(path)' must be a number ≥ its default \(SpecValue.formatNumber(limit.maximum)), found \(entry.value.shapeDescription)",
                                  hint: "write limits: {\(path): N} with N the largest value you mean to use"))
          continue
        }
        raised[path] = value
      }
    }
    walk(node, "")
    return raised
  }

  /// Values of the base configuration and of the sweep axes past their fields' plausible
  /// limits (as raised by `limits:`), each with the range and how to raise it.
  static func limitProblems(
    base: SpecValue, axes: [SweepAxis], limits: [(path: String, limit: PlausibleLimit)], raised: [String: Double],
    locations: [String: SourceLocation], file: String
  ) -> [SpecError] {
    var problems: [SpecError] = []
    func check(_ value: SpecValue, path: String, limit: PlausibleLimit, at location: SourceLocation) {
      let maximum = raised[path] ?? limit.maximum
      let numbers: [Double]
      switch value {
      case .number(let x): numbers = [x]
      case .list(let items): numbers = items.compactMap { if case .number(let x) = $0 { x } else { nil } }
      default: numbers = []
      }
      guard let worst = numbers.max(), worst > maximum else { return }
      let bound = SpecValue.formatNumber(maximum)
      problems.append(SpecError(
        location, "'\(path)' is \(SpecValue.formatNumber(worst)), past its plausible range ≤ \(bound) (\(limit.reason))",
        hint: "use a value ≤ \(bound); if you mean it, raise the limit in the spec: limits: {\(path): \(SpecValue.formatNumber(worst))}"))
    }
    for (path, limit) in limits {
      if let value = base[path: path] {
        check(value, path: path, limit: limit, at: locations[path] ?? SourceLocation(file: file, line: 1, column: 1))
      }
      for axis in axes where axis.path == path {
        for value in axis.values {
          check(value.value, path: path, limit: limit, at: locations["sweep.\(path)"] ?? locations["sweep"] ?? SourceLocation(file: file))
        }
      }
    }
    return problems
  }
}
