import Testing
import Tensor
import TestSupport

/// The spike bitmap and the table-lookup product against naive dense arithmetic.
@Suite struct BinaryProductTests {
  /// A `[rows, columns]` 0/1 matrix with roughly `density` ones.
  static func spikes(rows: Int, columns: Int, density: Double, seed: UInt64) -> [Float] {
    var rng = RandomStream(seed: seed, purpose: "bitmap")
    return (0..<(rows * columns)).map { _ in rng.nextDouble() < density ? 1 : 0 }
  }

  @Test(arguments: [(1, 1), (5, 63), (64, 64), (70, 129), (130, 200)])
  func bitmapPacksAndTransposes(rows: Int, columns: Int) {
    let x = Self.spikes(rows: rows, columns: columns, density: 0.4, seed: UInt64(rows * 1000 + columns))
    var bits = SpikeBitmap()
    bits.fill(fromDense: Tensor(shape: [rows, columns], scalars: x))
    #expect(bits.wordsPerRow == (columns + 63) / 64)
    var split = SpikeBitmap()
    split.fill(fromDense: Tensor(shape: [rows, columns], scalars: x), threads: 3)
    #expect(split.words == bits.words)
    let mismatches = (0..<rows).flatMap { r in
      (0..<columns).filter { c in bits[r, c] != (x[r * columns + c] != 0) }.map { c in (r, c) }
    }
    #expect(mismatches.isEmpty)
    // Padding bits stay clear: a product must never pick up rows past the last column.
    for r in 0..<rows where columns % 64 != 0 {
      #expect(bits.words[r * bits.wordsPerRow + bits.wordsPerRow - 1] >> UInt64(columns % 64) == 0)
    }
    var t = SpikeBitmap()
    bits.transpose(into: &t)
    #expect(t.rowCount == columns && t.columnCount == rows)
    let transposed = (0..<columns).allSatisfy { c in (0..<rows).allSatisfy { r in t[c, r] == bits[r, c] } }
    #expect(transposed)
  }

  static let productCases: [(density: Double, rows: Int, k: Int, n: Int)] = [
    (0.0, 9, 40, 70), (0.05, 23, 57, 200), (0.43, 33, 100, 64), (0.43, 17, 33, 130),
    (1.0, 5, 37, 10), (0.3, 130, 1000, 1000), (0.4, 300, 100, 10),
  ]

  @Test(arguments: productCases)
  func productMatchesNaiveOnEveryThreadCount(c: (density: Double, rows: Int, k: Int, n: Int)) {
    let x = Self.spikes(rows: c.rows, columns: c.k, density: c.density, seed: UInt64(c.k))
    var rng = RandomStream(seed: 3, purpose: "binary product")
    let m = (0..<(c.k * c.n)).map { _ in rng.nextNormal() }
    var bits = SpikeBitmap()
    bits.fill(fromDense: Tensor(shape: [c.rows, c.k], scalars: x))
    let expected = naiveMatmul(x, m, m: c.rows, k: c.k, n: c.n)
    var one = Tensor(shape: [c.rows, c.n], repeating: 7)
    Tensor.binaryMatmul(bits, Tensor(shape: [c.k, c.n], scalars: m), into: &one, threads: 1)
    #expect(firstMismatch(one.scalars, expected, rtol: 1e-5, atol: 1e-4) == nil)
    // Split over columns, each element is summed in the same order: bit-identical results.
    for threads in [2, 3] {
      var split = Tensor(shape: [c.rows, c.n])
      Tensor.binaryMatmul(bits, Tensor(shape: [c.k, c.n], scalars: m), into: &split, threads: threads)
      #expect(split == one)
    }
    var accumulated = Tensor(shape: [c.rows, c.n], repeating: 1)
    Tensor.binaryMatmul(
      bits, Tensor(shape: [c.k, c.n], scalars: m), into: &accumulated, accumulate: true)
    #expect(firstMismatch(accumulated.scalars, expected.map { $0 + 1 }, rtol: 1e-5, atol: 1e-4) == nil)
  }

  @Test func weightGradientThroughTheTransposedBitmap() {
    let (rows, k, n) = (150, 70, 90)
    let x = Self.spikes(rows: rows, columns: k, density: 0.4, seed: 9)
    var rng = RandomStream(seed: 4, purpose: "gradient")
    let dy = (0..<(rows * n)).map { _ in rng.nextNormal() }
    var bits = SpikeBitmap(), t = SpikeBitmap()
    bits.fill(fromDense: Tensor(shape: [rows, k], scalars: x))
    bits.transpose(into: &t)
    var dw = Tensor(shape: [k, n])
    Tensor.binaryMatmul(t, Tensor(shape: [rows, n], scalars: dy), into: &dw, threads: 2)
    let expected = naiveMatmul(naiveTranspose(x, rows: rows, columns: k), dy, m: k, k: rows, n: n)
    #expect(firstMismatch(dw.scalars, expected, rtol: 1e-5, atol: 1e-4) == nil)
  }
}
