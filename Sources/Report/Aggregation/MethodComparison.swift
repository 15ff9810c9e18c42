/// A workload's baseline and proposed method side by side: BP against SDFA.
public struct MethodComparison: Codable, Hashable, Sendable {
  /// The coordinates shared by both groups (all but seed and method).
  public var coordinates: [Coordinate]
  public var workload: Workload?
  /// The baseline group (`method=bp`), nil when the sweep did not run it.
  public var baseline: SeedGroup?
  /// The proposed group (`method=sdfa`), nil when the sweep did not run it.
  public var proposed: SeedGroup?

  /// `proposed − baseline` of the mean, for the chosen accuracy; nil unless both means exist.
  public func delta(_ metric: AccuracyMetric) -> Double? {
    guard let b = baseline.map({ metric.summary(of: $0) })?.mean,
      let p = proposed.map({ metric.summary(of: $0) })?.mean
    else { return nil }
    return p - b
  }

  /// Standard error of ``delta(_:)`` for independent seeds, √(s²_b/n_b + s²_p/n_p); nil unless
  /// both groups have a standard deviation.
  public func deltaStandardError(_ metric: AccuracyMetric) -> Double? {
    guard let b = baseline.map({ metric.summary(of: $0) }), let sb = b.std,
      let p = proposed.map({ metric.summary(of: $0) }), let sp = p.std
    else { return nil }
    return (sb * sb / Double(b.n) + sp * sp / Double(p.n)).squareRoot()
  }

  /// `dataset=nmnist, model.hidden=[1000]`.
  public var label: String { coordinates.map(\.description).joined(separator: ", ") }
}

/// Which accuracy a table or figure reports.
public enum AccuracyMetric: String, Codable, Hashable, Sendable, CaseIterable {
  /// Test accuracy after the last epoch.
  case final
  /// Highest test accuracy over the epochs, on the test set itself (what the reference code
  /// logs as `max_test_acc`; optimistic: the epoch is chosen by the data it is scored on).
  case best

  public func summary(of group: SeedGroup) -> Summary {
    switch self {
    case .final: group.finalTestAccuracy
    case .best: group.bestTestAccuracy
    }
  }

  /// `final test accuracy`, `best test accuracy`.
  public var phrase: String { "\(rawValue) test accuracy" }
}

extension Report {
  /// Pairs groups that differ only in `methodAxis`: one comparison per workload, in order of
  /// first appearance. Groups with another method value are left out; a workload missing one
  /// method still appears, with that side nil.
  public static func compareMethods(
    _ groups: [SeedGroup], methodAxis: String = "method", baseline: String = "bp",
    proposed: String = "sdfa"
  ) -> [MethodComparison] {
    var order: [[Coordinate]] = []
    var pairs: [[Coordinate]: MethodComparison] = [:]
    for group in groups {
      let method = group.value(of: methodAxis)
      guard method == baseline || method == proposed else { continue }
      let key = group.coordinates.filter { $0.axis != methodAxis }
      if pairs[key] == nil {
        order.append(key)
        pairs[key] = MethodComparison(coordinates: key, workload: group.workload)
      }
      if method == baseline { pairs[key]!.baseline = group } else { pairs[key]!.proposed = group }
      if pairs[key]!.workload == nil { pairs[key]!.workload = group.workload }
    }
    return order.map { pairs[$0]! }
  }
}
