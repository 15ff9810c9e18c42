/// A validated, typed spec value: the JSON data model, with numbers kept as `Double` (an
/// integral value prints as an integer, so `1e-2` and `0.01`, or `3` and `3.0`, are equal and
/// hash equally).
public enum SpecValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case list([SpecValue])
  /// Keys in declaration order; equality and hashing ignore the order.
  case object([String: SpecValue])

  /// The value at a dotted path (`train.optimizer.lr`), or nil where absent.
  public subscript(path path: String) -> SpecValue? {
    var current: SpecValue = self
    for component in path.split(separator: ".") {
      guard case .object(let fields) = current, let next = fields[String(component)] else { return nil }
      current = next
    }
    return current
  }

  /// A copy with the value at `path` replaced (intermediate objects are created as needed).
  public func setting(_ path: String, to value: SpecValue) -> SpecValue {
    let components = path.split(separator: ".").map(String.init)
    return Self.set(self, components[...], value)
  }

  private static func set(_ base: SpecValue, _ path: ArraySlice<String>, _ value: SpecValue) -> SpecValue {
    guard let head = path.first else { return value }
    var fields: [String: SpecValue] = [:]
    if case .object(let existing) = base { fields = existing }
    fields[head] = set(fields[head] ?? .null, path.dropFirst(), value)
    return .object(fields)
  }

  public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
  public var doubleValue: Double? { if case .number(let d) = self { d } else { nil } }
  public var intValue: Int? {
    if case .number(let d) = self, d.rounded() == d, abs(d) < 9e15 { Int(d) } else { nil }
  }
  public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
  public var listValue: [SpecValue]? { if case .list(let l) = self { l } else { nil } }
  public var objectValue: [String: SpecValue]? { if case .object(let o) = self { o } else { nil } }
}

extension SpecValue: CustomStringConvertible {
  /// The canonical JSON text (see `canonicalJSON`).
  public var description: String { canonicalJSON }
}

extension SpecValue: ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}
