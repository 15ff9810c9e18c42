/// Rows of a sparse matrix in CSR form: the active columns of each row and their values.
///
/// Row `r`'s entries are `indices[rowStart[r] ..< rowStart[r + 1]]` (column numbers) with
/// `values` at the same positions; `values == nil` means every value is 1 (binary spikes).
/// `indices` may be longer than the entry count (kernels write into a preallocated capacity);
/// only the first `nonzeroCount` entries are meaningful.
///
/// ```swift
/// var x = SparseRows(columnCount: 4, binary: false)
/// x.appendRow(indices: [1, 3], values: [2, 1])   // row 0 = [0, 2, 0, 1]
/// ```
public struct SparseRows: Sendable {
  /// Number of columns (the dense row width).
  public var columnCount: Int
  /// Offsets of each row's first entry, `rowCount + 1` of them.
  public var rowStart: [Int]
  /// Column of each entry.
  public var indices: [Int32]
  /// Value of each entry, or nil when all are 1.
  public var values: [Float]?

  /// An empty matrix of `columnCount` columns.
  public init(columnCount: Int, binary: Bool = true) {
    self.columnCount = columnCount
    self.rowStart = [0]
    self.indices = []
    self.values = binary ? nil : []
  }

  /// The sparse rows of a dense matrix (its matrix view); exact zeros are dropped.
  public init(dense: Tensor, binary: Bool = false) {
    let (rows, columns) = dense.matrixShape
    self.init(columnCount: columns, binary: binary)
    let s = dense.scalars
    for r in 0..<rows {
      for c in 0..<columns where s[r * columns + c] != 0 {
        indices.append(Int32(c))
        values?.append(s[r * columns + c])
      }
      rowStart.append(indices.count)
    }
  }

  /// Number of rows.
  @inlinable public var rowCount: Int { rowStart.count - 1 }

  /// Number of stored entries.
  @inlinable public var nonzeroCount: Int { rowStart[rowStart.count - 1] }

  /// Fraction of non-zero entries.
  public var density: Double {
    rowCount * columnCount == 0 ? 0 : Double(nonzeroCount) / Double(rowCount * columnCount)
  }

  /// Removes every row, keeping the capacity.
  public mutating func removeAll() {
    rowStart.removeAll(keepingCapacity: true)
    rowStart.append(0)
    indices.removeAll(keepingCapacity: true)
    values?.removeAll(keepingCapacity: true)
  }

  /// Appends a row. `values` is ignored for binary rows.
  public mutating func appendRow(indices newIndices: [Int32], values newValues: [Float] = []) {
    let n = nonzeroCount
    indices.removeSubrange(n...)
    values?.removeSubrange(n...)
    indices.append(contentsOf: newIndices)
    if values != nil {
      precondition(newValues.count == newIndices.count, "one value per index")
      values!.append(contentsOf: newValues)
    }
    rowStart.append(indices.count)
  }

  /// Closes the current row after entries were appended to `indices` (and `values`) directly.
  public mutating func closeRow() { rowStart.append(indices.count) }

  /// The dense `[rowCount, columnCount]` matrix.
  public func dense() -> Tensor {
    var t = Tensor(shape: [rowCount, columnCount])
    denseInto(&t)
    return t
  }

  /// Writes the dense matrix into `t`, which must hold `rowCount · columnCount` elements.
  public func denseInto(_ t: inout Tensor) {
    precondition(t.count == rowCount * columnCount, "dense target of \(t.count) elements")
    t.withUnsafeMutableBufferPointer { p in
      p.update(repeating: 0)
      for r in 0..<rowCount {
        for j in rowStart[r]..<rowStart[r + 1] {
          p[r * columnCount + Int(indices[j])] = values?[j] ?? 1
        }
      }
    }
  }
}
