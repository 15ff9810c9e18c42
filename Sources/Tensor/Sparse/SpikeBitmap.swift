import _CKernels

/// A binary matrix packed 64 columns to a word: the spikes of a layer as the binary products
/// (``Tensor/binaryMatmul(_:_:into:accumulate:threads:)``) read them.
///
/// Row `r` holds column `c` at bit `c % 64` of `words[r * wordsPerRow + c / 64]`; bits past the
/// last column are zero. Buffers are kept across refills, so a layer packs its spikes every
/// batch without allocating.
///
/// ```swift
/// var bits = SpikeBitmap()
/// bits.fill(fromDense: spikes)          // [T·B, N] zeros and ones
/// bits.transpose(into: &inputsByUnit)   // [N, T·B], for the weight gradient
/// ```
public struct SpikeBitmap: Sendable {
  public private(set) var rowCount = 0
  public private(set) var columnCount = 0
  public private(set) var wordsPerRow = 0
  public private(set) var words: [UInt64] = []

  public init() {}

  private mutating func resize(rows: Int, columns: Int) {
    rowCount = rows
    columnCount = columns
    wordsPerRow = (columns + 63) / 64
    if words.count != rows * wordsPerRow { words = Array(repeating: 0, count: rows * wordsPerRow) }
  }

  /// Packs the non-zeros of `dense`'s matrix view, rows split over `threads`.
  public mutating func fill(fromDense dense: Tensor, threads: Int = 1) {
    let (rows, columns) = dense.matrixShape
    resize(rows: rows, columns: columns)
    let wpr = wordsPerRow
    let parts = rows * columns >= 1 << 16 ? max(1, min(threads, rows)) : 1
    dense.withUnsafeBufferPointer { s in
      words.withUnsafeMutableBufferPointer { w in
        guard let out = w.baseAddress, let s = s.baseAddress else { return }
        Kernels.parallelFor(parts, threads: parts) { p in
          let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
          sdfa_bits_from_dense(
            Int64(r1 - r0), Int64(columns), s + r0 * columns, Int64(columns), out + r0 * wpr, Int64(wpr))
        }
      }
    }
  }

  /// Writes the transpose (`[columnCount, rowCount]`) into `out`.
  public func transpose(into out: inout SpikeBitmap) {
    out.resize(rows: columnCount, columns: rowCount)
    let (rows, columns, wpr, outWpr) = (rowCount, columnCount, wordsPerRow, out.wordsPerRow)
    words.withUnsafeBufferPointer { w in
      out.words.withUnsafeMutableBufferPointer { o in
        guard let w = w.baseAddress, let o = o.baseAddress else { return }
        sdfa_bits_transpose(Int64(rows), Int64(columns), w, Int64(wpr), o, Int64(outWpr))
      }
    }
  }

  /// Whether entry `(row, column)` is set.
  public subscript(row: Int, column: Int) -> Bool {
    words[row * wordsPerRow + column / 64] >> UInt64(column % 64) & 1 == 1
  }
}
