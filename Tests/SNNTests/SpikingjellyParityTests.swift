import Foundation
import Testing
import TestSupport

@testable import SNN

/// Parity with spikingjelly 2.0.0 + PyTorch: fixtures made by `Fixtures/make_fixtures.py`.
@Suite struct SpikingjellyParityTests {
  static func fixture(_ name: String) throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/\(name)")
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }

  static func cases(_ name: String) throws -> [[String: Any]] {
    try fixture(name)["cases"] as! [[String: Any]]
  }

  static func floats(_ any: Any?) -> [Float] { (any as! [NSNumber]).map { $0.floatValue } }

  static func neuron(_ c: [String: Any]) -> NeuronConfig {
    NeuronConfig(
      kind: c["kind"] as! String == "lif" ? .lif : .if, tau: (c["tau"] as? NSNumber)?.floatValue ?? 2,
      vThreshold: (c["v_threshold"] as? NSNumber)?.floatValue ?? 1,
      alpha: (c["alpha"] as? NSNumber)?.floatValue ?? 2)
  }

  /// A fixture case's neuron run forward over its `x`, and backward from its `grad_s` with
  /// `backward` (the forward parameters where nil): the membrane, the spikes and dL/dX.
  static func neuronPass(
    _ c: [String: Any], _ p: NeuronParameters, backward: NeuronParameters? = nil
  ) -> (h: Tensor, s: Tensor, gradX: Tensor) {
    let (t, b, n) = (c["T"] as! Int, c["B"] as! Int, c["N"] as! Int)
    let x = Tensor(shape: [t, b, n], scalars: floats(c["x"]))
    var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0]), gx = Tensor.zeros([0])
    var spikes = SparseRows(columnCount: n)
    Tensor.neuronForward(x, steps: t, neuron: p, h: &h, s: &s, spikes: &spikes, scratch: &v)
    Tensor.neuronBackward(
      h: h, s: s, gradS: Tensor(shape: [t, b, n], scalars: floats(c["grad_s"])), steps: t,
      neuron: backward ?? p, gradX: &gx, scratch: &v)
    return (h, s, gx)
  }

  @Test func neuronForwardAndBackward() throws {
    for c in try Self.cases("neuron.json") {
      let (_, s, gx) = Self.neuronPass(c, Self.neuron(c).parameters)
      #expect(s.scalars == Self.floats(c["s"]), "spikes of \(c["kind"]!)")
      let m = firstMismatch(gx.scalars, Self.floats(c["grad_x"]), rtol: 1e-4, atol: 1e-6)
      #expect(m == nil, "grad_x of \(c["kind"]!): \(String(describing: m))")
    }
  }

  @Test(arguments: [ProductKernels.dense, .sparse, .binary])
  func mlpForwardAndGradients(kernels: ProductKernels) throws {
    for c in try Self.cases("mlp.json") {
      let sizes = c["sizes"] as! [Int]
      let (t, b) = (c["T"] as! Int, c["B"] as! Int)
      let label = "\(c["kind"]!)/\(c["loss"]!)/\(sizes)"
      let weights = (c["weights"] as! [Any]).enumerated().map { l, w in
        Tensor(shape: [sizes[l + 1], sizes[l]], scalars: Self.floats(w)).transposed()
      }
      let net = Network(weights: weights, neuron: Self.neuron(c))
      let loss: TrainConfig.Loss = c["loss"] as! String == "mse" ? .mse : .crossEntropy
      let labels = c["labels"] as! [Int]
      let feedback = Tensor(
        shape: [sizes.last!, sizes.dropFirst().dropLast().max()!], scalars: Self.floats(c["feedback"]))
      for method in [TrainConfig.Method.bp, .sdfa] {
        let engine = NetworkEngine(network: net, steps: t, threads: 1)
        engine.kernels = kernels
        engine.load(
          SparseRows(dense: Tensor(shape: [t * b, sizes[0]], scalars: Self.floats(c["x"]))))
        let rate = engine.forward(net)
        for (l, expected) in (c["spikes"] as! [Any]).enumerated() {
          #expect(engine.linearBlocks[l].s.scalars == Self.floats(expected), "\(label): spikes of layer \(l)")
        }
        #expect(firstMismatch(rate.scalars, Self.floats(c["rate"]), rtol: 0, atol: 1e-6) == nil)
        let (value, e) = LossFunction.evaluate(loss, rate: rate, labels: labels)
        #expect(abs(value - (c["loss_value"] as! Double)) < 1e-5 * max(1, abs(value)), "\(label): loss")
        engine.backward(net, outputError: e, method: method, feedback: feedback)
        let expected = c[method == .bp ? "bp_grads" : "sdfa_grads"] as! [Any]
        for (l, g) in expected.enumerated() {
          let ours = engine.linearBlocks[l].gradW.transposed().scalars
          let ref = Self.floats(g)
          let scale = ref.map { abs($0) }.max()!
          let m = firstMismatch(ours, ref, rtol: 1e-4, atol: 1e-6 * max(scale, 1e-3))
          #expect(m == nil, "\(label) \(method) dW\(l): \(String(describing: m))")
        }
      }
    }
  }
}
