import Foundation

/// One run of a cache as the runs database lists it: a sweep point at one seed of one spec,
/// with the params of every stage it went through and the metrics they recorded.
///
/// A run is the chain that ends at one of the spec's last stages of a point (the energy
/// estimate, or the training where the spec has no hardware section) and contains one stage of
/// the run kind (`train`). Two specs that share a training list it once each.
public struct RunEntry: Sendable, Hashable {
  /// The spec whose sweep produced it (as its `name:` says).
  public var spec: String
  /// `tau=2/method=sdfa/seed=0`: the sweep coordinates, the seed last.
  public var point: String
  /// (axis label, value label) in the order of the point id.
  public var coordinates: [Coordinate]
  /// The key of the run-kind stage (the training).
  public var key: String
  /// The key of each stage of the chain, by kind.
  public var keys: [String: String]
  /// Every param of the chain's stages by dotted path (`model.neuron.tau`), leaves only.
  public var params: [String: SpecValue]
  /// The metrics each stage of the chain recorded, by kind.
  public var metrics: [String: SpecValue]
  /// When the run-kind stage started and finished (seconds since 1970).
  public var started: Double
  public var finished: Double
  /// Whether the spec still uses this run (false: superseded by a later change of the spec).
  public var current: Bool
  /// SHA-256 of the spec's per-spec stage params (its expanded points), as report provenance
  /// names it; nil where no per-spec stage completed.
  public var specDigest: String?

  public struct Coordinate: Sendable, Hashable {
    public var axis: String
    public var value: String
    public init(_ axis: String, _ value: String) {
      self.axis = axis
      self.value = value
    }
  }

  public var wallSeconds: Double { finished - started }

  /// The value of a coordinate, by axis label.
  public func coordinate(_ axis: String) -> String? { coordinates.first { $0.axis == axis }?.value }

  /// Scalar metrics of every kind, flattened: `best_test_accuracy`, per-layer lists as
  /// `spike_rates.1`, … (curves are left out). A name two kinds share is prefixed `kind:`.
  public var scalarMetrics: [(name: String, value: SpecValue)] {
    var result: [(name: String, value: SpecValue)] = []
    var seen: [String: Int] = [:]
    for (kind, object) in metrics.sorted(by: { $0.key < $1.key }) {
      guard case .object(let fields) = object else { continue }
      for (name, value) in fields.sorted(by: { $0.key < $1.key }) where name != RunEntry.curvesKey {
        var leaves: [(String, SpecValue)] = []
        if case .list(let items) = value {
          leaves = items.enumerated().map { ("\(name).\($0.offset + 1)", $0.element) }
        } else if case .object = value {
          leaves = RunEntry.flatten(value, prefix: name).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        } else {
          leaves = [(name, value)]
        }
        for (leaf, v) in leaves {
          seen[leaf, default: 0] += 1
          result.append((name: seen[leaf]! > 1 ? "\(kind):\(leaf)" : leaf, value: v))
        }
      }
    }
    return result
  }

  /// Per-epoch series of every kind (`test_accuracy` → one value per epoch).
  public var curves: [(name: String, values: [Double])] {
    metrics.sorted { $0.key < $1.key }.flatMap { _, object -> [(name: String, values: [Double])] in
      guard case .object(let series)? = object[path: RunEntry.curvesKey] else { return [] }
      return series.sorted { $0.key < $1.key }.map { name, list in
        (name, (list.listValue ?? []).map { $0.doubleValue ?? .nan })
      }
    }
  }

  /// Where metrics keep their per-epoch series.
  public static let curvesKey = "curves"

  /// The leaves of an object by dotted path (lists and scalars are leaves).
  public static func flatten(_ value: SpecValue, prefix: String = "") -> [String: SpecValue] {
    guard case .object(let fields) = value else { return prefix.isEmpty ? [:] : [prefix: value] }
    var result: [String: SpecValue] = [:]
    for (name, field) in fields {
      let path = prefix.isEmpty ? name : "\(prefix).\(name)"
      if case .object = field { result.merge(flatten(field, prefix: path)) { a, _ in a } } else { result[path] = field }
    }
    return result
  }
}
