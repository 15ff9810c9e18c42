import Foundation
import Testing
import TestSupport

@testable import SNN

/// The two gradient variants the SDFA paper and its code disagree on: `detach_reset` (the
/// published table's code) and `temporal: local` (the paper's "temporal independence" figure).
///
/// Parity with spikingjelly 2.0.0 + PyTorch 2.13.0 (`Fixtures/variants.json`, written by
/// `Fixtures/make_fixtures.py variants`), and a two-step case computed by hand.
@Suite struct TrainingVariantTests {
  static func variants() throws -> [String: Any] {
    try SpikingjellyParityTests.fixture("variants.json")
  }

  static let floats = SpikingjellyParityTests.floats

  @Test func detachResetNeuronMatchesSpikingjelly() throws {
    for c in try Self.variants()["neurons"] as! [[String: Any]] {
      var config = SpikingjellyParityTests.neuron(c)
      config.detachReset = true
      let (_, s, gx) = SpikingjellyParityTests.neuronPass(c, config.parameters)
      #expect(s.scalars == Self.floats(c["s"]), "spikes of \(c["kind"]!)")
      let m = firstMismatch(gx.scalars, Self.floats(c["grad_x"]), rtol: 1e-4, atol: 1e-6)
      #expect(m == nil, "detach_reset grad_x of \(c["kind"]!): \(String(describing: m))")
      // The option must matter: the undetached gradient differs from the fixture.
      let kept = SpikingjellyParityTests.neuronPass(
        c, config.parameters, backward: SpikingjellyParityTests.neuron(c).parameters).gradX
      #expect(firstMismatch(kept.scalars, Self.floats(c["grad_x"]), rtol: 1e-4, atol: 1e-6) != nil)
    }
  }

  @Test(arguments: [ProductKernels.dense, .sparse, .binary])
  func mlpVariantsMatchSpikingjelly(kernels: ProductKernels) throws {
    let f = try Self.variants()["mlp"] as! [String: Any]
    let sizes = f["sizes"] as! [Int]
    let (t, b) = (f["T"] as! Int, f["B"] as! Int)
    let weights = (f["weights"] as! [Any]).enumerated().map { l, w in
      Tensor(shape: [sizes[l + 1], sizes[l]], scalars: Self.floats(w)).transposed()
    }
    let feedback = Tensor(
      shape: [sizes.last!, sizes.dropFirst().dropLast().max()!], scalars: Self.floats(f["feedback"]))
    let labels = f["labels"] as! [Int]
    for c in f["cases"] as! [[String: Any]] {
      let detach = c["detach_reset"] as! Bool
      let temporal = TrainConfig.Temporal(rawValue: c["temporal"] as! String)!
      let method = TrainConfig.Method(rawValue: c["method"] as! String)!
      let label = "detach_reset \(detach), \(temporal), \(method)"
      let net = Network(weights: weights, neuron: NeuronConfig(detachReset: detach))
      let engine = NetworkEngine(network: net, steps: t, threads: 1)
      engine.kernels = kernels
      engine.load(SparseRows(dense: Tensor(shape: [t * b, sizes[0]], scalars: Self.floats(f["x"]))))
      let rate = engine.forward(net)
      for (l, expected) in (c["spikes"] as! [Any]).enumerated() {
        #expect(engine.linearBlocks[l].s.scalars == Self.floats(expected), "\(label): spikes of layer \(l)")
      }
      let (_, e) = LossFunction.evaluate(.mse, rate: rate, labels: labels)
      engine.backward(
        net, outputError: e, method: method, feedback: feedback, temporal: temporal)
      for (l, g) in (c["grads"] as! [Any]).enumerated() {
        let ref = Self.floats(g)
        let scale = ref.map { abs($0) }.max()!
        let m = firstMismatch(
          engine.linearBlocks[l].gradW.transposed().scalars, ref, rtol: 1e-4, atol: 1e-6 * max(scale, 1e-3))
        #expect(m == nil, "\(label) dW\(l): \(String(describing: m))")
      }
    }
  }

  /// One LIF unit (τ = 2, v_th = 1, α = 2; surrogate S'(h) = 1 / (1 + (π (h − 1))²)), two
  /// steps, X = [1.2, 1.6], dL/dS = [1, 1]:
  ///
  /// - forward: H0 = 1.2 / 2 = 0.6, S0 = 0, V0 = 0.6; H1 = 0.6 + (1.6 − 0.6) / 2 = 1.1, S1 = 1.
  /// - S'(H0) = 1 / (1 + 0.16 π²) = 0.3877266, S'(H1) = 1 / (1 + 0.01 π²) = 0.9101698.
  /// - local: dL/dX_t = S'(H_t) / τ = [0.1938633, 0.4550849] (no term from step 1 into step 0).
  /// - bptt: dL/dH1 = 0.9101698, dL/dV0 = 0.9101698 · (1 − 1/τ) = 0.4550849;
  ///   dL/dH0 = 0.3877266 + 0.4550849 · ((1 − S0) − H0 · S'(H0)) = 0.7369424, dL/dX0 = 0.3684712.
  /// - bptt with detach_reset: dL/dH0 = 0.3877266 + 0.4550849 · (1 − S0) = 0.8428116,
  ///   dL/dX0 = 0.4214058 (the reset's −H·S'(H) term is there even without a spike).
  @Test func localNeuronTwoStepsByHand() {
    let x = Tensor(shape: [2, 1], scalars: [1.2, 1.6])
    var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: 1)
    Tensor.neuronForward(x, steps: 2, neuron: NeuronParameters(), h: &h, s: &s, spikes: &spikes, scratch: &v)
    #expect(s.scalars == [0, 1])
    let g = Tensor(shape: [2, 1], scalars: [1, 1])
    func dX(_ p: NeuronParameters) -> [Float] {
      var gx = Tensor.zeros([0])
      Tensor.neuronBackward(h: h, s: s, gradS: g, steps: 2, neuron: p, gradX: &gx, scratch: &v)
      return gx.scalars
    }
    let close = { (a: [Float], b: [Float]) in firstMismatch(a, b, rtol: 0, atol: 2e-6) == nil }
    #expect(close(dX(NeuronParameters(backwardThroughTime: false)), [0.1938633, 0.4550849]))
    #expect(close(dX(NeuronParameters(detachReset: true, backwardThroughTime: false)), [0.1938633, 0.4550849]))
    #expect(close(dX(NeuronParameters()), [0.3684712, 0.4550849]))
    #expect(close(dX(NeuronParameters(detachReset: true)), [0.4214058, 0.4550849]))
  }

  /// A 1–1–1 network, T = 2, input counts X = [2.4, 3.2], W1 = 0.5, W2 = 2.5, one class
  /// (label 0), MSE; SDFA's B = [[0.8]].
  ///
  /// - hidden: Z1 = [1.2, 1.6], as in ``localNeuronTwoStepsByHand()``: S1 = [0, 1].
  /// - output: Z2 = 2.5 · S1 = [0, 2.5]; H = [0, 1.25], S = [0, 1]; rate 0.5.
  /// - e = dL/drate = 2 (0.5 − 1) = −1; dL/dS_out = e / T = −0.5 per step.
  /// - output backward (through time, both variants): S'(1.25) = 1 / (1 + π²/16) = 0.6184865,
  ///   dL/dH1 = −0.3092432, dZ2_1 = −0.1546216, dL/dV0 = −0.1546216; S'(0) = 1 / (1 + π²) =
  ///   0.0919997, dL/dH0 = −0.5 · 0.0919997 − 0.1546216 · (1 − 0 − 0) = −0.2006214, dZ2_0 = −0.1003107.
  ///   dW2 = Σ S1_t dZ2_t = −0.1546216.
  /// - BP local: dL/dS1 = 2.5 · dZ2 = [−0.2507768, −0.3865540]; dZ1_t = dL/dS1_t · S'(H_t) / 2 =
  ///   [−0.0486164, −0.1759149]; dW1 = 2.4 · dZ1_0 + 3.2 · dZ1_1 = −0.6796071.
  /// - SDFA local: dL/dS1 = e · B / √1 = −0.8 every step; dZ1 = [−0.1550907, −0.3640679];
  ///   dW1 = −1.5372350.
  @Test func localMLPTwoStepsByHand() {
    let weights = [Tensor(shape: [1, 1], scalars: [0.5]), Tensor(shape: [1, 1], scalars: [2.5])]
    let feedback = Tensor(shape: [1, 1], scalars: [0.8])
    for (method, dW1) in [(TrainConfig.Method.bp, Float(-0.6796071)), (.sdfa, -1.5372350)] {
      let net = Network(weights: weights, neuron: NeuronConfig())
      let engine = NetworkEngine(network: net, steps: 2, threads: 1)
      engine.load(SparseRows(dense: Tensor(shape: [2, 1], scalars: [2.4, 3.2])))
      let rate = engine.forward(net)
      #expect(rate.scalars == [0.5])
      let (_, e) = LossFunction.evaluate(.mse, rate: rate, labels: [0])
      #expect(e.scalars == [-1])
      engine.backward(net, outputError: e, method: method, feedback: feedback, temporal: .local)
      #expect(abs(engine.linearBlocks[1].gradW.scalars[0] - -0.1546216) < 2e-6, "\(method) dW2")
      #expect(abs(engine.linearBlocks[0].gradW.scalars[0] - dW1) < 4e-6, "\(method) dW1")
      // Through time the hidden gradient differs (a check that the option is what cuts it).
      engine.backward(net, outputError: e, method: method, feedback: feedback, temporal: .bptt)
      #expect(abs(engine.linearBlocks[0].gradW.scalars[0] - dW1) > 1e-3, "\(method) dW1 through time")
    }
  }
}
