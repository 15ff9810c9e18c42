import Foundation

/// One checkpoint reader and writer for every ``Network``, in the two layouts earlier versions
/// wrote (so that every existing checkpoint keeps loading):
///
/// - MLP (``Network/isPerceptron``): `layers.<l>.weight` in PyTorch's Linear layout `[out, in]`;
///   metadata `arch` = `mlp`, `sizes`, `neuron` (JSON).
/// - Conv: `conv.<i>.weight` `[cOut, cIn, 3, 3]`; `bn.<i>.weight`, `.bias`, `.running_mean`,
///   `.running_var` for blocks with batch norm; `linear.<j>.weight` `[out, in]` and
///   `linear.<j>.bias`. Metadata: `arch` = `conv`, `input_shape`, `blocks` (JSON),
///   `linear_sizes`, `voting`, `neuron` (JSON).
///
/// Both carry the caller's metadata entries (spec, metrics, …) besides.
extension Network {
  /// The network as a safetensors checkpoint.
  public func checkpoint(metadata: [String: String] = [:]) -> [UInt8] {
    var tensors: [String: Tensor] = [:]
    var meta = metadata
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    if isPerceptron {
      for (l, w) in linearWeights.enumerated() { tensors["layers.\(l).weight"] = w.transposed() }
      meta["arch"] = "mlp"
      meta["sizes"] = linearSizes.map(String.init).joined(separator: ",")
    } else {
      for (i, b) in convs.enumerated() {
        tensors["conv.\(i).weight"] = convWeights[i]
        if b.batchNorm {
          tensors["bn.\(i).weight"] = bnGamma[i]
          tensors["bn.\(i).bias"] = bnBeta[i]
          tensors["bn.\(i).running_mean"] = runningMean[i]
          tensors["bn.\(i).running_var"] = runningVariance[i]
        }
      }
      for j in linearWeights.indices {
        tensors["linear.\(j).weight"] = linearWeights[j].transposed()
        tensors["linear.\(j).bias"] = linearBiases[j]
      }
      meta["arch"] = "conv"
      meta["input_shape"] = inputShape.map(String.init).joined(separator: ",")
      meta["linear_sizes"] = linearSizes.map(String.init).joined(separator: ",")
      meta["voting"] = String(voting)
      meta["blocks"] = CheckpointJSON.text(convs, encoder)
    }
    meta["neuron"] = CheckpointJSON.text(neuron, encoder)
    return SafeTensors.encode(tensors, metadata: meta)
  }

  /// Reads a network written by ``checkpoint(metadata:)`` (either layout).
  public init(checkpoint bytes: [UInt8]) throws(SafeTensors.FormatError) {
    let (tensors, meta) = try SafeTensors.decode(bytes)
    let neuron = meta["neuron"].flatMap {
      try? JSONDecoder().decode(NeuronConfig.self, from: Data($0.utf8))
    }
    switch meta["arch"] {
    case "mlp":
      guard let neuron else { throw SafeTensors.FormatError(message: "not an SpikingDFA mlp checkpoint") }
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
    case "conv":
      self = try Self.readConv(tensors, meta, neuron: neuron)
    default:
      throw SafeTensors.FormatError(message: "not an SpikingDFA checkpoint (metadata 'arch' is neither mlp nor conv)")
    }
  }

  private static func readConv(_ tensors: [String: Tensor], _ meta: [String: String], neuron: NeuronConfig?)
    throws(SafeTensors.FormatError) -> Network
  {
    func ints(_ key: String) -> [Int]? {
      meta[key].map { $0.split(separator: ",").compactMap { Int($0) } }
    }
    guard let shape = ints("input_shape"), shape.count == 3, let sizes = ints("linear_sizes"),
      let voting = meta["voting"].flatMap(Int.init), voting > 0,
      let convs = meta["blocks"].flatMap({ try? JSONDecoder().decode([Conv].self, from: Data($0.utf8)) }),
      let neuron, sizes.count >= 2
    else { throw SafeTensors.FormatError(message: "not an SpikingDFA conv checkpoint") }
    var net = Network(
      inputShape: shape, convs: convs, hidden: Array(sizes.dropFirst().dropLast()),
      classes: sizes.last! / voting, voting: voting, linearBias: true, neuron: neuron, seed: 0)
    func tensor(_ name: String, _ shape: [Int]) throws(SafeTensors.FormatError) -> Tensor {
      guard let t = tensors[name], t.shape == shape else {
        throw SafeTensors.FormatError(message: "\(name) missing or not shaped \(shape)")
      }
      return t
    }
    for (i, b) in convs.enumerated() {
      net.convWeights[i] = try tensor("conv.\(i).weight", [b.outChannels, b.inChannels, 3, 3])
      if b.batchNorm {
        net.bnGamma[i] = try tensor("bn.\(i).weight", [b.outChannels])
        net.bnBeta[i] = try tensor("bn.\(i).bias", [b.outChannels])
        net.runningMean[i] = try tensor("bn.\(i).running_mean", [b.outChannels])
        net.runningVariance[i] = try tensor("bn.\(i).running_var", [b.outChannels])
      }
    }
    for j in 0..<(sizes.count - 1) {
      net.linearWeights[j] = try tensor("linear.\(j).weight", [sizes[j + 1], sizes[j]]).transposed()
      net.linearBiases[j] = try tensor("linear.\(j).bias", [sizes[j + 1]])
    }
    return net
  }

  /// The tensors of this network's checkpoint, by name, with their shapes (Linear `[out, in]`).
  public var checkpointShapes: [(name: String, shape: [Int])] {
    if isPerceptron {
      return linearWeights.indices.map { ("layers.\($0).weight", [linearSizes[$0 + 1], linearSizes[$0]]) }
    }
    var shapes: [(name: String, shape: [Int])] = []
    for (i, b) in convs.enumerated() {
      shapes.append(("conv.\(i).weight", [b.outChannels, b.inChannels, 3, 3]))
      if b.batchNorm {
        for p in ["weight", "bias", "running_mean", "running_var"] { shapes.append(("bn.\(i).\(p)", [b.outChannels])) }
      }
    }
    for j in 0..<(linearSizes.count - 1) {
      shapes.append(("linear.\(j).weight", [linearSizes[j + 1], linearSizes[j]]))
      shapes.append(("linear.\(j).bias", [linearSizes[j + 1]]))
    }
    return shapes
  }

  /// This network (shapes, voting and neuron) with the parameters and batch-norm statistics
  /// of `tensors`, every tensor checked against this network's shape first.
  /// - Throws: ``CheckpointError`` naming each missing, misshapen or extra tensor.
  public func loadingWeights(_ tensors: CheckpointTensors) throws(CheckpointError) -> Network {
    try tensors.check(against: checkpointShapes)
    let t = tensors.tensors
    var net = self
    if isPerceptron {
      net.linearWeights = linearWeights.indices.map { t["layers.\($0).weight"]!.transposed() }
      return net
    }
    for (i, b) in convs.enumerated() {
      net.convWeights[i] = t["conv.\(i).weight"]!
      if b.batchNorm {
        net.bnGamma[i] = t["bn.\(i).weight"]!
        net.bnBeta[i] = t["bn.\(i).bias"]!
        net.runningMean[i] = t["bn.\(i).running_mean"]!
        net.runningVariance[i] = t["bn.\(i).running_var"]!
      }
    }
    for j in linearWeights.indices {
      net.linearWeights[j] = t["linear.\(j).weight"]!.transposed()
      net.linearBiases[j] = t["linear.\(j).bias"]!
    }
    return net
  }
}
