/// The largest value of a spec field that a run can survive on the machines we target, with
/// the reason: a value past it is refused at validation (`frames.T: 1e8` would otherwise
/// allocate for hours), unless the spec raises it in its `limits:` section.
///
/// ```swift
/// .init("T", .positiveInteger, limit: .atMost(10_000, "BPTT keeps T steps of every layer's state"))
/// ```
public struct PlausibleLimit: Sendable {
  public var maximum: Double
  /// Why values past `maximum` are implausible (shown in the error and by `docs/limits.md`).
  public var reason: String

  public static func atMost(_ maximum: Double, _ reason: String) -> PlausibleLimit {
    PlausibleLimit(maximum: maximum, reason: reason)
  }
}

extension Schema {
  /// Every field with a plausible limit below this schema, by dotted path.
  public var plausibleLimits: [(path: String, limit: PlausibleLimit)] {
    func walk(_ schema: Schema, _ prefix: String) -> [(path: String, limit: PlausibleLimit)] {
      switch schema {
      case .object(let fields):
        return fields.flatMap { field -> [(path: String, limit: PlausibleLimit)] in
          let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
          return (field.limit.map { [(path, $0)] } ?? []) + walk(field.schema, path)
        }
      case .oneOf(let alternatives, _): return alternatives.flatMap { walk($0, prefix) }
      default: return []
      }
    }
    return walk(self, "")
  }
}
