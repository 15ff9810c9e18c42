/// Elementwise arithmetic, reductions and matrix products.
extension Tensor {
  /// The tensor as a matrix: all leading dimensions flattened into rows.
  public var matrixShape: (rows: Int, columns: Int) {
    let columns = shape.last ?? 1
    return (columns == 0 ? 0 : count / columns, columns)
  }

  /// Elementwise sum.
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "shape \(a.shape) != \(b.shape)")
    var r = a
    r.withUnsafeMutableBufferPointer { r in b.withUnsafeBufferPointer { b in
      for i in r.indices { r[i] += b[i] }
    } }
    return r
  }

  /// Elementwise difference.
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "shape \(a.shape) != \(b.shape)")
    var r = a
    r.withUnsafeMutableBufferPointer { r in b.withUnsafeBufferPointer { b in
      for i in r.indices { r[i] -= b[i] }
    } }
    return r
  }

  /// Every element times `s`.
  public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }

  /// A tensor of the same shape with `transform` applied to every element.
  public func map(_ transform: (Float) -> Float) -> Tensor {
    var r = self
    r.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = transform(p[i]) } }
    return r
  }

  /// Sum of all elements, accumulated in `Double`.
  public func sum() -> Double {
    withUnsafeBufferPointer { p in p.reduce(0.0) { $0 + Double($1) } }
  }

  /// Largest absolute element (0 for an empty tensor).
  public func maxAbs() -> Float {
    withUnsafeBufferPointer { p in p.reduce(0) { max($0, abs($1)) } }
  }

  /// Whether every element is finite.
  public var isFinite: Bool {
    withUnsafeBufferPointer { p in Kernels.allFinite(p) }
  }

  /// Index of the largest element of each row (ties go to the lowest index, as `torch.argmax`).
  public func argmaxRows() -> [Int] {
    let (rows, columns) = matrixShape
    return withUnsafeBufferPointer { p in
      (0..<rows).map { r in
        var best = 0
        for c in 1..<max(columns, 1) where p[r * columns + c] > p[r * columns + best] { best = c }
        return best
      }
    }
  }

  /// The transpose of a matrix.
  public func transposed() -> Tensor {
    let (rows, columns) = matrixShape
    var r = Tensor(shape: [columns, rows])
    withUnsafeBufferPointer { a in
      r.withUnsafeMutableBufferPointer { t in
        for i in 0..<rows { for j in 0..<columns { t[j * rows + i] = a[i * columns + j] } }
      }
    }
    return r
  }

  /// `c = alpha · op(a) · op(b) + beta · c` through BLAS, on the tensors' matrix views.
  ///
  /// - Parameters:
  ///   - a: `[m, k]` (or `[k, m]` when `transposeA`).
  ///   - b: `[k, n]` (or `[n, k]` when `transposeB`).
  ///   - c: `[m, n]`; read only when `beta != 0`.
  ///   - threads: threads over which C's rows (or columns) are split.
  public static func gemm(
    _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
    into c: inout Tensor, alpha: Float = 1, beta: Float = 0, threads: Int = 1
  ) {
    let (ar, ac) = a.matrixShape, (br, bc) = b.matrixShape, (cr, cc) = c.matrixShape
    let m = transposeA ? ac : ar, k = transposeA ? ar : ac
    let n = transposeB ? br : bc, kb = transposeB ? bc : br
    precondition(k == kb && cr == m && cc == n, "gemm shapes \(a.shape) \(b.shape) -> \(c.shape)")
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          Kernels.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: pa.baseAddress!, lda: ac, b: pb.baseAddress!, ldb: bc, beta: beta,
            c: pc.baseAddress!, ldc: cc, threads: threads)
        }
      }
    }
  }

  /// The matrix product `a · b`.
  public static func matmul(
    _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false
  ) -> Tensor {
    let m = transposeA ? a.matrixShape.columns : a.matrixShape.rows
    let n = transposeB ? b.matrixShape.rows : b.matrixShape.columns
    var c = Tensor(shape: [m, n])
    gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
    return c
  }
}
