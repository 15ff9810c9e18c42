import _CKernels

extension Tensor {
  /// `out = x · m` (or `out += x · m`) for a binary `x` (`[R, K]`) and `m` (`[K, N]`), by table
  /// lookup over groups of four inputs. Its cost does not depend on how many bits are set, so it
  /// replaces the gather kernels and BLAS for layers whose inputs spike often. Column panels are
  /// split over `threads` (rows, when there are fewer panels than threads: a narrow output
  /// layer); every output element is summed in the same order for any thread count.
  public static func binaryMatmul(
    _ x: SpikeBitmap, _ m: Tensor, into out: inout Tensor, accumulate: Bool = false,
    threads: Int = 1
  ) {
    let (k, n) = m.matrixShape
    precondition(x.columnCount == k, "bitmap width \(x.columnCount) != matrix rows \(k)")
    precondition(out.matrixShape == (x.rowCount, n), "output \(out.shape) for \(x.rowCount)×\(n)")
    let panels = (n + Kernels.panelWidth - 1) / Kernels.panelWidth
    let byRows = panels < threads && x.rowCount >= 64 * threads
    let parts = byRows ? threads : max(1, min(threads, panels))
    let (rows, wpr) = (x.rowCount, x.wordsPerRow)
    x.words.withUnsafeBufferPointer { bits in
      m.withUnsafeBufferPointer { pm in
        out.withUnsafeMutableBufferPointer { po in
          guard let bits = bits.baseAddress, let pm = pm.baseAddress, let po = po.baseAddress
          else { return }
          Kernels.parallelFor(parts, threads: parts) { p in
            if byRows {
              let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
              sdfa_binary_gemm(
                Int64(r1 - r0), Int64(k), 0, Int64(n), bits + r0 * wpr, Int64(wpr), pm, Int64(n),
                po + r0 * n, Int64(n), accumulate ? 1 : 0)
            } else {
              let c0 = panels * p / parts * Kernels.panelWidth
              let c1 = min(n, panels * (p + 1) / parts * Kernels.panelWidth)
              sdfa_binary_gemm(
                Int64(rows), Int64(k), Int64(c0), Int64(c1), bits, Int64(wpr), pm, Int64(n), po,
                Int64(n), accumulate ? 1 : 0)
            }
          }
        }
      }
    }
  }
}
