/// A decimal SI prefix chosen so that a set of values reads with few digits.
struct UnitScale: Hashable, Sendable {
  /// `ms`, `µJ`, `s`.
  var symbol: String
  /// Multiply a value in base units by this to express it in `symbol`.
  var factor: Double

  /// `us` for `µs`: for CSV headers and JSON keys.
  var asciiSymbol: String { symbol.replacingMicro() }

  /// The prefix that puts the median magnitude of `values` (base unit `unit`) in [1, 1000),
  /// from nano to kilo; the base unit when no value is finite and non-zero.
  static func choose(for values: [Double], unit: String) -> UnitScale {
    let magnitudes = values.filter { $0.isFinite && $0 != 0 }.map { abs($0) }.sorted()
    guard !magnitudes.isEmpty else { return UnitScale(symbol: unit, factor: 1) }
    let median = magnitudes[magnitudes.count / 2]
    let prefixes: [(String, Double)] = [("n", 1e9), ("µ", 1e6), ("m", 1e3), ("", 1), ("k", 1e-3)]
    for (prefix, factor) in prefixes where median * factor < 1000 {
      return UnitScale(symbol: prefix + unit, factor: factor)
    }
    return UnitScale(symbol: "k" + unit, factor: 1e-3)
  }
}

extension String {
  fileprivate func replacingMicro() -> String { String(map { $0 == "µ" ? "u" : $0 }) }
}
