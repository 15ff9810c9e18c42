import Testing
import Tensor
import TestSupport

/// Conv, pooling, batch norm and voting against naive loops and finite differences.
@Suite struct ConvKernelTests {
  static func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "conv")
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() })
  }

  static func naiveConv(_ x: Tensor, _ w: Tensor, pad: Int) -> [Float] {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, k) = (w.shape[0], w.shape[2])
    let oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1
    var out = [Float](repeating: 0, count: n * co * oh * ow)
    let xs = x.scalars, ws = w.scalars
    for i in 0..<n {
      for o in 0..<co {
        for y in 0..<oh {
          for xx in 0..<ow {
            var s = 0.0
            for ci in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let iy = y + ky - pad, ix = xx + kx - pad
                  if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                    s += Double(xs[((i * c + ci) * h + iy) * wd + ix]) * Double(ws[((o * c + ci) * k + ky) * k + kx])
                  }
                }
              }
            }
            out[((i * co + o) * oh + y) * ow + xx] = Float(s)
          }
        }
      }
    }
    return out
  }

  @Test(arguments: [(3, 1), (3, 0), (1, 0)])
  func convMatchesNaiveAndGradientsMatchFiniteDifferences(k: Int, pad: Int) {
    let x = Self.random([2, 3, 5, 4], seed: 1), w = Self.random([4, 3, k, k], seed: 2)
    var cols = Tensor.zeros([0])
    let y = Tensor.conv2d(x, weight: w, pad: pad, cols: &cols)
    #expect(firstMismatch(y.scalars, Self.naiveConv(x, w, pad: pad), rtol: 1e-4, atol: 1e-5) == nil)
    let g = Self.random(y.shape, seed: 3)
    let (dw, dx) = Tensor.conv2dBackward(x, weight: w, pad: pad, gradOut: g, inputGradient: true, cols: &cols)
    let loss = { (xs: [Double], ws: [Double]) -> Double in
      let yy = Self.naiveConv(
        Tensor(shape: x.shape, scalars: xs.map(Float.init)), Tensor(shape: w.shape, scalars: ws.map(Float.init)), pad: pad)
      return zip(yy, g.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let xd = x.scalars.map(Double.init), wd = w.scalars.map(Double.init)
    let fdx = finiteDifferenceGradient(of: { loss($0, wd) }, at: xd, step: 1e-2)
    let fdw = finiteDifferenceGradient(of: { loss(xd, $0) }, at: wd, step: 1e-2)
    #expect(firstMismatch(dx!.scalars, fdx.map(Float.init), rtol: 1e-3, atol: 1e-3) == nil)
    #expect(firstMismatch(dw.scalars, fdw.map(Float.init), rtol: 1e-3, atol: 1e-3) == nil)
    // Two threads: each image on its own part; dW summed in part order.
    var cols2 = Tensor.zeros([0])
    #expect(Tensor.conv2d(x, weight: w, pad: pad, cols: &cols2, threads: 2) == y)
    let (dw2, dx2) = Tensor.conv2dBackward(x, weight: w, pad: pad, gradOut: g, inputGradient: true, cols: &cols2, threads: 2)
    #expect(dx2! == dx!)
    #expect(firstMismatch(dw2.scalars, dw.scalars, rtol: 1e-5, atol: 1e-6) == nil)
  }

  @Test func maxPoolTiesGoToTheFirstAndGradientFollowsArgmax() {
    // One 4×5 plane of binary spikes (odd width: the last column is dropped, as floor mode).
    let x = Tensor(shape: [1, 1, 4, 5], scalars: [
      0, 1, 1, 1, 9,
      1, 0, 0, 0, 9,
      0, 0, 2, 3,  9,
      0, 0, 3, 1,  9,
    ])
    let (y, arg) = Tensor.maxPool2x2(x)
    #expect(y.shape == [1, 1, 2, 2] && y.scalars == [1, 1, 0, 3])
    #expect(arg == [1, 2, 10, 13])
    let dx = Tensor.maxPool2x2Backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]), argmax: arg, inputShape: x.shape)
    var expected = [Float](repeating: 0, count: 20)
    expected[1] = 1; expected[2] = 2; expected[10] = 3; expected[13] = 4
    #expect(dx.scalars == expected)
  }

  @Test func batchNormMatchesFiniteDifferences() {
    let x = Self.random([3, 2, 2, 3], seed: 4)
    let gamma: [Float] = [1.5, -0.5], beta: [Float] = [0.1, 0.2]
    let (y, cache) = Tensor.batchNorm2d(x, gamma: gamma, beta: beta)
    // Per channel the output has mean β and (biased) std |γ| (up to eps).
    for ch in 0..<2 {
      let vals = (0..<3).flatMap { i in (0..<6).map { y.scalars[(i * 2 + ch) * 6 + $0] } }
      let mean = vals.reduce(0, +) / Float(vals.count)
      #expect(abs(mean - beta[ch]) < 1e-5)
    }
    let g = Self.random(x.shape, seed: 5)
    let (dx, dg, db) = Tensor.batchNorm2dBackward(g, cache: cache, gamma: gamma)
    func loss(_ xs: [Double], _ gm: [Double]) -> Double {
      let (yy, _) = Tensor.batchNorm2d(
        Tensor(shape: x.shape, scalars: xs.map(Float.init)), gamma: gm.map(Float.init), beta: beta)
      return zip(yy.scalars, g.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let xd = x.scalars.map(Double.init), gd = gamma.map(Double.init)
    let fdx = finiteDifferenceGradient(of: { loss($0, gd) }, at: xd, step: 1e-2)
    let fdg = finiteDifferenceGradient(of: { loss(xd, $0) }, at: gd, step: 1e-2)
    #expect(firstMismatch(dx.scalars, fdx.map(Float.init), rtol: 2e-2, atol: 2e-3) == nil)
    #expect(firstMismatch(dg, fdg.map(Float.init), rtol: 1e-2, atol: 1e-3) == nil)
    let gs = g.scalars
    var sum0: Float = 0
    for i in 0..<3 { for j in 0..<6 { sum0 += gs[(i * 2) * 6 + j] } }
    #expect(abs(db[0] - sum0) < 1e-4)
  }

  @Test func votingAveragesGroups() {
    let x = Tensor(shape: [2, 4], scalars: [1, 0, 1, 1, 0, 0, 0, 1])
    #expect(Tensor.voting(x, group: 2).scalars == [0.5, 1, 0, 0.5])
  }
}
