/// Locale-independent number rendering, so that every output is byte-identical across
/// machines (Foundation's `String(format:)` and formatters follow the locale).
enum NumberText {
  /// `x` rounded half away from zero to `digits` decimals: `fixed(-0.004, 2) == "0.00"`,
  /// `fixed(97.915, 2) == "97.92"` (up to binary representation). Non-finite values give
  /// `nan`, `inf`, `-inf`.
  static func fixed(_ x: Double, _ digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    var scale = 1.0
    for _ in 0..<max(digits, 0) { scale *= 10 }
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else { return x < 0 ? "-\(abs(x))" : "\(x)" }
    let units = UInt64(scaled)
    let s = UInt64(scale)
    var text = String(units / s)
    if digits > 0 {
      let fraction = String(units % s)
      text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return (x < 0 && units != 0 ? "-" : "") + text
  }

  /// A signed difference: `+0.12`, `−0.60` (U+2212 minus where `typographic`), `0.00`.
  static func signed(_ x: Double, _ digits: Int, typographic: Bool = false) -> String {
    let text = fixed(x, digits)
    if text.hasPrefix("-") { return (typographic ? "−" : "-") + text.dropFirst() }
    if text.allSatisfy({ $0 == "0" || $0 == "." }) { return text }
    return "+" + text
  }

  /// Shortest decimal form for axis ticks (`0`, `2.5`, `100`, `0.001`) of a value on a grid of
  /// step `step`.
  static func tick(_ x: Double, step: Double) -> String {
    var digits = 0
    var s = step
    while digits < 12 && abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) {
      s *= 10
      digits += 1
    }
    return fixed(x, digits)
  }

  /// A machine-readable decimal with at most `significant` significant digits and no trailing
  /// zeros: `1.9999999999999962` → `2`, `0.000123` → `0.000123`. Drops the binary noise of
  /// averaging while keeping far more precision than any table shows.
  static func compact(_ x: Double, significant: Int = 12) -> String {
    guard x.isFinite else { return fixed(x, 0) }
    guard x != 0 else { return "0" }
    var magnitude = 0
    var m = abs(x)
    while m >= 10 { m /= 10; magnitude += 1 }
    while m < 1 { m *= 10; magnitude -= 1 }
    let digits = significant - 1 - magnitude
    guard digits <= 15, abs(x) < 1e15 else { return "\(x)" }
    var text = fixed(x, max(0, digits))
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// `x` with `significant` significant digits, without exponent for magnitudes 1e-6…1e15.
  static func significant(_ x: Double, _ significant: Int) -> String {
    guard x.isFinite, x != 0 else { return fixed(x, 0) }
    var magnitude = 0
    var m = abs(x)
    while m >= 10 { m /= 10; magnitude += 1 }
    while m < 1 { m *= 10; magnitude -= 1 }
    return fixed(x, max(0, significant - 1 - magnitude))
  }
}

/// Orders strings with digit runs compared by value: `layer2` < `layer10`, `seed 9` < `seed 10`.
func naturalLess(_ a: String, _ b: String) -> Bool {
  let x = naturalChunks(a), y = naturalChunks(b)
  for (p, q) in zip(x, y) where p != q {
    switch (p, q) {
    case let (.number(m, mt), .number(n, nt)): return m != n ? m < n : mt < nt
    case (.number, .text): return true
    case (.text, .number): return false
    case let (.text(s), .text(t)): return s < t
    }
  }
  return x.count != y.count ? x.count < y.count : a < b
}

private enum NaturalChunk: Equatable {
  /// Value (saturating) and the digit text, so `007` and `7` still order deterministically.
  case number(Double, String)
  case text(String)
}

private func naturalChunks(_ s: String) -> [NaturalChunk] {
  var chunks: [NaturalChunk] = []
  var current = ""
  var inDigits = false
  func flush() {
    guard !current.isEmpty else { return }
    chunks.append(inDigits ? .number(Double(current) ?? .infinity, current) : .text(current))
    current = ""
  }
  for c in s {
    let digit = c.isASCII && c.isNumber
    if digit != inDigits { flush(); inDigits = digit }
    current.append(c)
  }
  flush()
  return chunks
}
