/// A checkpoint's tensors under our names, in the checkpoint layout (Linear weights `[out, in]`,
/// as ``Network/checkpoint(metadata:)`` writes
/// them), each remembering the key it was read under, so that errors name what the user's file
/// calls it.
///
/// ```swift
/// let tensors = CheckpointTensors(try SafeTensors.decode(bytes).tensors)
/// let net = try Network(config: model, inputShape: [32], classes: 10, seed: 0).loadingWeights(tensors)
/// ```
public struct CheckpointTensors: Sendable {
  /// Tensors by our name (`layers.0.weight`, `conv.2.weight`, `bn.2.running_var`, `linear.1.bias`).
  public var tensors: [String: Tensor]
  /// The file's key for each of our names, where it differs (`net.fc.1.weight`).
  public var sourceKeys: [String: String]

  public init(_ tensors: [String: Tensor], sourceKeys: [String: String] = [:]) {
    self.tensors = tensors
    self.sourceKeys = sourceKeys
  }

  /// The key the file uses for our `name`.
  public func key(_ name: String) -> String { sourceKeys[name] ?? name }

  /// How the file names our `name`, for messages: `'fc.1.weight' (layers.0.weight)`.
  func describe(_ name: String) -> String {
    let key = key(name)
    return key == name ? "'\(name)'" : "'\(key)' (\(name))"
  }

  /// Checks that the tensors are exactly `expected` (names in order, with shapes).
  /// - Throws: ``CheckpointError`` listing every tensor that is missing, has another shape, or
  ///   has no place in the model.
  func check(against expected: [(name: String, shape: [Int])]) throws(CheckpointError) {
    var problems: [String] = []
    var missing: [String] = []
    for (name, shape) in expected {
      guard let t = tensors[name] else {
        missing.append("\(name) \(shape)")
        continue
      }
      if t.shape != shape { problems.append("tensor \(describe(name)) has shape \(t.shape); the model expects \(shape)") }
    }
    if !missing.isEmpty {
      problems.append("no tensor for " + Self.list(missing) + ": the checkpoint lacks \(missing.count == 1 ? "this layer" : "these layers")")
    }
    let known = Set(expected.map(\.name))
    let extra = tensors.keys.filter { !known.contains($0) }.sorted { key($0) < key($1) }.map { "\(describe($0)) \(tensors[$0]!.shape)" }
    if !extra.isEmpty {
      problems.append("tensor\(extra.count == 1 ? "" : "s") " + Self.list(extra) + " \(extra.count == 1 ? "has" : "have") no place in the model")
    }
    if !problems.isEmpty { throw CheckpointError(problems) }
  }

  /// The first few items, then how many there are in all.
  private static func list(_ items: [String], limit: Int = 6) -> String {
    items.prefix(limit).joined(separator: ", ") + (items.count > limit ? ", … (\(items.count) in all)" : "")
  }
}

/// A checkpoint that does not fit the model it is loaded into; one line per problem.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
  public var problems: [String]
  public init(_ problems: [String]) { self.problems = problems }
  public init(_ problem: String) { problems = [problem] }
  public var description: String { problems.joined(separator: "\n") }
}
