import Foundation
import Tensor

/// `snnbench --crossover`: milliseconds of one `[1280, 1000] · [1000, 1000]` product (a hidden
/// layer of the N-MNIST MLPs over T·B = 1280 rows) with a binary left operand at several
/// densities, by the three kernels the MLP engine chooses between: BLAS, the spike gather over
/// packed panels, and the binary table lookup. The crossovers in `Kernels` come from this table.
func runCrossover(threads: [Int], densities: [Double]) {
  let (rows, k, n) = (1280, 1000, 1000)
  Kernels.setBLASThreads(1)  // as in training: products are split over threads by the caller
  var rng = SystemRandomNumberGenerator()
  let w = Tensor(shape: [k, n], scalars: (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) })
  print("| density | threads | BLAS ms | gather ms | binary ms |")
  print("|---:|---:|---:|---:|---:|")
  for density in densities {
    let x = Tensor(
      shape: [rows, k],
      scalars: (0..<(rows * k)).map { _ in Double.random(in: 0..<1, using: &rng) < density ? 1 : 0 })
    let sparse = SparseRows(dense: x, binary: true)
    var bits = SpikeBitmap()
    for t in threads {
      var out = Tensor(shape: [rows, n]), panels = Tensor.zeros([0])
      let blas = bestOf { Tensor.gemm(x, w, into: &out, threads: t) }
      let gather = bestOf {
        Tensor.gatherRowsPacked(sparse, weights: w, into: &out, panels: &panels, threads: t)
      }
      let binary = bestOf {
        bits.fill(fromDense: x)
        Tensor.binaryMatmul(bits, w, into: &out, threads: t)
      }
      print(String(format: "| %.2f | %d | %.2f | %.2f | %.2f |", density, t, blas, gather, binary))
    }
  }
}

/// Best of 7 runs after one warm-up, in milliseconds.
private func bestOf(_ body: () -> Void) -> Double {
  body()
  var best = Double.infinity
  for _ in 0..<7 {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
  }
  return best
}

/// The machine's dense fp32 ceiling: GFLOP/s of BLAS on MLP-A's first-layer product
/// (`[1280, 2312] · [2312, 1000]`), split over `threads` as the engine splits its products.
func blasCeiling(threads: Int) -> Double {
  let (m, k, n) = (1280, 2312, 1000)
  Kernels.setBLASThreads(1)
  var rng = RandomStream(seed: 0, purpose: "bench.ceiling")
  let a = Tensor(shape: [m, k], scalars: (0..<(m * k)).map { _ in rng.nextNormal() })
  let b = Tensor(shape: [k, n], scalars: (0..<(k * n)).map { _ in rng.nextNormal() })
  var c = Tensor(shape: [m, n])
  let ms = bestOf { Tensor.gemm(a, b, into: &c, threads: threads) }
  return 2 * Double(m * k * n) / (ms * 1e6)
}
