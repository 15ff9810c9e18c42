import Testing
import TestSupport

@testable import SNN

/// The small `convnet` of `Fixtures/convnet.json` (spikingjelly 2.0.0 + PyTorch): output rates,
/// running statistics, and every parameter's gradient under BP and SDFA, with every block's
/// convolution spike-driven (crossover 2) or im2col + BLAS (crossover 0).
@Suite struct ConvNetParityTests {
  @Test(arguments: [0.0, 2.0])
  func convnetForwardAndGradients(crossover: Double) throws {
    let c = try SpikingjellyParityTests.fixture("convnet.json")["case"] as! [String: Any]
    let f = SpikingjellyParityTests.floats
    let (t, b) = (c["T"] as! Int, c["B"] as! Int)
    let shape = c["input_shape"] as! [Int]
    var net = Network.convnet(
      inputShape: shape, classes: c["classes"] as! Int, channels: c["channels"] as! Int,
      hidden: c["fc"] as! Int, neuron: NeuronConfig(), seed: 0)
    net.convWeights = (c["conv_weights"] as! [Any]).enumerated().map { i, w in
      Tensor(shape: net.convWeights[i].shape, scalars: f(w))
    }
    let l = net.linearSizes
    net.linearWeights = [
      Tensor(shape: [l[1], l[0]], scalars: f(c["fc1_weight"])).transposed(),
      Tensor(shape: [l[2], l[1]], scalars: f(c["fc2_weight"])).transposed(),
    ]
    net.linearBiases = [
      Tensor(shape: [l[1]], scalars: f(c["fc1_bias"])), Tensor(shape: [l[2]], scalars: f(c["fc2_bias"])),
    ]
    var data = InMemoryFrames(inputShape: shape, timeSteps: t, classCount: c["classes"] as! Int)
    let x = f(c["x"]), features = shape.reduce(1, *)
    let labels = c["labels"] as! [Int]
    for s in 0..<b {
      data.appendSample(
        label: labels[s],
        denseSteps: (0..<t).map { step in Array(x[((step * b + s) * features)..<((step * b + s + 1) * features)]) })
    }
    let feedback = Tensor(shape: [net.classCount, f(c["feedback"]).count / net.classCount], scalars: f(c["feedback"]))
    for method in [TrainConfig.Method.bp, .sdfa] {
      let engine = NetworkEngine(network: net, steps: t, threads: 1)
      engine.sparseCrossover = crossover
      engine.load(data, samples: Array(0..<b)[...])
      let rate = engine.forward(net, training: true)
      #expect(firstMismatch(rate.scalars, f(c["rate"]), rtol: 0, atol: 1e-6) == nil, "\(method) rate")
      let (loss, e) = LossFunction.evaluate(.mse, rate: rate, labels: labels)
      #expect(abs(loss - (c["loss_value"] as! Double)) < 1e-6)
      for (i, r) in (c["running"] as! [Any]).enumerated() {
        let stats = engine.batchStatistics[i]!
        let ours = stats.0.map { 0.1 * $0 } + stats.1.map { 0.9 + 0.1 * $0 }
        #expect(firstMismatch(ours, f(r), rtol: 1e-4, atol: 1e-6) == nil, "running stats \(i)")
      }
      let grads = engine.backward(net, outputError: e, method: method, feedback: feedback)
      let expected = c[method == .bp ? "bp_grads" : "sdfa_grads"] as! [Any]
      #expect(grads.count == expected.count)
      // Fixture order: convs, γ, β, fc1.weight, fc1.bias, fc2.weight, fc2.bias; ours puts the
      // Linear weights before the biases.
      let ourIndex = [15: 15, 16: 17, 17: 16, 18: 18]
      for (k, g) in expected.enumerated() {
        var ours = grads[ourIndex[k] ?? k]!
        if k == 15 || k == 17 { ours = ours.transposed() }  // Linear weights: ours [in, out]
        let ref = f(g)
        let scale = ref.map { abs($0) }.max()!
        let m = firstMismatch(ours.scalars, ref, rtol: 1e-3, atol: 1e-4 * max(scale, 1e-6))
        #expect(m == nil, "\(method) parameter \(k): \(String(describing: m))")
      }
    }
  }
}
