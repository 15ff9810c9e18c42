/// One axis of a sweep: a dotted spec path and the values it takes.
public struct SweepAxis: Sendable {
  public struct Value: Sendable {
    /// The readable name in point ids (`1000x1000`, or the name the user gave).
    public var label: String
    public var value: SpecValue
    /// Where the value and each value below it came from, by path relative to the value
    /// (`""`: the value itself).
    public var origins: [String: ValueOrigin] = [:]
  }

  public var path: String
  /// The name in point ids: the path's last component, or the whole path where that is ambiguous.
  public var label: String
  public var values: [Value]
}

/// One sweep point at one seed: a complete configuration and its readable id.
public struct SweepPoint: Sendable {
  /// `hidden=1000x1000/method=sdfa/seed=2`.
  public var id: String
  /// (axis label, value label) in axis order, the seed last.
  public var assignments: [(axis: String, value: String)]
  /// The configuration with the axes' values applied and `seed` set.
  ///
  /// Made when read: the seeds of a sweep point hold one shared configuration and their own
  /// seed (a configuration per point was 700 bytes each, 70 MB at 100,000 points).
  public var config: SpecValue {
    get { seed.map { swept.setting("seed", to: $0) } ?? swept }
    set { (swept, seed) = (newValue, nil) }
  }
  /// The configuration of this point's sweep point, shared by its seeds; its `seed` is this
  /// point's unless `seed` says otherwise.
  private(set) var swept: SpecValue
  private var seed: SpecValue?
  /// Where the axes' values came from (their items under `sweep:`), by dotted path; shared by
  /// the seeds of a sweep point.
  public var origins: [String: ValueOrigin] = [:]

  public init(
    id: String, assignments: [(axis: String, value: String)], config: SpecValue,
    origins: [String: ValueOrigin] = [:]
  ) {
    (self.id, self.assignments, swept, seed, self.origins) = (id, assignments, config, nil, origins)
  }

  /// A point whose configuration is `swept` with `seed` set in it.
  init(
    id: String, assignments: [(axis: String, value: String)], swept: SpecValue, seed: SpecValue,
    origins: [String: ValueOrigin]
  ) {
    (self.id, self.assignments, self.swept, self.seed, self.origins) = (id, assignments, swept, seed, origins)
  }

  /// `config[path: path]`, without making the configuration.
  func value(at path: String) -> SpecValue? {
    guard let seed, path == "seed" || path.hasPrefix("seed.") else { return swept[path: path] }
    return path == "seed" ? seed : config[path: path]
  }

  /// The point's `seed` (`null` where the configuration has none).
  var seedValue: SpecValue { seed ?? swept[path: "seed"] ?? .null }
}

extension Spec {
  /// Every sweep point × seed, in a stable order (axes in declaration order, the last axis
  /// fastest, seeds innermost), before stage expansion; made as they are read, so that the
  /// points compiled from them are the only ones held.
  var expandedPoints: some Sequence<SweepPoint> {
    var combos: [[(SweepAxis, SweepAxis.Value)]] = [[]]
    for axis in axes {
      combos = combos.flatMap { prefix in axis.values.map { prefix + [(axis, $0)] } }
    }
    let (base, seeds) = (base, seeds)
    return combos.lazy.flatMap { combo in
      var config = base
      var origins: [String: ValueOrigin] = [:]
      for (axis, value) in combo {
        config = config.setting(axis.path, to: value.value)
        for (path, origin) in value.origins { origins[path.isEmpty ? axis.path : "\(axis.path).\(path)"] = origin }
      }
      let (swept, sweptOrigins) = (config, origins)
      return seeds.lazy.map { seed in
        let assignments = combo.map { ($0.0.label, $0.1.label) } + [("seed", String(seed))]
        return SweepPoint(id: assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "/"),
                          assignments: assignments, swept: swept, seed: .number(Double(seed)),
                          origins: sweptOrigins)
      }
    }
  }

  static func compileSweep(_ node: SpecNode, schema: Schema, base: SpecValue, errors: inout [SpecError]) -> [SweepAxis] {
    guard let entries = node.entries else {
      errors.append(SpecError(node.location, "'sweep' must map spec paths to lists of values",
                              hint: "for example: sweep: {train.method: [bp, sdfa]}"))
      return []
    }
    var axes: [SweepAxis] = []
    for entry in entries {
      let components = entry.key.split(separator: ".").map(String.init)
      guard let fieldSchema = schema.schema(at: components[...]), components.count > 0, !["name", "seeds", "description"].contains(components[0]) else {
        let suggestion = nearest(entry.key, in: leafPaths(schema)).map { "did you mean '\($0)'? " } ?? ""
        errors.append(SpecError(entry.keyLocation, "'\(entry.key)' is not a spec path that can be swept",
                                hint: "\(suggestion)name a key inside a section, such as train.method"))
        continue
      }
      if base[path: components[0]] == nil {
        errors.append(SpecError(entry.keyLocation, "sweep axis '\(entry.key)' sets a key of section '\(components[0])', which the spec does not declare",
                                hint: "add a '\(components[0]):' section"))
        continue
      }
      var values: [SweepAxis.Value] = []
      switch entry.value.kind {
      case .sequence(let items):
        for (i, item) in items.enumerated() {
          let v = fieldSchema.validate(item, path: "\(entry.key)[\(i)]", errors: &errors)
          values.append(.init(label: valueLabel(v), value: v, origins: item.originsByPath))
        }
      case .mapping(let named):
        for item in named {
          let v = fieldSchema.validate(item.value, path: "\(entry.key).\(item.key)", errors: &errors)
          values.append(.init(label: escapeLabel(item.key), value: v, origins: item.value.originsByPath))
        }
      case .scalar:
        errors.append(SpecError(entry.value.location, "sweep axis '\(entry.key)' needs a list of values, found \(entry.value.shapeDescription)",
                                hint: "write \(entry.key): [a, b], or set a single value in its section"))
        continue
      }
      if values.isEmpty {
        errors.append(SpecError(entry.value.location, "sweep axis '\(entry.key)' has no values",
                                hint: "list at least one value, or remove the axis"))
      }
      var seen = Set<String>()
      for (i, value) in values.enumerated() where !seen.insert(value.label).inserted {
        let location: SourceLocation
        switch entry.value.kind {
        case .sequence(let items): location = items[i].location
        case .mapping(let named): location = named[i].keyLocation
        case .scalar: location = entry.value.location
        }
        errors.append(SpecError(location, "sweep axis '\(entry.key)' repeats '\(value.label)'", hint: "list each value once"))
      }
      axes.append(SweepAxis(path: entry.key, label: components.last!, values: values))
    }
    // Disambiguate labels that collide (train.lr and hardware.lr → full paths).
    for i in axes.indices where axes.filter({ $0.label == axes[i].label }).count > 1 || axes[i].label == "seed" {
      axes[i].label = axes[i].path
    }
    return axes
  }

  /// A label that is safe as one path component of a point id and of `results/`: `/`, `=`,
  /// `%` and whitespace are percent-encoded.
  static func escapeLabel(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar == "/" || scalar == "=" || scalar == "%" || scalar.properties.isWhitespace {
        out += String(format: "%%%02X", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A short readable form of a value for point ids.
  static func valueLabel(_ value: SpecValue) -> String {
    switch value {
    case .string(let s): escapeLabel(s)
    case .number(let d): SpecValue.formatNumber(d)
    case .bool(let b): String(b)
    case .null: "null"
    case .list(let items): items.map(valueLabel).joined(separator: "x")
    case .object: String(Digest.sha256(value.canonicalJSON).prefix(8))
    }
  }

  static func leafPaths(_ schema: Schema, prefix: String = "") -> [String] {
    guard case .object(let fields) = schema else { return prefix.isEmpty ? [] : [prefix] }
    return fields.flatMap { field -> [String] in
      let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
      if case .object = field.schema { return leafPaths(field.schema, prefix: path) }
      return [path]
    }
  }
}
