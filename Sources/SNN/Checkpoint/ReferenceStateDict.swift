/// Maps the keys of a state dict saved by the reference code (PyTorch + spikingjelly) onto our
/// checkpoint names by order and role, since its module names vary with the network
/// (`fc.1.weight`, `conv_fc.0.weight`, `conv_fc.1.running_mean`, a `module.` prefix from
/// DataParallel):
///
/// - a 4-D `*.weight` is the next conv block's weight (`conv.<i>.weight`);
/// - a 2-D `*.weight` is the next Linear layer's (`layers.<l>.weight` for the MLP,
///   `linear.<j>.weight` for conv networks; PyTorch's `[out, in]`, like our checkpoints), and a
///   1-D `*.bias` of the same module its bias;
/// - the 1-D `weight`, `bias`, `running_mean` and `running_var` of any other module are the
///   BatchNorm of the conv before it (`bn.<i>.…`); `num_batches_tracked` is ignored.
///
/// Whether the result fits a model is ``Network/loadingWeights(_:)``'s to check.
///
/// ```swift
/// let entries = [ReferenceStateDict.Entry(key: "fc.1.weight", shape: [20, 32], dtype: "float32", values: w)]
/// let (tensors, ignored) = try ReferenceStateDict.checkpointTensors(entries, arch: .mlp)
/// // tensors.tensors["layers.0.weight"] is w, shaped [20, 32]; tensors.key("layers.0.weight") == "fc.1.weight"
/// ```
public enum ReferenceStateDict {
  /// One entry of a state dict as a checkpoint reader found it.
  public struct Entry: Sendable {
    public var key: String
    public var shape: [Int]
    /// The element type as the file names it (`torch.FloatStorage`), for messages.
    public var dtype: String
    /// The elements in C order; nil when the reader cannot give them as float32.
    public var values: [Float]?

    public init(key: String, shape: [Int], dtype: String, values: [Float]?) {
      self.key = key
      self.shape = shape
      self.dtype = dtype
      self.values = values
    }
  }

  /// The entries the model can use, under our names, and the keys ignored.
  /// - Throws: ``CheckpointError`` as ``names(for:arch:)`` does, and for a used tensor that is
  ///   not float32.
  public static func checkpointTensors(_ entries: [Entry], arch: ModelConfig.Architecture) throws(CheckpointError)
    -> (tensors: CheckpointTensors, ignored: [String])
  {
    let (names, ignored) = try Self.names(for: entries.map { ($0.key, $0.shape) }, arch: arch)
    let byKey = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    var tensors: [String: Tensor] = [:]
    var problems: [String] = []
    for (ours, key) in names.sorted(by: { $0.key < $1.key }) {
      let entry = byKey[key]!
      guard let values = entry.values else {
        problems.append("tensor '\(key)' has unsupported dtype \(entry.dtype): only float32 tensors are read")
        continue
      }
      tensors[ours] = Tensor(shape: entry.shape, scalars: values)
    }
    if !problems.isEmpty { throw CheckpointError(problems) }
    return (CheckpointTensors(tensors, sourceKeys: names), ignored)
  }

  /// Our name for each key of `entries` (in state-dict order) that the model can use, and the
  /// keys ignored.
  /// - Throws: ``CheckpointError`` for a key of no known role, a BatchNorm before any conv, or
  ///   two keys for one of our names.
  public static func names(
    for entries: [(key: String, shape: [Int])], arch: ModelConfig.Architecture
  ) throws(CheckpointError) -> (names: [String: String], ignored: [String]) {
    var names: [String: String] = [:]
    var ignored: [String] = []
    var problems: [String] = []
    var convs: [String: Int] = [:], linears: [String: Int] = [:], norms: [String: Int] = [:]
    let linearPrefix = arch == .mlp ? "layers" : "linear"
    for (key, shape) in entries {
      let path = key.hasPrefix("module.") ? String(key.dropFirst("module.".count)) : key
      let parts = path.split(separator: ".", omittingEmptySubsequences: false)
      let module = parts.dropLast().joined(separator: "."), parameter = String(parts.last ?? "")
      var ours: String?
      switch (parameter, shape.count) {
      case ("num_batches_tracked", _):
        ignored.append(key)
      case ("weight", 4):
        convs[module] = convs.count
        ours = "conv.\(convs.count - 1).weight"
      case ("weight", 2):
        linears[module] = linears.count
        ours = "\(linearPrefix).\(linears.count - 1).weight"
      case ("bias", 1) where linears[module] != nil:
        ours = "\(linearPrefix).\(linears[module]!).bias"
      case ("bias", 1) where convs[module] != nil:
        ours = "conv.\(convs[module]!).bias"
      case ("weight", 1), ("bias", 1), ("running_mean", 1), ("running_var", 1):
        guard let block = norms[module] ?? (convs.isEmpty ? nil : convs.count - 1) else {
          problems.append("key '\(key)' with shape \(shape) looks like a BatchNorm parameter, but no conv weight comes before it")
          continue
        }
        norms[module] = block
        ours = "bn.\(block).\(parameter)"
      default:
        problems.append("key '\(key)' with shape \(shape) is neither a Linear (2-D weight, 1-D bias), a conv (4-D weight) nor a BatchNorm parameter (1-D weight, bias, running_mean, running_var)")
      }
      guard let ours else { continue }
      if let earlier = names[ours] {
        problems.append("keys '\(earlier)' and '\(key)' both map to \(ours)")
      } else {
        names[ours] = key
      }
    }
    if !problems.isEmpty { throw CheckpointError(problems) }
    return (names, ignored)
  }
}
