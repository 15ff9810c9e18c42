import Testing
import Tensor
import TestSupport

/// Neuron kernels against a hand-computed case, a naive reference and finite differences of
/// the smooth stand-in whose derivative is the ATan surrogate.
@Suite struct NeuronKernelTests {
  @Test func lifHandComputed() {
    // tau 2: H0 = 0.75; H1 = 0.75 + (0.5 − 0.75)/2 = 0.625; H2 = 0.625 + (2.5 − 0.625)/2 = 1.5625
    // (spike, reset to 0); H3 = 0 + (2 − 0)/2 = 1 (spike: H − v_th ≥ 0).
    let x = Tensor(shape: [4, 1, 1], scalars: [1.5, 0.5, 2.5, 2])
    var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: 1)
    let n = Tensor.neuronForward(
      x, steps: 4, neuron: NeuronParameters(), h: &h, s: &s, spikes: &spikes, scratch: &v)
    #expect(h.scalars == [0.75, 0.625, 1.5625, 1])
    #expect(s.scalars == [0, 0, 1, 1])
    #expect(n == 2 && spikes.rowStart == [0, 0, 0, 1, 2])
  }

  @Test func ifHandComputedAndSpikeIndices() {
    let x = Tensor(shape: [2, 1, 3], scalars: [0.5, 1, 2, 0.5, -1, 0.2])
    var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: 3)
    Tensor.neuronForward(
      x, steps: 2, neuron: NeuronParameters(leaky: false), h: &h, s: &s, spikes: &spikes,
      scratch: &v)
    #expect(h.scalars == [0.5, 1, 2, 1, -1, 0.2])
    #expect(s.scalars == [0, 1, 1, 1, 0, 0])
    #expect(spikes.rowStart == [0, 2, 3])
    #expect(Array(spikes.indices[0..<3]) == [1, 2, 0])
  }

  /// Smooth forward: S = σ(H − v_th), V = H (1 − S); loss = Σ G · S.
  static func smoothLoss(
    _ x: [Double], g: [Double], steps: Int, m: Int, p: NeuronParameters
  ) -> (loss: Double, h: [Double], s: [Double]) {
    var v = [Double](repeating: 0, count: m)
    var h = [Double](repeating: 0, count: x.count), s = h
    var loss = 0.0
    for t in 0..<steps {
      for i in 0..<m {
        let xi = x[t * m + i]
        let hv = p.leaky ? v[i] + (xi - v[i]) / Double(p.tau) : v[i] + xi
        let sp = atanSigmoid(hv - Double(p.vThreshold), alpha: Double(p.alpha))
        h[t * m + i] = hv
        s[t * m + i] = sp
        v[i] = hv * (1 - sp)
        loss += g[t * m + i] * sp
      }
    }
    return (loss, h, s)
  }

  @Test(arguments: [
    NeuronParameters(leaky: true, tau: 2, vThreshold: 1, alpha: 2),
    NeuronParameters(leaky: true, tau: 3.5, vThreshold: 0.5, alpha: 4),
    NeuronParameters(leaky: false, tau: 2, vThreshold: 1, alpha: 2),
  ])
  func backwardMatchesFiniteDifferencesOfSmoothStandIn(p: NeuronParameters) {
    let steps = 6, m = 5
    var rng = RandomStream(seed: 4, purpose: "fd")
    let x = (0..<(steps * m)).map { _ in Double(rng.nextNormal()) * 0.8 + 0.5 }
    let g = (0..<(steps * m)).map { _ in Double(rng.nextNormal()) }
    let fd = finiteDifferenceGradient(
      of: { Self.smoothLoss($0, g: g, steps: steps, m: m, p: p).loss }, at: x)
    let fwd = Self.smoothLoss(x, g: g, steps: steps, m: m, p: p)
    let h = Tensor(shape: [steps, m], scalars: fwd.h.map(Float.init))
    let s = Tensor(shape: [steps, m], scalars: fwd.s.map(Float.init))
    var gx = Tensor.zeros([0]), scratch = Tensor.zeros([0])
    Tensor.neuronBackward(
      h: h, s: s, gradS: Tensor(shape: [steps, m], scalars: g.map(Float.init)), steps: steps,
      neuron: p, gradX: &gx, scratch: &scratch)
    #expect(firstMismatch(gx.scalars, fd.map(Float.init), rtol: 1e-3, atol: 1e-4) == nil)
  }

  @Test func broadcastGradientEqualsRepeatedGradient() {
    let steps = 4, m = 3
    var rng = RandomStream(seed: 5, purpose: "bc")
    let x = Tensor(shape: [steps, m], scalars: (0..<(steps * m)).map { _ in rng.nextNormal() + 0.7 })
    var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: m)
    Tensor.neuronForward(x, steps: steps, neuron: NeuronParameters(), h: &h, s: &s, spikes: &spikes, scratch: &v)
    let g = (0..<m).map { _ in rng.nextNormal() }
    var a = Tensor.zeros([0]), b = Tensor.zeros([0])
    Tensor.neuronBackward(h: h, s: s, gradS: Tensor(shape: [m], scalars: g), steps: steps, neuron: NeuronParameters(), gradX: &a, scratch: &v)
    Tensor.neuronBackward(h: h, s: s, gradS: Tensor(shape: [steps, m], scalars: Array((0..<steps).map { _ in g }.joined())), steps: steps, neuron: NeuronParameters(), gradX: &b, scratch: &v)
    #expect(a == b)
  }

  @Test func adamFirstStepMovesBySignedLearningRate() {
    var w = Tensor(shape: [3], scalars: [1, 2, 3])
    let g = Tensor(shape: [3], scalars: [0.5, -2, 0])
    var m = Tensor.zeros([3]), v = Tensor.zeros([3])
    w.adamStep(gradient: g, m: &m, v: &v, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, decoupled: false)
    #expect(firstMismatch(w.scalars, [0.9, 2.1, 3], rtol: 1e-6, atol: 1e-6) == nil)
  }

  @Test func sgdMomentumTwoSteps() {
    var w = Tensor(shape: [1], scalars: [1])
    var buf = Tensor.zeros([1])
    let g = Tensor(shape: [1], scalars: [2])
    w.sgdStep(gradient: g, buffer: &buf, lr: 0.1, momentum: 0.9, weightDecay: 0.5, firstStep: true)
    // g' = 2 + 0.5 = 2.5; w = 1 − 0.25 = 0.75
    #expect(abs(w[0] - 0.75) < 1e-6)
    w.sgdStep(gradient: g, buffer: &buf, lr: 0.1, momentum: 0.9, weightDecay: 0.5, firstStep: false)
    // g' = 2 + 0.375 = 2.375; buf = 2.25 + 2.375 = 4.625; w = 0.75 − 0.4625
    #expect(abs(w[0] - 0.2875) < 1e-6)
  }
}

@Suite struct ThreadedKernelTests {
  @Test func neuronBackwardAndAdamSplitOverThreadsBitwise() {
    var rng = RandomStream(seed: 6, purpose: "threads")
    let steps = 3, m = 5000
    let h = Tensor(shape: [steps, m], scalars: (0..<(steps * m)).map { _ in rng.nextNormal() + 0.8 })
    let s = h.map { $0 >= 1 ? 1 : 0 }
    let g = Tensor(shape: [steps, m], scalars: (0..<(steps * m)).map { _ in rng.nextNormal() })
    var a = Tensor.zeros([0]), b = Tensor.zeros([0]), v = Tensor.zeros([0])
    Tensor.neuronBackward(h: h, s: s, gradS: g, steps: steps, neuron: NeuronParameters(), gradX: &a, scratch: &v, threads: 1)
    Tensor.neuronBackward(h: h, s: s, gradS: g, steps: steps, neuron: NeuronParameters(), gradX: &b, scratch: &v, threads: 2)
    #expect(a == b)
    let n = 300_001
    let w0 = Tensor(shape: [n], scalars: (0..<n).map { _ in rng.nextNormal() })
    let grad = Tensor(shape: [n], scalars: (0..<n).map { _ in rng.nextNormal() })
    var results: [Tensor] = []
    for threads in [1, 2] {
      var w = w0, m1 = Tensor.zeros([n]), m2 = Tensor.zeros([n])
      for step in 1...2 {
        w.adamStep(gradient: grad, m: &m1, v: &m2, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: step, decoupled: true, threads: threads)
      }
      results.append(w)
    }
    #expect(results[0] == results[1])
  }
}

extension ThreadedKernelTests {
  @Test(arguments: [true, false])
  func threadedForwardEqualsFusedForward(leaky: Bool) {
    var rng = RandomStream(seed: 7, purpose: "fwd-threads")
    let steps = 4, b = 3, n = 1700
    let x = Tensor(shape: [steps, b, n], scalars: (0..<(steps * b * n)).map { _ in rng.nextNormal() + 0.6 })
    let p = NeuronParameters(leaky: leaky)
    var h1 = Tensor.zeros([0]), s1 = Tensor.zeros([0]), v = Tensor.zeros([0])
    var h2 = Tensor.zeros([0]), s2 = Tensor.zeros([0])
    var sp1 = SparseRows(columnCount: n), sp2 = SparseRows(columnCount: n)
    let c1 = Tensor.neuronForward(x, steps: steps, neuron: p, h: &h1, s: &s1, spikes: &sp1, scratch: &v, threads: 1)
    let c2 = Tensor.neuronForward(x, steps: steps, neuron: p, h: &h2, s: &s2, spikes: &sp2, scratch: &v, threads: 2)
    #expect(c1 == c2 && c1 > 0)
    #expect(h1 == h2 && s1 == s2)
    #expect(sp1.rowStart == sp2.rowStart)
    #expect(Array(sp1.indices[0..<c1]) == Array(sp2.indices[0..<c2]))
  }

  /// The neuron with the batch norm fused in equals the batch norm, then the neuron.
  @Test(arguments: [1, 2], [false, true])
  func batchNormChargeEqualsBatchNormThenForward(threads: Int, batchNorm: Bool) {
    var rng = RandomStream(seed: 8, purpose: "charge")
    let steps = 4, b = 3, c = 5, hw = 7 * 9
    let x = Tensor(shape: [steps * b, c, 7, 9], scalars: (0..<(steps * b * c * hw)).map { _ in rng.nextNormal() + 0.6 })
    let gamma = (0..<c).map { _ in rng.nextNormal() + 1 }, beta = (0..<c).map { _ in rng.nextNormal() + 0.5 }
    var y = x
    let stats = Tensor.batchNorm2d(x, gamma: gamma, beta: beta, into: &y, threads: threads)
    if !batchNorm { y = x }
    var h1 = Tensor.zeros([0]), s1 = Tensor.zeros([0]), v = Tensor.zeros([0])
    var h2 = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: 0)
    let c1 = Tensor.neuronForward(
      y.reshaped([steps * b, c * hw]), steps: steps, neuron: NeuronParameters(), h: &h1, s: &s1,
      spikes: &spikes, scratch: &v)
    let c2 = Tensor.neuronCharge(
      x, batchNorm: batchNorm ? (stats, gamma, beta) : nil, steps: steps,
      neuron: NeuronParameters(), h: &h2, scratch: &v, threads: threads)
    #expect(c1 == c2 && c1 > 0)
    #expect(h1.scalars == h2.scalars)
    // The spikes the pooled kernels recompute from the membrane are the neuron's.
    #expect(h2.scalars.map { $0 - 1 >= 0 ? 1 : 0 } == s1.scalars)
  }
}
