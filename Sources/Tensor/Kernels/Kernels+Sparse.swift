import _CKernels

extension Kernels {
  /// Input density below which the spike-driven kernels beat dense BLAS for a layer's product
  /// and weight gradient: ~20% against OpenBLAS's AVX-512 cores (SkylakeX, Cooperlake), ~30%
  /// against its AVX2 cores, whose GEMM is half as fast (measured, research/swift-tech.md §1.3).
  public static let sparseCrossover: Double = {
    let avx512Cores = ["SkylakeX", "Cooperlake", "SapphireRapids"]
    return avx512Cores.contains(blasCoreName) ? 0.2 : 0.3
  }()

  /// Spike density from which the binary table-lookup product
  /// (``Tensor/binaryMatmul(_:_:into:accumulate:threads:)``) beats the gather kernels; it beats
  /// BLAS at every density. Measured by `snnbench --crossover` on a `[1280, 1000] · [1000, 1000]`
  /// product: the two meet between 20% and 30% on 1 and 2 threads.
  public static let binaryCrossover: Double = 0.22

  /// Gather-accumulate: `out[r, :] = Σ_j val[j] · w[idx[j], :]` over row r's entries.
  ///
  /// The sparse rows are CSR (`rowStart[rows + 1]`, `indices`, optional `values`; nil values
  /// mean 1, as for binary spikes). `w` is `[K, n]` with leading dimension `ldw`, `out` is
  /// `[rows, n]` with `ldo`. Work is proportional to the non-zeros times `n`, so this beats a
  /// dense product below ~15% density. Columns are split over `threads`.
  public static func gatherRows(
    rows: Int, n: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, w: UnsafePointer<Float>, ldw: Int,
    out: UnsafeMutablePointer<Float>, ldo: Int, accumulate: Bool, threads: Int = 1
  ) {
    let ranges = columnRanges(n, parts: threads)
    let rs = UnsafeRawPointer(rowStart).assumingMemoryBound(to: Int64.self)
    parallelFor(ranges.count, threads: threads) { p in
      sdfa_gather_rows(
        Int64(rows), Int64(ranges[p].lowerBound), Int64(ranges[p].upperBound), rs, indices,
        values, w, Int64(ldw), out, Int64(ldo), accumulate ? 1 : 0)
    }
  }

  /// Scatter-add, the weight gradient of ``gatherRows``: `dw[idx[j], :] += val[j] · dy[r, :]`.
  ///
  /// `dy` is `[rows, n]` (leading dimension `lddy`), `dw` is `[K, n]` (`lddw`).
  public static func scatterAddRows(
    rows: Int, n: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, dy: UnsafePointer<Float>, lddy: Int,
    dw: UnsafeMutablePointer<Float>, lddw: Int, threads: Int = 1
  ) {
    let ranges = columnRanges(n, parts: threads)
    let rs = UnsafeRawPointer(rowStart).assumingMemoryBound(to: Int64.self)
    parallelFor(ranges.count, threads: threads) { p in
      sdfa_scatter_rows(
        Int64(rows), Int64(ranges[p].lowerBound), Int64(ranges[p].upperBound), rs, indices,
        values, dy, Int64(lddy), dw, Int64(lddw))
    }
  }
}

extension Kernels {
  /// Width of a packed panel, in columns.
  public static let panelWidth = 64

  /// Packs `w` `[k, n]` (leading dimension `ldw`) into `⌈n / 64⌉` contiguous, zero-padded
  /// `[k, 64]` panels; `panels` holds `⌈n / 64⌉ · k · 64` floats.
  public static func packPanels(
    k: Int, n: Int, w: UnsafePointer<Float>, ldw: Int, panels: UnsafeMutablePointer<Float>
  ) {
    sdfa_pack_panels(Int64(k), Int64(n), w, Int64(ldw), panels)
  }

  /// ``gatherRows(rows:n:rowStart:indices:values:w:ldw:out:ldo:accumulate:threads:)`` over
  /// weights packed by ``packPanels(k:n:w:ldw:panels:)``: every row chunk is 256-byte aligned and
  /// a panel's rows are contiguous, which removes split loads and helps the prefetcher.
  public static func gatherPanels(
    rows: Int, k: Int, n: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, panels: UnsafePointer<Float>,
    out: UnsafeMutablePointer<Float>, ldo: Int, accumulate: Bool, threads: Int = 1
  ) {
    let count = (n + panelWidth - 1) / panelWidth
    let parts = max(1, min(threads, count))
    let rs = UnsafeRawPointer(rowStart).assumingMemoryBound(to: Int64.self)
    parallelFor(parts, threads: threads) { p in
      let p0 = count * p / parts, p1 = count * (p + 1) / parts
      sdfa_gather_panels(
        Int64(rows), Int64(k), Int64(n), Int64(p0), Int64(p1), rs, indices, values, panels,
        out, Int64(ldo), accumulate ? 1 : 0)
    }
  }
}

/// Which kernel computes a spiking layer's products (`X · W` and the weight gradient `Xᵀ · dZ`),
/// chosen per layer and batch by the density of its input `X`.
///
/// `.measured` is the choice the training engine makes; tests force one path with the others.
public struct ProductKernels: Sendable, Equatable {
  /// Inputs sparser than this are gathered and scattered row by row.
  public var sparseBelow: Double
  /// Binary inputs (spikes) at least this dense go through the table-lookup product; other
  /// inputs at or above ``sparseBelow`` go through BLAS.
  public var binaryFrom: Double

  public init(sparseBelow: Double, binaryFrom: Double) {
    self.sparseBelow = sparseBelow
    self.binaryFrom = binaryFrom
  }

  /// The crossovers measured on this machine (``Kernels/sparseCrossover``,
  /// ``Kernels/binaryCrossover``).
  public static let measured = ProductKernels(
    sparseBelow: Kernels.sparseCrossover, binaryFrom: Kernels.binaryCrossover)
  /// BLAS for every product.
  public static let dense = ProductKernels(sparseBelow: 0, binaryFrom: .infinity)
  /// Gather and scatter for every product.
  public static let sparse = ProductKernels(sparseBelow: .infinity, binaryFrom: .infinity)
  /// Table lookup wherever the input is binary, BLAS elsewhere.
  public static let binary = ProductKernels(sparseBelow: 0, binaryFrom: 0)
}
