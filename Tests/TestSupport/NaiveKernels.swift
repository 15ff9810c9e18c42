/// Naive reference kernels and finite differences, independent of the kernels under test.

/// `C = A · B` for row-major `A` `[m, k]`, `B` `[k, n]`, accumulated in `Double`.
public func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
  var c = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var s = 0.0
      for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
      c[i * n + j] = Float(s)
    }
  }
  return c
}

/// The transpose of a row-major `[rows, columns]` matrix.
public func naiveTranspose(_ a: [Float], rows: Int, columns: Int) -> [Float] {
  var t = [Float](repeating: 0, count: a.count)
  for i in 0..<rows { for j in 0..<columns { t[j * rows + i] = a[i * columns + j] } }
  return t
}

/// Central finite differences of `f` at `x` with step `h`.
public func finiteDifferenceGradient(
  of f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-5
) -> [Double] {
  var g = [Double](repeating: 0, count: x.count)
  var xp = x
  for i in x.indices {
    xp[i] = x[i] + h
    let fp = f(xp)
    xp[i] = x[i] - h
    let fm = f(xp)
    xp[i] = x[i]
    g[i] = (fp - fm) / (2 * h)
  }
  return g
}

/// The smooth stand-in for the Heaviside spike whose derivative is exactly the ATan surrogate:
/// `σ(x) = atan(π/2 · α · x) / π + 1/2`, `σ'(x) = (α/2) / (1 + (π/2 · α · x)²)`.
public func atanSigmoid(_ x: Double, alpha: Double) -> Double {
  atanApprox(Double.pi / 2 * alpha * x) / Double.pi + 0.5
}

func atanApprox(_ x: Double) -> Double {
  // atan through its argument reduction and series; accurate to ~1e-15 (no libm in this target).
  if x < 0 { return -atanApprox(-x) }
  if x > 1 { return Double.pi / 2 - atanApprox(1 / x) }
  if x > 0.4 {
    // atan(x) = 2 atan(x / (1 + sqrt(1 + x²)))
    return 2 * atanApprox(x / (1 + (1 + x * x).squareRoot()))
  }
  var term = x, sum = 0.0, n = 1.0
  let x2 = x * x
  while abs(term) > 1e-18 {
    sum += term / n
    term *= -x2
    n += 2
  }
  return sum
}
