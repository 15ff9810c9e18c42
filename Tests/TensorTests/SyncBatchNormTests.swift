import Testing
import TestSupport

@testable import Tensor

/// Synchronised batch norm's parts in one process: a batch cut into two unequal shares whose
/// sums are added by hand must normalise (and back-propagate) as the whole batch does, and
/// the parts over one process must give the unsplit kernels' bits.
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

  static func added(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }

  @Test func thePartsOfOneProcessGiveTheUnsplitBits() {
    var y1 = Tensor.zeros([0]), y2 = Tensor.zeros([0])
    let s1 = Tensor.batchNorm2d(Self.x, gamma: Self.gamma, beta: Self.beta, into: &y1)
    let s2 = Tensor.batchNormStatistics(sums: Tensor.batchNorm2dSums(Self.x))
    Tensor.batchNorm2dApply(Self.x, statistics: s2, gamma: Self.gamma, beta: Self.beta, into: &y2)
    #expect(y1.scalars.map(\.bitPattern) == y2.scalars.map(\.bitPattern))
    #expect(s1.mean == s2.mean && s1.invStd == s2.invStd && s1.unbiasedVariance == s2.unbiasedVariance)
    var g1 = Self.dy, g2 = Self.dy
    let d1 = Tensor.batchNorm2dBackward(&g1, input: Self.x, statistics: s1, gamma: Self.gamma)
    let sums = Tensor.batchNorm2dBackwardSums(g2, input: Self.x, statistics: s2)
    let d2 = Tensor.batchNorm2dBackwardApply(&g2, input: Self.x, statistics: s2, gamma: Self.gamma, sums: sums)
    #expect(g1.scalars.map(\.bitPattern) == g2.scalars.map(\.bitPattern))
    #expect(d1.gradGamma == d2.gradGamma && d1.gradBeta == d2.gradBeta)
  }

  @Test func twoSharesWithSummedSumsNormaliseAndBackPropagateAsTheWholeBatch() {
    let shares = [0..<2, 2..<Self.n]
    let xs = shares.map { Self.images(Self.x, $0) }, dys = shares.map { Self.images(Self.dy, $0) }
    let forward = Self.added(Tensor.batchNorm2dSums(xs[0]), Tensor.batchNorm2dSums(xs[1]))
    let stats = Tensor.batchNormStatistics(sums: forward)
    var y = [Tensor](repeating: .zeros([0]), count: 2)
    for k in 0..<2 { Tensor.batchNorm2dApply(xs[k], statistics: stats, gamma: Self.gamma, beta: Self.beta, into: &y[k]) }
    var whole = Tensor.zeros([0])
    let reference = Tensor.batchNorm2d(Self.x, gamma: Self.gamma, beta: Self.beta, into: &whole)
    #expect(forward[2 * Self.c] == Double(Self.n * Self.h * Self.w))
    #expect(firstMismatch(stats.mean, reference.mean, rtol: 1e-6, atol: 1e-7) == nil)
    #expect(firstMismatch(stats.invStd, reference.invStd, rtol: 1e-6, atol: 0) == nil)
    #expect(firstMismatch(stats.unbiasedVariance, reference.unbiasedVariance, rtol: 1e-6, atol: 0) == nil)
    #expect(firstMismatch(y[0].scalars + y[1].scalars, whole.scalars, rtol: 1e-5, atol: 1e-6) == nil)
    // Each share alone would normalise by its own statistics: far from the whole batch's.
    #expect(firstMismatch(Tensor.batchNormStatistics(sums: Tensor.batchNorm2dSums(xs[0])).mean, reference.mean, rtol: 1e-3, atol: 0) != nil)

    let backward = Self.added(
      Tensor.batchNorm2dBackwardSums(dys[0], input: xs[0], statistics: stats),
      Tensor.batchNorm2dBackwardSums(dys[1], input: xs[1], statistics: stats))
    var dx: [Float] = []
    for k in 0..<2 {
      var g = dys[k]
      _ = Tensor.batchNorm2dBackwardApply(&g, input: xs[k], statistics: stats, gamma: Self.gamma, sums: backward)
      dx += g.scalars
    }
    var g = Self.dy
    let (dg, db) = Tensor.batchNorm2dBackward(&g, input: Self.x, statistics: reference, gamma: Self.gamma)
    #expect(firstMismatch(dx, g.scalars, rtol: 1e-4, atol: 1e-6) == nil)
    #expect(firstMismatch((0..<Self.c).map { Float(backward[Self.c + $0]) }, dg, rtol: 1e-5, atol: 1e-6) == nil)
    #expect(firstMismatch((0..<Self.c).map { Float(backward[$0]) }, db, rtol: 1e-5, atol: 1e-6) == nil)
  }
}
