import Testing
import TestSupport

@testable import Tensor

/// Synchronised batch norm in one process: a batch cut into two unequal shares whose sums are
/// exchanged by hand must normalise (and back-propagate) as the whole batch does, and an
/// identity sum must give the unsynchronised kernels' bits.
@Suite struct SyncBatchNormTests {
  static let (n, c, h, w) = (6, 3, 5, 4)

  /// Deterministic values with a per-channel offset and scale (so the statistics differ).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { i in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let u = Float(state >> 40) / Float(1 << 24)
      let channel = (i / (h * w)) % c
      return (u - 0.3) * Float(channel + 1) + Float(channel)
    }
  }

  static let x = Tensor(shape: [n, c, h, w], scalars: values(n * c * h * w, seed: 1))
  static let dy = Tensor(shape: [n, c, h, w], scalars: values(n * c * h * w, seed: 2))
  static let gamma: [Float] = [1.5, 0.5, -0.7], beta: [Float] = [0.1, -0.2, 0.3]

  /// Images `range` of a `[n, c, h, w]` tensor.
  static func images(_ t: Tensor, _ range: Range<Int>) -> Tensor {
    let size = c * h * w
    return Tensor(shape: [range.count, c, h, w], scalars: Array(t.scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
  }

  @Test func anIdentitySumGivesTheUnsynchronisedBits() {
    var y1 = Tensor.zeros([0]), y2 = Tensor.zeros([0])
    let s1 = Tensor.batchNorm2d(Self.x, gamma: Self.gamma, beta: Self.beta, into: &y1)
    let s2 = Tensor.batchNorm2d(Self.x, gamma: Self.gamma, beta: Self.beta, into: &y2, summing: { _ in })
    #expect(y1.scalars.map(\.bitPattern) == y2.scalars.map(\.bitPattern))
    #expect(s1.mean == s2.mean && s1.invStd == s2.invStd && s1.unbiasedVariance == s2.unbiasedVariance)
    var g1 = Self.dy, g2 = Self.dy
    let d1 = Tensor.batchNorm2dBackward(&g1, input: Self.x, statistics: s1, gamma: Self.gamma)
    let d2 = Tensor.batchNorm2dBackward(&g2, input: Self.x, statistics: s2, gamma: Self.gamma, summing: { _ in })
    #expect(g1.scalars.map(\.bitPattern) == g2.scalars.map(\.bitPattern))
    #expect(d1.gradGamma == d2.gradGamma && d1.gradBeta == d2.gradBeta)
  }

  @Test func twoSharesNormaliseAndBackPropagateAsTheWholeBatch() {
    let shares = [0..<2, 2..<Self.n]
    // Pass 1 records each share's local sums; pass 2 adds the other share's (a + b == b + a).
    var local: [[Double]] = [[], []]
    for (k, r) in shares.enumerated() {
      var y = Tensor.zeros([0])
      _ = Tensor.batchNorm2d(Self.images(Self.x, r), gamma: Self.gamma, beta: Self.beta, into: &y, summing: { local[k] = $0 })
    }
    var y = [Tensor](repeating: .zeros([0]), count: 2)
    var stats: [Tensor.BatchNormStatistics] = []
    for (k, r) in shares.enumerated() {
      let other = local[1 - k]
      stats.append(Tensor.batchNorm2d(Self.images(Self.x, r), gamma: Self.gamma, beta: Self.beta, into: &y[k], summing: { sums in
        for i in sums.indices { sums[i] += other[i] }
      }))
    }
    var whole = Tensor.zeros([0])
    let reference = Tensor.batchNorm2d(Self.x, gamma: Self.gamma, beta: Self.beta, into: &whole)
    #expect(stats[0].mean == stats[1].mean && stats[0].invStd == stats[1].invStd)
    #expect(firstMismatch(stats[0].mean, reference.mean, rtol: 1e-6, atol: 1e-7) == nil)
    #expect(firstMismatch(stats[0].invStd, reference.invStd, rtol: 1e-6, atol: 0) == nil)
    #expect(firstMismatch(stats[0].unbiasedVariance, reference.unbiasedVariance, rtol: 1e-6, atol: 0) == nil)
    #expect(firstMismatch(y[0].scalars + y[1].scalars, whole.scalars, rtol: 1e-5, atol: 1e-6) == nil)

    var backLocal: [[Double]] = [[], []]
    for (k, r) in shares.enumerated() {
      var g = Self.images(Self.dy, r)
      _ = Tensor.batchNorm2dBackward(
        &g, input: Self.images(Self.x, r), statistics: stats[k], gamma: Self.gamma, summing: { backLocal[k] = $0 })
    }
    var dx: [Float] = [], dGamma = [Float](repeating: 0, count: Self.c), dBeta = dGamma
    for (k, r) in shares.enumerated() {
      var g = Self.images(Self.dy, r)
      let other = backLocal[1 - k]
      let (dg, db) = Tensor.batchNorm2dBackward(
        &g, input: Self.images(Self.x, r), statistics: stats[k], gamma: Self.gamma, summing: { sums in
          for i in sums.indices { sums[i] += other[i] }
        })
      dx += g.scalars
      // dγ and dβ are each share's part: the gradient sum over ranks adds them.
      for ch in 0..<Self.c { (dGamma[ch], dBeta[ch]) = (dGamma[ch] + dg[ch], dBeta[ch] + db[ch]) }
    }
    var g = Self.dy
    let (dg, db) = Tensor.batchNorm2dBackward(&g, input: Self.x, statistics: reference, gamma: Self.gamma)
    #expect(firstMismatch(dx, g.scalars, rtol: 1e-4, atol: 1e-6) == nil)
    #expect(firstMismatch(dGamma, dg, rtol: 1e-5, atol: 1e-6) == nil)
    #expect(firstMismatch(dBeta, db, rtol: 1e-5, atol: 1e-6) == nil)
  }
}
