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
  /// False when only the rows' entry counts are known (``rowStart``): a neuron skips listing
  /// the spikes of a layer that dense enough to be read as a bitmap.
  public var indicesListed = true

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

  /// Makes `indices` at least `capacity` long for a kernel to write into, without touching
  /// the new storage: a spike list is sized for every unit firing, but at a few percent
  /// density its kernel writes (and the OS backs with memory) only the first pages. Entries
  /// past ``nonzeroCount`` are unspecified, as they are after any kernel's write.
  public mutating func reserveIndices(_ capacity: Int) {
    guard indices.count < capacity else { return }
    indices = [Int32](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
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
    precondition(indicesListed, "the spikes were counted, not listed")
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

extension SparseRows {
  /// Writes the transpose (`[columnCount, rowCount]`, CSR) into `t`, reusing its storage.
  ///
  /// A counting sort in O(rows + columns + non-zeros); entries of each output row come in
  /// increasing input-row order. With it the weight gradient `xᵀ · dy` becomes a gather over
  /// rows of `dy` that accumulates in registers, instead of a read-modify-write scatter.
  public func transpose(into t: inout SparseRows) {
    precondition(indicesListed, "the spikes were counted, not listed")
    let nnz = nonzeroCount
    t.columnCount = rowCount
    if t.rowStart.count != columnCount + 1 {
      t.rowStart = [Int](repeating: 0, count: columnCount + 1)
    }
    if t.indices.count < nnz { t.indices = [Int32](repeating: 0, count: nnz) }
    if values == nil {
      t.values = nil
    } else if t.values == nil || t.values!.count < nnz {
      t.values = [Float](repeating: 0, count: nnz)
    }
    let rows = rowCount, cols = columnCount
    rowStart.withUnsafeBufferPointer { rs in
      indices.withUnsafeBufferPointer { idx in
        t.rowStart.withUnsafeMutableBufferPointer { trs in
          for c in 0...cols { trs[c] = 0 }
          for j in 0..<nnz { trs[Int(idx[j]) + 1] += 1 }
          for c in 0..<cols { trs[c + 1] += trs[c] }
          t.indices.withUnsafeMutableBufferPointer { tidx in
            // trs[c] is used as the fill cursor of column c, then restored by a shift.
            if let v = values {
              v.withUnsafeBufferPointer { v in
                t.values!.withUnsafeMutableBufferPointer { tv in
                  for r in 0..<rows {
                    for j in rs[r]..<rs[r + 1] {
                      let c = Int(idx[j])
                      tidx[trs[c]] = Int32(r)
                      tv[trs[c]] = v[j]
                      trs[c] += 1
                    }
                  }
                }
              }
            } else {
              for r in 0..<rows {
                for j in rs[r]..<rs[r + 1] {
                  let c = Int(idx[j])
                  tidx[trs[c]] = Int32(r)
                  trs[c] += 1
                }
              }
            }
          }
          for c in stride(from: cols, to: 0, by: -1) { trs[c] = trs[c - 1] }
          trs[0] = 0
        }
      }
    }
  }
}
