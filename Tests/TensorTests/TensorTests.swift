import Testing
import Tensor
import TestSupport

@Suite struct TensorTests {
  @Test func copiesDoNotShareMutations() {
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    var b = a
    b[1, 2] = 60
    #expect(a[1, 2] == 6)
    #expect(b[flat: 5] == 60)
    #expect(a.reshaped([3, 2]).shape == [3, 2])
    #expect(a.transposed().scalars == [1, 4, 2, 5, 3, 6])
  }

  @Test func reductionsAndArgmaxTiesGoLow() {
    let a = Tensor(shape: [2, 3], scalars: [1, 3, 3, -1, -1, -2])
    #expect(a.sum() == 3)
    #expect(a.argmaxRows() == [1, 0])
    #expect(a.maxAbs() == 3)
    #expect(!Tensor(shape: [1], scalars: [.nan]).isFinite)
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func gemmMatchesNaive(ta: Bool, tb: Bool) {
    let m = 7, k = 13, n = 5
    var rng = RandomStream(seed: 1, purpose: "gemm")
    let a = (0..<(m * k)).map { _ in rng.nextNormal() }
    let b = (0..<(k * n)).map { _ in rng.nextNormal() }
    let ta_ = Tensor(shape: ta ? [k, m] : [m, k], scalars: ta ? naiveTranspose(a, rows: m, columns: k) : a)
    let tb_ = Tensor(shape: tb ? [n, k] : [k, n], scalars: tb ? naiveTranspose(b, rows: k, columns: n) : b)
    let c = Tensor.matmul(ta_, transposeA: ta, tb_, transposeB: tb)
    #expect(firstMismatch(c.scalars, naiveMatmul(a, b, m: m, k: k, n: n), rtol: 1e-5, atol: 1e-5) == nil)
  }

  static let sparseCases: [(density: Double, n: Int, binary: Bool, threads: Int)] = [
    (0.05, 200, true, 1), (0.15, 64, false, 1), (0.5, 130, false, 2), (0.0, 70, true, 1),
    (0.3, 1000, true, 2),
  ]

  @Test(arguments: sparseCases)
  func gatherAndScatterMatchDenseProducts(c: (density: Double, n: Int, binary: Bool, threads: Int)) {
    let rows = 23, k = 57
    var rng = RandomStream(seed: 2, purpose: "sparse")
    let x = (0..<(rows * k)).map { _ -> Float in
      rng.nextDouble() < c.density ? (c.binary ? 1 : Float(1 + rng.nextInt(below: 3))) : 0
    }
    let w = (0..<(k * c.n)).map { _ in rng.nextNormal() }
    let dy = (0..<(rows * c.n)).map { _ in rng.nextNormal() }
    let sparse = SparseRows(dense: Tensor(shape: [rows, k], scalars: x), binary: c.binary)
    #expect(sparse.dense().scalars == x)
    var out = Tensor(shape: [rows, c.n], repeating: 7)
    Tensor.gatherRows(sparse, weights: Tensor(shape: [k, c.n], scalars: w), into: &out, threads: c.threads)
    #expect(firstMismatch(out.scalars, naiveMatmul(x, w, m: rows, k: k, n: c.n), rtol: 1e-5, atol: 1e-5) == nil)
    var packed = Tensor(shape: [rows, c.n], repeating: 7), panels = Tensor.zeros([0])
    Tensor.gatherRowsPacked(
      sparse, weights: Tensor(shape: [k, c.n], scalars: w), into: &packed, panels: &panels,
      threads: c.threads)
    #expect(packed == out)
    var dw = Tensor(shape: [k, c.n], repeating: 1)
    Tensor.scatterAddRows(sparse, gradient: Tensor(shape: [rows, c.n], scalars: dy), into: &dw, threads: c.threads)
    let expected = naiveMatmul(naiveTranspose(x, rows: rows, columns: k), dy, m: k, k: rows, n: c.n).map { $0 + 1 }
    #expect(firstMismatch(dw.scalars, expected, rtol: 1e-5, atol: 1e-5) == nil)
  }

  @Test func appendedRowsAndDensity() {
    var s = SparseRows(columnCount: 4, binary: false)
    s.appendRow(indices: [1, 3], values: [2, 1])
    s.appendRow(indices: [], values: [])
    #expect(s.rowCount == 2 && s.nonzeroCount == 2 && s.density == 0.25)
    #expect(s.dense().scalars == [0, 2, 0, 1, 0, 0, 0, 0])
  }
}

@Suite struct SparseTransposeTests {
  @Test(arguments: [true, false])
  func transposeMatchesDenseTranspose(binary: Bool) {
    var rng = RandomStream(seed: 9, purpose: "transpose")
    let rows = 11, cols = 17
    let x = (0..<(rows * cols)).map { _ -> Float in
      rng.nextDouble() < 0.3 ? (binary ? 1 : Float(1 + rng.nextInt(below: 4))) : 0
    }
    let s = SparseRows(dense: Tensor(shape: [rows, cols], scalars: x), binary: binary)
    var t = SparseRows(columnCount: 0)
    s.transpose(into: &t)
    #expect(t.rowCount == cols && t.columnCount == rows)
    #expect(t.dense().scalars == naiveTranspose(x, rows: rows, columns: cols))
    s.transpose(into: &t)  // reuse of the storage
    #expect(t.dense().scalars == naiveTranspose(x, rows: rows, columns: cols))
  }
}
