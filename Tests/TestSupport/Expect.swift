/// Whether `actual` and `expected` agree elementwise within `atol + rtol * |expected|`.
/// Returns the first offending index and values, or nil when all agree.
public func firstMismatch(
  _ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6
) -> (index: Int, actual: Float, expected: Float)? {
  precondition(actual.count == expected.count, "length \(actual.count) != \(expected.count)")
  for i in actual.indices {
    let a = actual[i], e = expected[i]
    if a.isNaN != e.isNaN || abs(a - e) > atol + rtol * abs(e) { return (i, a, e) }
  }
  return nil
}
