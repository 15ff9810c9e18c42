extension Spec {
  /// The default of `--max-points`: the most sweep points × seeds one spec may expand to.
  /// Validating 100,000 points takes seconds; a run of that many trainings is already a
  /// cluster's week, so more is far likelier a typo (an extra zero in `seeds:`) than a plan.
  public static let defaultMaxPoints = 100_000

  /// The number of sweep points × seeds, or nil when it overflows `Int`.
  static func pointCount(axes: [SweepAxis], seeds: Int) -> Int? {
    var count = seeds
    for axis in axes {
      let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
      if overflow { return nil }
      count = product
    }
    return count
  }

  /// Throws when the sweep would expand past `overrides.maxPoints`, before it is expanded:
  /// the error gives the count, how it arises, and how to raise the limit.
  static func checkPointCount(
    axes: [SweepAxis], seedsValue: SpecValue, overrides: Overrides, locations: [String: SourceLocation], file: String
  ) throws {
    let seedCount = overrides.seedCount ?? seedsValue.intValue ?? seedsValue.listValue?.count ?? 1
    let limit = overrides.maxPoints
    let count = pointCount(axes: axes, seeds: seedCount)
    if let count, count <= limit { return }
    let factors = axes.map { "\($0.values.count) values of \($0.path)" } + ["\(seedCount) seed\(seedCount == 1 ? "" : "s")"]
    let total = count.map { "\($0) points" } ?? "more than \(Int.max) points"
    let location = overrides.seedCount != nil && axes.isEmpty
      ? SourceLocation(file: "--seeds \(seedCount)")
      : locations[axes.isEmpty ? "seeds" : "sweep"] ?? SourceLocation(file: file, line: 1, column: 1)
    throw SpecErrors([SpecError(
      location, "the spec expands to \(total) (\(factors.joined(separator: " × "))), more than the limit of \(limit)",
      hint: "sweep fewer values or seeds; if you mean it, pass --max-points \(count.map(String.init) ?? "N")")])
  }
}
