/// The declared shape of a spec value: its type, its allowed range or choices, and for
/// objects the fields with their defaults. Stage kinds declare the schema of the sections
/// they own; validation walks the `SpecNode` tree against it and reports every problem with
/// its file, line and column.
public indirect enum Schema: Sendable {
  case integer(min: Int? = nil, max: Int? = nil)
  case number(min: Double? = nil, max: Double? = nil, exclusiveMinimum: Bool = false)
  case string
  case boolean
  /// One of a closed set of names.
  case choice([String])
  case list(of: Schema, minCount: Int = 0)
  case object([Field])
  /// The first alternative that accepts the value; `description` names them for messages.
  case oneOf([Schema], description: String)

  /// A key of an object schema.
  public struct Field: Sendable {
    public var name: String
    public var schema: Schema
    public var required: Bool
    public var defaultValue: SpecValue?
    public var doc: String
    /// The plausible range of the field's numbers (of a list's items too), past which a spec
    /// is refused unless its `limits:` section raises it (docs/limits.md).
    public var limit: PlausibleLimit?

    public init(
      _ name: String, _ schema: Schema, required: Bool = false, default defaultValue: SpecValue? = nil, doc: String = "",
      limit: PlausibleLimit? = nil
    ) {
      self.name = name
      self.schema = schema
      self.required = required
      self.defaultValue = defaultValue
      self.doc = doc
      self.limit = limit
    }
  }

  /// A positive integer (≥ 1).
  public static var positiveInteger: Schema { .integer(min: 1) }
  /// A number > 0.
  public static var positiveNumber: Schema { .number(min: 0, exclusiveMinimum: true) }

  /// The schema of the value at a dotted path below this one, if the path exists.
  public func schema(at path: ArraySlice<String>) -> Schema? {
    guard let head = path.first else { return self }
    switch self {
    case .object(let fields): return fields.first { $0.name == head }?.schema.schema(at: path.dropFirst())
    case .oneOf(let alternatives, _):
      return alternatives.lazy.compactMap { $0.schema(at: path) }.first
    default: return nil
    }
  }

  /// The type in words ("an integer ≥ 1"), as messages and `sdfa schema` say it.
  public var typeDescription: String { describe(plural: false) }

  /// "an integer ≥ 1" / "integers ≥ 1": the type in words, for messages.
  func describe(plural: Bool) -> String {
    func noun(_ singular: String, _ pluralForm: String, article: String = "a") -> String {
      plural ? pluralForm : "\(article) \(singular)"
    }
    switch self {
    case .integer(let lo, let hi):
      let base = noun("integer", "integers", article: "an")
      switch (lo, hi) {
      case (let lo?, let hi?): return "\(base) in \(lo)…\(hi)"
      case (let lo?, nil): return "\(base) ≥ \(lo)"
      case (nil, let hi?): return "\(base) ≤ \(hi)"
      default: return base
      }
    case .number: return noun("number", "numbers")
    case .string: return noun("string", "strings")
    case .boolean: return plural ? "booleans" : "true or false"
    case .choice(let names): return plural ? "names among \(names.joined(separator: ", "))" : "one of \(names.joined(separator: ", "))"
    case .list(let item, _): return noun("list of \(item.describe(plural: true))", "lists of \(item.describe(plural: true))")
    case .object: return noun("mapping", "mappings")
    case .oneOf(_, let description): return description
    }
  }

  /// An example of a valid value, for fix hints.
  var example: String {
    switch self {
    case .integer(let lo, _): return "\(max(lo ?? 1, 1))"
    case .number(let lo, _, _): return lo.map { $0 >= 1 ? SpecValue.formatNumber($0 + 1) : "0.01" } ?? "0.5"
    case .string: return "text"
    case .boolean: return "true"
    case .choice(let names): return names.first ?? ""
    case .list(let item, _):
      if case .integer(let lo, _) = item, (lo ?? 0) >= 1 { return "[256]" }
      return "[\(item.example)]"
    case .object: return "{key: value}"
    case .oneOf(let alternatives, _): return alternatives.first?.example ?? ""
    }
  }
}
