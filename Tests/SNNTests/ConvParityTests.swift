import Testing
import TestSupport

@testable import SNN

/// Conv 3×3 → BatchNorm2d (training) → MaxPool2d(2) against PyTorch (`Fixtures/conv.json`).
@Suite struct ConvParityTests {
  @Test func convBatchNormPoolForwardAndBackward() throws {
    let c = try SpikingjellyParityTests.fixture("conv.json")["case"] as! [String: Any]
    let f = SpikingjellyParityTests.floats
    let x = Tensor(shape: [2, 3, 6, 7], scalars: f(c["x"]))
    let w = Tensor(shape: [4, 3, 3, 3], scalars: f(c["w"]))
    let gamma = f(c["gamma"]), beta = f(c["beta"])
    var cols = Tensor.zeros([0])
    let y = Tensor.conv2d(x, weight: w, pad: 1, cols: &cols)
    #expect(firstMismatch(y.scalars, f(c["conv"]), rtol: 1e-5, atol: 1e-5) == nil)
    let (z, cache) = Tensor.batchNorm2d(y, gamma: gamma, beta: beta)
    #expect(firstMismatch(z.scalars, f(c["bn"]), rtol: 1e-4, atol: 1e-5) == nil)
    // PyTorch's running statistics after one step from (0, 1) with momentum 0.1.
    #expect(firstMismatch(cache.statistics.mean.map { 0.1 * $0 }, f(c["running_mean"]), rtol: 1e-4, atol: 1e-6) == nil)
    #expect(firstMismatch(cache.statistics.unbiasedVariance.map { 0.9 + 0.1 * $0 }, f(c["running_var"]), rtol: 1e-4, atol: 1e-6) == nil)
    let (p, arg) = Tensor.maxPool2x2(z)
    #expect(p.shape == [2, 4, 3, 3])
    #expect(firstMismatch(p.scalars, f(c["pool"]), rtol: 1e-4, atol: 1e-5) == nil)
    #expect(arg.map(Int.init) == c["argmax"] as! [Int])
    #expect(Tensor.maxPool2x2(x).argmax.map(Int.init) == c["spike_pool_argmax"] as! [Int])

    let g = Tensor(shape: p.shape, scalars: f(c["grad_out"]))
    let dz = Tensor.maxPool2x2Backward(g, argmax: arg, inputShape: z.shape)
    let (dy, dgamma, dbeta) = Tensor.batchNorm2dBackward(dz, cache: cache, gamma: gamma)
    #expect(firstMismatch(dgamma, f(c["grad_gamma"]), rtol: 1e-4, atol: 1e-5) == nil)
    #expect(firstMismatch(dbeta, f(c["grad_beta"]), rtol: 1e-4, atol: 1e-5) == nil)
    let (dw, dx) = Tensor.conv2dBackward(x, weight: w, pad: 1, gradOut: dy, inputGradient: true, cols: &cols)
    #expect(firstMismatch(dw.scalars, f(c["grad_w"]), rtol: 1e-3, atol: 1e-4) == nil)
    #expect(firstMismatch(dx!.scalars, f(c["grad_x"]), rtol: 1e-3, atol: 1e-4) == nil)
  }
}
