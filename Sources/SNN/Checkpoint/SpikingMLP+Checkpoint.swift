import Foundation

extension SpikingMLP {
  /// The network as a safetensors checkpoint.
  ///
  /// Tensors are named `layers.<l>.weight` in PyTorch's Linear layout `[out, in]`; metadata
  /// holds `arch`, `sizes`, `neuron` (JSON) and the caller's entries (spec, metrics, …).
  public func checkpoint(metadata: [String: String] = [:]) -> [UInt8] {
    var tensors: [String: Tensor] = [:]
    for (l, w) in weights.enumerated() { tensors["layers.\(l).weight"] = w.transposed() }
    var meta = metadata
    meta["arch"] = "mlp"
    meta["sizes"] = sizes.map(String.init).joined(separator: ",")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    meta["neuron"] = CheckpointJSON.text(neuron, encoder)
    return SafeTensors.encode(tensors, metadata: meta)
  }

  /// Reads a network written by ``checkpoint(metadata:)``.
  public init(checkpoint bytes: [UInt8]) throws(SafeTensors.FormatError) {
    let (tensors, meta) = try SafeTensors.decode(bytes)
    guard meta["arch"] == "mlp", let neuronJSON = meta["neuron"],
      let neuron = try? JSONDecoder().decode(NeuronConfig.self, from: Data(neuronJSON.utf8))
    else { throw SafeTensors.FormatError(message: "not an SpikingDFA mlp checkpoint") }
    var weights: [Tensor] = []
    while let w = tensors["layers.\(weights.count).weight"] {
      guard w.rank == 2 else {
        throw SafeTensors.FormatError(message: "layers.\(weights.count).weight is not 2-D")
      }
      weights.append(w.transposed())
    }
    guard !weights.isEmpty,
      zip(weights, weights.dropFirst()).allSatisfy({ $0.shape[1] == $1.shape[0] })
    else { throw SafeTensors.FormatError(message: "layer weights missing or do not chain") }
    self.init(weights: weights, neuron: neuron)
  }
}

extension SpikingMLP {
  /// The tensors of this network's checkpoint, by name, with their shapes (`[out, in]`).
  public var checkpointShapes: [(name: String, shape: [Int])] {
    weights.indices.map { ("layers.\($0).weight", [sizes[$0 + 1], sizes[$0]]) }
  }

  /// This network (sizes and neuron) with the weights of `tensors`, every tensor checked
  /// against this network's shape first.
  /// - Throws: ``CheckpointError`` naming each missing, misshapen or extra tensor.
  public func loadingWeights(_ tensors: CheckpointTensors) throws(CheckpointError) -> SpikingMLP {
    try tensors.check(against: checkpointShapes)
    var net = self
    net.weights = checkpointShapes.map { tensors.tensors[$0.name]!.transposed() }
    return net
  }
}
