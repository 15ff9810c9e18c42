import Testing
import Tensor
import TestSupport

/// The spike-driven convolution and its weight gradient against im2col + BLAS.
@Suite struct SparseConvKernelTests {
  /// `[n, c, h, w]` images with each entry active with probability `density`: 1 when
  /// `binary`, else an event count in 1...4.
  static func sparseImages(_ shape: [Int], density: Double, binary: Bool, seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "sparse conv")
    return Tensor(
      shape: shape,
      scalars: (0..<shape.reduce(1, *)).map { _ in
        rng.nextDouble() < density ? (binary ? 1 : Float(1 + rng.nextInt(below: 4))) : 0
      })
  }

  static func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "sparse conv weights")
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() })
  }

  @Test(arguments: [0.02, 0.1, 0.5], [true, false])
  func matchesDenseConvolutionAndWeightGradient(density: Double, binary: Bool) {
    // Odd sizes: 5×7 images, 3 input channels; 5 output channels (no full SIMD vector), 48
    // (tiles of 16) and 128 (two tiles of 64).
    for (k, pad, co) in [(3, 1, 5), (1, 0, 5), (3, 0, 5), (3, 1, 48), (3, 1, 128)] {
      let x = Self.sparseImages([4, 3, 5, 7], density: density, binary: binary, seed: 1)
      let w = Self.random([co, 3, k, k], seed: 2)
      let sparse = SparseRows(dense: x.reshaped([4, 3 * 5 * 7]), binary: binary)
      var cols = Tensor.zeros([0]), wt = Tensor.zeros([0]), scratch = Tensor.zeros([0])
      let dense = Tensor.conv2d(x, weight: w, pad: pad, cols: &cols)
      var y = Tensor.zeros([0])
      for threads in [1, 2, 3] {
        Tensor.conv2d(
          sparse: sparse, imageShape: [3, 5, 7], weight: w, pad: pad, into: &y,
          weightTransposed: &wt, scratch: &scratch, threads: threads)
        #expect(y.shape == dense.shape)
        #expect(firstMismatch(y.scalars, dense.scalars, rtol: 1e-5, atol: 1e-5) == nil, "k \(k) threads \(threads)")
      }
      let g = Self.random(dense.shape, seed: 3)
      let (denseGrad, _) = Tensor.conv2dBackward(
        x, weight: w, pad: pad, gradOut: g, inputGradient: false, cols: &cols)
      var dw = Tensor.zeros([0])
      for threads in [1, 2] {
        Tensor.conv2dWeightGradient(
          sparse: sparse, imageShape: [3, 5, 7], weightShape: w.shape, pad: pad, gradOut: g,
          into: &dw, scratch: &scratch, threads: threads)
        #expect(dw.shape == w.shape)
        #expect(firstMismatch(dw.scalars, denseGrad.scalars, rtol: 1e-5, atol: 1e-5) == nil, "k \(k) threads \(threads)")
      }
    }
  }

  @Test func resultsAreIdenticalRunToRun() {
    let x = Self.sparseImages([6, 4, 9, 11], density: 0.1, binary: true, seed: 4)
    let sparse = SparseRows(dense: x.reshaped([6, 4 * 9 * 11]), binary: true)
    let w = Self.random([16, 4, 3, 3], seed: 5)
    var wt = Tensor.zeros([0]), scratch = Tensor.zeros([0])
    var first = Tensor.zeros([0]), second = Tensor.zeros([0])
    Tensor.conv2d(
      sparse: sparse, imageShape: [4, 9, 11], weight: w, pad: 1, into: &first,
      weightTransposed: &wt, scratch: &scratch, threads: 2)
    Tensor.conv2d(
      sparse: sparse, imageShape: [4, 9, 11], weight: w, pad: 1, into: &second,
      weightTransposed: &wt, scratch: &scratch, threads: 2)
    #expect(first == second)
    let g = Self.random(first.shape, seed: 6)
    let gradients = (0..<2).map { _ in
      var dw = Tensor.zeros([0])
      Tensor.conv2dWeightGradient(
        sparse: sparse, imageShape: [4, 9, 11], weightShape: w.shape, pad: 1, gradOut: g,
        into: &dw, scratch: &scratch, threads: 2)
      return dw
    }
    #expect(gradients[0] == gradients[1])
  }

  @Test(arguments: [1, 2])
  func spikePoolingListsEachImagesActiveOutputs(threads: Int) {
    var rng = RandomStream(seed: 7, purpose: "spike pooling")
    let shape = [5, 2, 6, 7]
    let membrane = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() - 0.5 })
    var out = Tensor.zeros([0]), arg: [Int32] = [], active = SparseRows(columnCount: 0)
    Tensor.maxPool2x2(
      spikesOf: membrane, threshold: 1, into: &out, argmax: &arg, active: &active, threads: threads)
    let (expectedOut, expectedArg) = Tensor.maxPool2x2(membrane.map { $0 - 1 >= 0 ? 1 : 0 })
    #expect(out == expectedOut && arg == expectedArg)
    let expected = SparseRows(dense: out.reshaped([5, 2 * 3 * 3]), binary: true)
    #expect(active.columnCount == 18 && active.rowStart == expected.rowStart)
    #expect(active.nonzeroCount > 0)
    #expect(Array(active.indices[..<active.nonzeroCount]) == expected.indices)
    // Without the argmax (the engine's): the same outputs and lists.
    var out2 = Tensor.zeros([0]), active2 = SparseRows(columnCount: 0)
    Tensor.maxPool2x2(spikesOf: membrane, threshold: 1, into: &out2, active: &active2, threads: threads)
    #expect(out2 == out && active2.rowStart == active.rowStart)
    #expect(Array(active2.indices[..<active2.nonzeroCount]) == expected.indices)
  }

  /// The fused pooled-neuron backward equals max-pool backward then the neuron's backward.
  @Test(arguments: [1, 2], [false, true])
  func pooledNeuronBackwardEqualsPoolThenNeuron(threads: Int, broadcast: Bool) {
    var rng = RandomStream(seed: 11, purpose: "pooled backward")
    let steps = 3, b = 2, c = 3, (h, w) = (5, 7)
    let shape = [steps * b, c, h, w]
    let hm = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() + 0.8 })
    let spikes = hm.map { $0 - 1 >= 0 ? 1 : 0 }
    let (pooled, argmax) = Tensor.maxPool2x2(spikes)
    let gradShape = [broadcast ? b : steps * b, c, h / 2, w / 2]
    let g = Tensor(shape: gradShape, scalars: (0..<gradShape.reduce(1, *)).map { _ in rng.nextNormal() })
    let full = broadcast ? Tensor(shape: pooled.shape, scalars: Array((0..<steps).map { _ in g.scalars }.joined())) : g
    let gradS = Tensor.maxPool2x2Backward(full, argmax: argmax, inputShape: shape)
    var expected = Tensor.zeros([0]), scratch = Tensor.zeros([0]), fused = Tensor.zeros([0])
    Tensor.neuronBackward(
      h: hm, s: spikes, gradS: gradS, steps: steps, neuron: NeuronParameters(), gradX: &expected,
      scratch: &scratch)
    Tensor.pooledNeuronBackward(
      h: hm, gradPooled: g, argmax: argmax, steps: steps, neuron: NeuronParameters(),
      gradX: &fused, threads: threads)
    #expect(fused.shape == shape)
    #expect(firstMismatch(fused.scalars, expected.scalars, rtol: 1e-6, atol: 1e-7) == nil)
    // Without the argmax the kernel finds the maxima in the membrane: the same bits. The
    // windows here hold several spikes and none (ties go to the first in row-major order).
    var found = Tensor.zeros([0])
    Tensor.pooledNeuronBackward(
      h: hm, gradPooled: g, steps: steps, neuron: NeuronParameters(), gradX: &found,
      threads: threads)
    #expect(found.scalars == fused.scalars)
    let windows = (0..<pooled.count).map { i -> Int in
      let (p, o) = (i / ((h / 2) * (w / 2)), i % ((h / 2) * (w / 2)))
      let (y, x) = (2 * (o / (w / 2)), 2 * (o % (w / 2)))
      return [y * w + x, y * w + x + 1, (y + 1) * w + x, (y + 1) * w + x + 1]
        .filter { spikes.scalars[p * h * w + $0] == 1 }.count
    }
    #expect(windows.contains(0) && windows.contains { $0 >= 2 })
  }
}
