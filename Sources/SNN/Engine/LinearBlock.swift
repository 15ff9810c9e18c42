/// A Linear layer (`X · W`, plus a bias where the network has one) followed by the neuron:
/// input `[N, k]` (a conv block's output is read flattened), output spikes `[N, n]`.
///
/// Its products (`X · W` forward, `Xᵀ · dZ` for dL/dW) take the kernel its input's density
/// calls for (``ProductKernels``): binary spikes at or above ``ProductKernels/binaryFrom`` by
/// table lookup on a bitmap, inputs sparser than ``ProductKernels/sparseBelow`` by gathering
/// weight rows, BLAS otherwise. An MLP's layers use the measured crossovers; a conv network's
/// Linears use ``ProductKernels/dense`` (BLAS, as they always have).
final class LinearBlock: LayerBlock {
  /// The layer's place among the network's Linears.
  let index: Int
  let steps: Int
  let neuron: NeuronParameters
  /// How this layer's products are computed, by its input's density.
  var kernels: ProductKernels
  /// Whether the input may be read as a bitmap (not the network's event counts).
  let readsSpikes: Bool
  /// Spike densities at or above this are only counted, not listed (no reader needs the list:
  /// the layer above reads them as a bitmap, or densely).
  var listBelow: Double = 0
  let outputShape: [Int]

  /// Pre-activation `[N, n]`, membrane before reset, spikes.
  private(set) var z = Tensor.zeros([0])
  private(set) var h = Tensor.zeros([0])
  private(set) var s = Tensor.zeros([0])
  /// Spiking units per row.
  private(set) var spikes = SparseRows(columnCount: 0)
  private var scratch = Tensor.zeros([0])
  /// dL/dZ `[N, n]`, dL/dW `[k, n]`, dL/db `[n]` (with bias), dL/d(input) `[N, k]` (BP).
  private(set) var gradZ = Tensor.zeros([0])
  private(set) var gradW = Tensor.zeros([0])
  private(set) var gradBias: Tensor?
  private var gradInput = Tensor.zeros([0])
  /// The input's bitmap and its transpose, the transpose of its active list, packed panels.
  private var inputBits = SpikeBitmap()
  private var inputBitsTransposed = SpikeBitmap()
  private var inputTransposed = SparseRows(columnCount: 0)
  private var panels = Tensor.zeros([0])
  private var spikeCount = 0
  private var rows = 0
  /// The kernel the last forward pass chose (the backward pass takes the same).
  private var product = Product.dense

  init(index: Int, width: Int, steps: Int, neuron: NeuronParameters, kernels: ProductKernels, readsSpikes: Bool) {
    self.index = index
    self.outputShape = [width]
    self.steps = steps
    self.neuron = neuron
    self.kernels = kernels
    self.readsSpikes = readsSpikes
  }

  var dense: Tensor { s }
  var active: SparseRows { spikes }
  var spikeRate: Double? { s.count == 0 ? 0 : Double(spikeCount) / Double(s.count) }

  /// How the products are computed, by the input `X`.
  private enum Product { case bitmap, gather, dense }

  private func choose(_ x: SparseRows) -> Product {
    if readsSpikes && x.values == nil && x.density >= kernels.binaryFrom { return .bitmap }
    return x.density < kernels.sparseBelow ? .gather : .dense
  }

  /// The input as a matrix `[N, k]`.
  private func matrix(_ input: any BlockOutput) -> Tensor {
    let x = input.dense
    return x.rank == 2 ? x : x.reshaped([rows, x.count / rows])
  }

  func forward(_ input: any BlockOutput, _ net: Network, batch: Int, training: Bool, threads: Int) {
    let w = net.linearWeights[index]
    rows = steps * batch
    let n = w.shape[1]
    if z.shape != [rows, n] { z = Tensor(shape: [rows, n]) }
    product = choose(input.active)
    switch product {
    case .bitmap:
      inputBits.fill(fromDense: input.dense, threads: threads)
      Tensor.binaryMatmul(inputBits, w, into: &z, threads: threads)
    case .gather: gather(input.active, w, into: &z, threads: threads)
    case .dense: Tensor.gemm(matrix(input), w, into: &z, threads: threads)
    }
    if net.linearBias {
      let r = rows
      net.linearBiases[index].withUnsafeBufferPointer { b in
        z.withUnsafeMutableBufferPointer { z in
          for i in 0..<r { for c in 0..<n { z[i * n + c] += b[c] } }
        }
      }
    }
    spikeCount = Tensor.neuronForward(
      z, steps: steps, neuron: neuron, h: &h, s: &s, spikes: &spikes, scratch: &scratch,
      threads: threads, listBelow: listBelow)
  }

  /// Gathers rows of `w`, through packed panels for wide layers (packing costs a copy).
  private func gather(_ x: SparseRows, _ w: Tensor, into out: inout Tensor, threads: Int) {
    if w.matrixShape.columns >= 2 * Kernels.panelWidth {
      Tensor.gatherRowsPacked(x, weights: w, into: &out, panels: &panels, threads: threads)
    } else {
      Tensor.gatherRows(x, weights: w, into: &out, threads: threads)
    }
  }

  func backward(
    _ gradOutput: inout Tensor?, input: any BlockOutput, _ net: Network, neuron: NeuronParameters,
    inputGradient: Bool, spent: () -> Void, threads: Int
  ) -> Tensor? {
    Tensor.neuronBackward(
      h: h, s: s, gradS: gradOutput!, steps: steps, neuron: neuron, gradX: &gradZ,
      scratch: &scratch, threads: threads)
    gradOutput = nil
    spent()
    let w = net.linearWeights[index]
    weightGradient(input, shape: w.shape, threads: threads)
    if net.linearBias {
      let (r, n) = (rows, w.shape[1])
      var db = Tensor(shape: [n])
      gradZ.withUnsafeBufferPointer { z in
        db.withUnsafeMutableBufferPointer { d in
          for i in 0..<r { for c in 0..<n { d[c] += z[i * n + c] } }
        }
      }
      gradBias = db
    }
    guard inputGradient else { return nil }
    if gradInput.shape != [rows, w.shape[0]] { gradInput = Tensor(shape: [rows, w.shape[0]]) }
    Tensor.gemm(gradZ, w, transposeB: true, into: &gradInput, threads: threads)
    return gradInput
  }

  /// dL/dW = `Xᵀ · dZ`, by the kernel the forward pass took.
  private func weightGradient(_ input: any BlockOutput, shape: [Int], threads: Int) {
    if gradW.shape != shape { gradW = Tensor(shape: shape) }
    switch product {
    case .bitmap:
      inputBits.transpose(into: &inputBitsTransposed)
      Tensor.binaryMatmul(inputBitsTransposed, gradZ, into: &gradW, threads: threads)
    case .gather:
      input.active.transpose(into: &inputTransposed)
      gather(inputTransposed, gradZ, into: &gradW, threads: threads)
    case .dense:
      Tensor.gemm(matrix(input), transposeA: true, gradZ, into: &gradW, threads: threads)
    }
  }

  func releaseInputGradient() { gradInput = .zeros([0]) }

  /// Relative cost of this layer's SDFA backward (its neuron's backward through time and its
  /// weight gradient by the kernel the forward pass took), in 16-float vector operations.
  func localBackwardCost(input: any BlockOutput) -> Double {
    let r = Double(rows), width = Double(outputShape[0])
    let neuronCost = 4 * r * width / 16
    let x = input.active
    let k = Double(x.columnCount)
    switch product {
    case .bitmap: return neuronCost + k * r * width / 64  // a lookup (2 vectors) per 4 inputs, 32 columns
    case .gather: return neuronCost + 2 * Double(x.nonzeroCount) * width / 16  // row gathers, from L2
    case .dense: return neuronCost + k * r * width / 32  // BLAS, two FMAs a cycle
    }
  }
}
