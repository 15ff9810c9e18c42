extension Tensor {
  /// `out = x · w` (or `out += x · w`) for sparse rows `x`, by gathering rows of `w`.
  ///
  /// - Parameters:
  ///   - x: `[R, K]` sparse rows.
  ///   - w: `[K, N]`.
  ///   - out: `[R, N]` (matrix view).
  public static func gatherRows(
    _ x: SparseRows, weights w: Tensor, into out: inout Tensor, accumulate: Bool = false,
    threads: Int = 1
  ) {
    let (k, n) = w.matrixShape
    precondition(x.columnCount == k && x.indicesListed, "sparse width \(x.columnCount) != weight rows \(k)")
    precondition(out.matrixShape == (x.rowCount, n), "output \(out.shape) for \(x.rowCount)×\(n)")
    x.rowStart.withUnsafeBufferPointer { rs in
      x.indices.withUnsafeBufferPointer { idx in
        withOptionalPointer(x.values) { val in
          w.withUnsafeBufferPointer { pw in
            out.withUnsafeMutableBufferPointer { po in
              Kernels.gatherRows(
                rows: x.rowCount, n: n, rowStart: rs.baseAddress!,
                indices: idx.baseAddress ?? UnsafePointer(bitPattern: 8)!, values: val,
                w: pw.baseAddress!, ldw: n, out: po.baseAddress!, ldo: n,
                accumulate: accumulate, threads: threads)
            }
          }
        }
      }
    }
  }

  /// ``gatherRows(_:weights:into:accumulate:threads:)`` through packed panels of `w`, kept in
  /// the caller's reusable `panels` scratch (resized as needed). Faster for wide products.
  public static func gatherRowsPacked(
    _ x: SparseRows, weights w: Tensor, into out: inout Tensor, panels: inout Tensor,
    accumulate: Bool = false, threads: Int = 1
  ) {
    let (k, n) = w.matrixShape
    precondition(x.columnCount == k && x.indicesListed, "sparse width \(x.columnCount) != weight rows \(k)")
    precondition(out.matrixShape == (x.rowCount, n), "output \(out.shape) for \(x.rowCount)×\(n)")
    let size = (n + Kernels.panelWidth - 1) / Kernels.panelWidth * Kernels.panelWidth * k
    if panels.count != size { panels = Tensor(shape: [size]) }
    w.withUnsafeBufferPointer { pw in
      panels.withUnsafeMutableBufferPointer { pp in
        Kernels.packPanels(k: k, n: n, w: pw.baseAddress!, ldw: n, panels: pp.baseAddress!)
      }
    }
    x.rowStart.withUnsafeBufferPointer { rs in
      x.indices.withUnsafeBufferPointer { idx in
        withOptionalPointer(x.values) { val in
          panels.withUnsafeBufferPointer { pp in
            out.withUnsafeMutableBufferPointer { po in
              Kernels.gatherPanels(
                rows: x.rowCount, k: k, n: n, rowStart: rs.baseAddress!,
                indices: idx.baseAddress ?? UnsafePointer(bitPattern: 8)!, values: val,
                panels: pp.baseAddress!, out: po.baseAddress!, ldo: n, accumulate: accumulate,
                threads: threads)
            }
          }
        }
      }
    }
  }

  /// `dw += xᵀ · dy` for sparse rows `x` (`[R, K]`), `dy` `[R, N]`, `dw` `[K, N]`.
  public static func scatterAddRows(
    _ x: SparseRows, gradient dy: Tensor, into dw: inout Tensor, threads: Int = 1
  ) {
    let (k, n) = dw.matrixShape
    precondition(x.columnCount == k && x.indicesListed, "sparse width \(x.columnCount) != gradient rows \(k)")
    precondition(dy.matrixShape == (x.rowCount, n), "dy \(dy.shape) for \(x.rowCount)×\(n)")
    x.rowStart.withUnsafeBufferPointer { rs in
      x.indices.withUnsafeBufferPointer { idx in
        withOptionalPointer(x.values) { val in
          dy.withUnsafeBufferPointer { pg in
            dw.withUnsafeMutableBufferPointer { pw in
              Kernels.scatterAddRows(
                rows: x.rowCount, n: n, rowStart: rs.baseAddress!,
                indices: idx.baseAddress ?? UnsafePointer(bitPattern: 8)!, values: val,
                dy: pg.baseAddress!, lddy: n, dw: pw.baseAddress!, lddw: n, threads: threads)
            }
          }
        }
      }
    }
  }
}

func withOptionalPointer<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let a else { return body(nil) }
  return a.withUnsafeBufferPointer { body($0.baseAddress ?? UnsafePointer(bitPattern: 8)!) }
}
