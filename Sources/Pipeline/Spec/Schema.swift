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

    public init(_ name: String, _ schema: Schema, required: Bool = false, default defaultValue: SpecValue? = nil, doc: String = "") {
      self.name = name
      self.schema = schema
      self.required = required
      self.defaultValue = defaultValue
      self.doc = doc
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

  var typeDescription: String {
    switch self {
    case .integer(let lo, let hi):
      switch (lo, hi) {
      case (let lo?, let hi?): "an integer in \(lo)…\(hi)"
      case (let lo?, nil): "an integer ≥ \(lo)"
      case (nil, let hi?): "an integer ≤ \(hi)"
      default: "an integer"
      }
    case .number: "a number"
    case .string: "a string"
    case .boolean: "true or false"
    case .choice(let names): "one of \(names.joined(separator: ", "))"
    case .list(let item, _): "a list of \(item.typeDescription.replacingOccurrences(of: "an ", with: "").replacingOccurrences(of: "a ", with: ""))s"
    case .object: "a mapping"
    case .oneOf(_, let description): description
    }
  }
}
