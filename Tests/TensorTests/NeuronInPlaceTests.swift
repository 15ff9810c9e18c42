import Testing
import Tensor

/// The in-place neuron kernels (memory-lean conv training) give the out-of-place kernels'
/// numbers bit for bit: membranes, spikes, spike lists and gradients, LIF and IF, one and two
/// threads, per-step and broadcast gradients.
@Suite struct NeuronInPlaceTests {
  static func random(_ shape: [Int], seed: UInt64, scale: Float = 2) -> Tensor {
    var rng = RandomStream(seed: seed, purpose: "inplace")
    let n = shape.reduce(1, *)
    return Tensor(shape: shape, scalars: (0..<n).map { _ in (rng.nextFloat() - 0.3) * scale })
  }

  static let neurons = [NeuronParameters(), NeuronParameters(leaky: false, vThreshold: 0.8)]

  @Test(arguments: [1, 2]) func forwardAndBackwardMatchOutOfPlace(threads: Int) {
    let (steps, batch, c, hw) = (3, 2, 4, 8)
    let shape = [steps * batch, c, hw, hw]
    for neuron in Self.neurons {
      let x = Self.random(shape, seed: 1)
      var h = Tensor.zeros([0]), s = Tensor.zeros([0]), v = Tensor.zeros([0])
      var spikes = SparseRows(columnCount: 0)
      let rows = steps * batch
      let count = Tensor.neuronForward(
        x.reshaped([rows, x.count / rows]), steps: steps, neuron: neuron, h: &h, s: &s,
        spikes: &spikes, scratch: &v, threads: threads)
      var inPlace = x.reshaped(shape)
      inPlace.withUnsafeMutableBufferPointer { _ in }  // its own storage, as the engine's
      var s2 = Tensor.zeros([0]), v2 = Tensor.zeros([0])
      var spikes2 = SparseRows(columnCount: 0)
      let count2 = Tensor.neuronForwardInPlace(
        &inPlace, rows: rows, steps: steps, neuron: neuron, s: &s2, spikes: &spikes2,
        scratch: &v2, threads: threads)
      #expect(count2 == count && count > 0 && count < x.count)
      #expect(inPlace.scalars == h.scalars && s2.scalars == s.scalars)
      #expect(spikes2.rowStart == spikes.rowStart)
      #expect(Array(spikes2.indices[0..<count]) == Array(spikes.indices[0..<count]))
      #expect(x.scalars != inPlace.scalars, "the input was overwritten, not copied")

      for gradS in [Self.random([rows, x.count / rows], seed: 2), Self.random([batch, x.count / rows], seed: 3)] {
        var gx = Tensor.zeros([0]), gv = Tensor.zeros([0])
        Tensor.neuronBackward(
          h: h, s: s, gradS: gradS, steps: steps, neuron: neuron, gradX: &gx, scratch: &gv,
          threads: threads)
        var hGrad = inPlace
        inPlace = .zeros([0])
        Tensor.neuronBackwardInPlace(
          &hGrad, s: s2, gradS: gradS, steps: steps, neuron: neuron, scratch: &gv, threads: threads)
        #expect(hGrad.scalars == gx.scalars)
        inPlace = h.reshaped(shape)
        inPlace.withUnsafeMutableBufferPointer { _ in }
      }
    }
  }

  @Test(arguments: [1, 2]) func pooledChargeAndBackwardMatchOutOfPlace(threads: Int) {
    let (steps, batch, c, hw) = (3, 2, 4, 8)
    let shape = [steps * batch, c, hw, hw]
    for neuron in Self.neurons {
      let x = Self.random(shape, seed: 4)
      var h = Tensor.zeros([0]), v = Tensor.zeros([0])
      let count = Tensor.neuronCharge(
        x, batchNorm: nil, steps: steps, neuron: neuron, h: &h, scratch: &v, threads: threads)
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer { _ in }
      var v2 = Tensor.zeros([0])
      let count2 = Tensor.neuronChargeInPlace(
        &inPlace, steps: steps, neuron: neuron, scratch: &v2, threads: threads)
      #expect(count2 == count && inPlace.scalars == h.scalars)

      var pooled = Tensor.zeros([0]), argmax: [Int32] = []
      var active = SparseRows(columnCount: 0)
      Tensor.maxPool2x2(
        spikesOf: h, threshold: neuron.vThreshold, into: &pooled, argmax: &argmax, active: &active,
        threads: threads)
      let pooledShape = [c, hw / 2, hw / 2]
      for gradPooled in [Self.random([steps * batch] + pooledShape, seed: 5), Self.random([batch] + pooledShape, seed: 6)] {
        var gx = Tensor.zeros([0])
        Tensor.pooledNeuronBackward(
          h: h, gradPooled: gradPooled, argmax: argmax, steps: steps, neuron: neuron, gradX: &gx,
          threads: threads)
        var hGrad = h
        hGrad.withUnsafeMutableBufferPointer { _ in }
        Tensor.pooledNeuronBackwardInPlace(
          &hGrad, gradPooled: gradPooled, argmax: argmax, steps: steps, neuron: neuron,
          threads: threads)
        #expect(hGrad.scalars == gx.scalars)
        #expect(gx.scalars.contains { $0 != 0 })
        // The engine's form: no argmax kept, the maxima found again in the membrane.
        var found = h
        found.withUnsafeMutableBufferPointer { _ in }
        Tensor.pooledNeuronBackwardInPlace(
          &found, gradPooled: gradPooled, steps: steps, neuron: neuron, threads: threads)
        #expect(found.scalars == gx.scalars)
      }
    }
  }
}
