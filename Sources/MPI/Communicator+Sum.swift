import CMPI

/// The deterministic all-reduce: sums whose bits depend neither on timing nor on which rank
/// asks.
///
/// `MPI_Allreduce` may add in any order (and Open MPI's choice depends on message sizes and
/// the network), so two runs could differ in the last bit. Here the order is fixed:
///
/// 1. The vector is cut into `size` contiguous chunks; rank `r` owns chunk `r`
///    (elements `n·r/size ..< n·(r+1)/size`).
/// 2. `MPI_Alltoallv` hands every rank the other ranks' copies of its chunk.
/// 3. The owner adds them in rank order 0, 1, …, size−1, in double, and rounds once.
/// 4. `MPI_Allgatherv` gives every rank every reduced chunk.
///
/// The result equals `Σ_r x_r` summed in rank order on one machine, on every rank, in every
/// run. Each rank sends and receives `2 · (size−1)/size · n` elements: what a ring all-reduce
/// moves (bandwidth-optimal), in 2 collective steps.
extension Communicator {
  /// Sums `values` elementwise over the ranks in place (rank order, double accumulation).
  public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
    reduce(values, type: sdfa_mpi_float()) { parts, chunk, out in
      for j in 0..<chunk {
        var acc = 0.0
        for p in 0..<size { acc += Double(parts[p * chunk + j]) }
        out[j] = Float(acc)
      }
    }
  }

  /// Sums `values` elementwise over the ranks in place (rank order).
  public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
    reduce(values, type: sdfa_mpi_double()) { parts, chunk, out in
      for j in 0..<chunk {
        var acc = 0.0
        for p in 0..<size { acc += parts[p * chunk + j] }
        out[j] = acc
      }
    }
  }

  /// Sums `values` (an array) over the ranks; see ``sum(_:)-(UnsafeMutableBufferPointer<Float>)``.
  public func sum(_ values: inout [Double]) { values.withUnsafeMutableBufferPointer { sum($0) } }

  /// The chunk boundaries: rank `r` owns `bounds[r] ..< bounds[r + 1]`.
  static func chunkBounds(count n: Int, ranks: Int) -> [Int] {
    (0...ranks).map { n * $0 / ranks }
  }

  private func reduce<T>(
    _ values: UnsafeMutableBufferPointer<T>, type: MPI_Datatype,
    add: (_ parts: UnsafeBufferPointer<T>, _ chunk: Int, _ out: UnsafeMutableBufferPointer<T>) -> Void
  ) {
    guard size > 1 else { return }
    let n = values.count
    precondition(n <= Int(Int32.max), "a sum over \(n) elements: more than MPI's 32-bit counts")
    let bounds = Self.chunkBounds(count: n, ranks: size)
    let mine = bounds[rank + 1] - bounds[rank]
    let parts = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, mine * size))
    let reduced = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, mine))
    defer {
      parts.deallocate()
      reduced.deallocate()
    }
    // To rank q: my copy of chunk q. From rank p: its copy of my chunk, at p · mine.
    let sendCounts = (0..<size).map { Int32(bounds[$0 + 1] - bounds[$0]) }
    let sendOffsets = (0..<size).map { Int32(bounds[$0]) }
    let receiveCounts = [Int32](repeating: Int32(mine), count: size)
    let receiveOffsets = (0..<size).map { Int32($0 * mine) }
    MPI_Alltoallv(
      values.baseAddress, sendCounts, sendOffsets, type, parts.baseAddress, receiveCounts, receiveOffsets, type, comm)
    add(UnsafeBufferPointer(parts), mine, reduced)
    MPI_Allgatherv(reduced.baseAddress, Int32(mine), type, values.baseAddress, sendCounts, sendOffsets, type, comm)
  }
}
