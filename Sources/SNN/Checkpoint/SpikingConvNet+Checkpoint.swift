import Foundation

extension SpikingConvNet {
  /// The network as a safetensors checkpoint.
  ///
  /// Tensors: `conv.<i>.weight` `[cOut, cIn, 3, 3]`; `bn.<i>.weight`, `.bias`, `.running_mean`,
  /// `.running_var` for blocks with batch norm; `linear.<j>.weight` in PyTorch's `[out, in]` and
  /// `linear.<j>.bias`. Metadata: `arch` (`conv`), `input_shape`, `blocks`, `linear_sizes`,
  /// `voting`, `neuron` (JSON), plus the caller's entries.
  public func checkpoint(metadata: [String: String] = [:]) -> [UInt8] {
    var tensors: [String: Tensor] = [:]
    for (i, b) in blocks.enumerated() {
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var meta = metadata
    meta["arch"] = "conv"
    meta["input_shape"] = inputShape.map(String.init).joined(separator: ",")
    meta["linear_sizes"] = linearSizes.map(String.init).joined(separator: ",")
    meta["voting"] = String(voting)
    meta["blocks"] = CheckpointJSON.text(blocks, encoder)
    meta["neuron"] = CheckpointJSON.text(neuron, encoder)
    return SafeTensors.encode(tensors, metadata: meta)
  }

  /// Reads a network written by ``checkpoint(metadata:)``.
  public init(checkpoint bytes: [UInt8]) throws(SafeTensors.FormatError) {
    let (tensors, meta) = try SafeTensors.decode(bytes)
    func ints(_ key: String) -> [Int]? {
      meta[key].map { $0.split(separator: ",").compactMap { Int($0) } }
    }
    guard meta["arch"] == "conv", let shape = ints("input_shape"), let sizes = ints("linear_sizes"),
      let voting = meta["voting"].flatMap(Int.init),
      let blocks = meta["blocks"].flatMap({ try? JSONDecoder().decode([Block].self, from: Data($0.utf8)) }),
      let neuron = meta["neuron"].flatMap({ try? JSONDecoder().decode(NeuronConfig.self, from: Data($0.utf8)) }),
      sizes.count >= 2
    else { throw SafeTensors.FormatError(message: "not an SpikingDFA conv checkpoint") }
    var net = SpikingConvNet(
      inputShape: shape, blocks: blocks, hidden: Array(sizes.dropFirst().dropLast()),
      classes: sizes.last! / voting, voting: voting, neuron: neuron, seed: 0)
    func tensor(_ name: String, _ shape: [Int]) throws(SafeTensors.FormatError) -> Tensor {
      guard let t = tensors[name], t.shape == shape else {
        throw SafeTensors.FormatError(message: "\(name) missing or not shaped \(shape)")
      }
      return t
    }
    for (i, b) in blocks.enumerated() {
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
    self = net
  }
}

extension SpikingConvNet {
  /// The tensors of this network's checkpoint, by name, with their shapes (Linear `[out, in]`).
  public var checkpointShapes: [(name: String, shape: [Int])] {
    var shapes: [(name: String, shape: [Int])] = []
    for (i, b) in blocks.enumerated() {
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

  /// This network (blocks, sizes, voting and neuron) with the parameters and batch-norm
  /// statistics of `tensors`, every tensor checked against this network's shape first.
  /// - Throws: ``CheckpointError`` naming each missing, misshapen or extra tensor.
  public func loadingWeights(_ tensors: CheckpointTensors) throws(CheckpointError) -> SpikingConvNet {
    try tensors.check(against: checkpointShapes)
    let t = tensors.tensors
    var net = self
    for (i, b) in blocks.enumerated() {
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
