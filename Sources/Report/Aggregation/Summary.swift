/// Mean and sample standard deviation of one quantity over seeds.
///
/// Non-finite values (a diverged run's NaN) are excluded and counted in `nonFinite`. With one
/// finite value `std` is nil: a single seed says nothing about spread, and a 0 would claim
/// precision it does not have. With none, `mean` is nil too.
public struct Summary: Codable, Hashable, Sendable {
  /// Number of finite values summarised.
  public var n: Int
  /// Number of values excluded because they were NaN or infinite.
  public var nonFinite: Int
  public var mean: Double?
  /// Sample standard deviation (divisor n − 1); nil when n < 2.
  public var std: Double?

  public init(n: Int, nonFinite: Int = 0, mean: Double?, std: Double?) {
    self.n = n
    self.nonFinite = nonFinite
    self.mean = mean
    self.std = std
  }

  /// Summarises `values` in the given order (the result is order-independent up to rounding;
  /// callers pass seed order so that output is byte-identical run to run).
  public init<S: Sequence>(_ values: S) where S.Element == Double {
    var finite: [Double] = []
    var excluded = 0
    for v in values {
      if v.isFinite { finite.append(v) } else { excluded += 1 }
    }
    n = finite.count
    nonFinite = excluded
    guard !finite.isEmpty else { mean = nil; std = nil; return }
    // Two passes: the textbook one-pass formula loses digits when the spread is small
    // against the mean, as it is for accuracies near 1. The mean's rounding error is
    // corrected once, so that equal values give exactly that value and a std of 0.
    var m = finite.reduce(0, +) / Double(finite.count)
    m += finite.reduce(0) { $0 + ($1 - m) } / Double(finite.count)
    mean = m
    guard finite.count > 1 else { std = nil; return }
    let squares = finite.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    std = (squares / Double(finite.count - 1)).squareRoot()
  }

  /// The summary with mean and std multiplied by `factor` (fractions to percent).
  public func scaled(by factor: Double) -> Summary {
    Summary(n: n, nonFinite: nonFinite, mean: mean.map { $0 * factor }, std: std.map { $0 * abs(factor) })
  }
}
