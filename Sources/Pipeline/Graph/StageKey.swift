import Crypto

/// The key of a node once its inputs' artifacts are known: SHA-256 over the canonical JSON
/// of kind, version, params and the input artifacts' digests by role.
///
/// This is the one place that says what a key holds. The graph (identities before anything
/// runs), the runner and the inspector (keys once the producers' outputs are known) and the
/// job description a cluster node executes (`sdfa exec` checks it) all go through
/// ``KeyedStage/key(inputs:)``, so they cannot disagree. What the params hold — exactly the
/// leaves a stage kind reads, never an execution setting — is decided by
/// ``StageGraph/params(of:in:)``.
public struct StageKey: Sendable, Hashable, CustomStringConvertible {
  public let hex: String
  /// The exact text that was hashed (kept for `explain`).
  public let material: String

  public init(kind: String, version: Int, params: SpecValue, inputDigests: [String: String]) {
    material = Self.encoded(kind: kind, version: version, params: params, inputDigests: inputDigests).canonicalJSON
    hex = Digest.sha256(material)
  }

  /// The `hex` of that key without keeping its material (streamed through the hash): what the
  /// graph computes for every node of a large sweep.
  public static func digest(kind: String, version: Int, params: SpecValue, inputDigests: [String: String]) -> String {
    digest(kind: kind, version: version, inputDigests: inputDigests) { out, flush in
      withoutActuallyEscaping(flush) { SpecValue.write(params, to: &out, flush: $0) }
    }
  }

  /// The same digest with the params' canonical JSON written by `writeParams`, which may call
  /// `flush` between values to hand on what it wrote: the graph writes params from encodings
  /// shared by the seeds of a sweep point (``SharedNodeParts``, ``KeyedPoints``). The bytes
  /// hashed are those of ``material``: the four keys in canonical order.
  static func digest(kind: String, version: Int, inputDigests: [String: String],
                     writeParams: (inout [UInt8], _ flush: (inout [UInt8]) -> Void) -> Void) -> String {
    var hasher = SHA256()
    var out: [UInt8] = []
    out.reserveCapacity(1 << 11)
    func flush(_ buffer: inout [UInt8]) {
      guard buffer.count >= 1 << 16 else { return }
      hasher.update(data: buffer)
      buffer.removeAll(keepingCapacity: true)
    }
    // The inputs as `SpecValue.write` writes an object of strings, without making one (a
    // per-spec stage has an input per node of every point).
    out += #"{"inputs":{"#.utf8
    for (i, input) in inputDigests.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      SpecValue.writeString(input.key, to: &out)
      out.append(UInt8(ascii: ":"))
      SpecValue.writeString(input.value, to: &out)
      flush(&out)
    }
    out.append(UInt8(ascii: "}"))
    out += #","kind":"#.utf8
    SpecValue.writeString(kind, to: &out)
    out += #","params":"#.utf8
    writeParams(&out, flush)
    out += #","version":"#.utf8
    out += SpecValue.formatNumber(Double(version)).utf8
    out.append(UInt8(ascii: "}"))
    hasher.update(data: out)
    return Digest.hex(hasher.finalize())
  }

  private static func encoded(kind: String, version: Int, params: SpecValue, inputDigests: [String: String]) -> SpecValue {
    .object([
      "kind": .string(kind), "version": .number(Double(version)), "params": params,
      "inputs": .object(inputDigests.mapValues { .string($0) }),
    ])
  }

  public var description: String { hex }
}

/// Something a key is computed for: a node of the stage graph, or the description of one
/// stage's execution (``StageJob``). Both carry the kind, its version and the keyed params;
/// the inputs come from the caller (producers' identities before a run, their output
/// digests during one).
public protocol KeyedStage {
  var kind: String { get }
  var version: Int { get }
  /// The values of the leaves the kind reads (never execution settings).
  var params: SpecValue { get }
}

extension KeyedStage {
  /// The key for these inputs (digests, or identities, by role).
  ///
  /// ```swift
  /// let key = node.key(inputs: ["bin": binDigest])
  /// ```
  public func key(inputs: [String: String]) -> StageKey {
    StageKey(kind: kind, version: version, params: params, inputDigests: inputs)
  }

  /// The same key's hex digest, without its material.
  public func keyDigest(inputs: [String: String]) -> String {
    StageKey.digest(kind: kind, version: version, params: params, inputDigests: inputs)
  }
}

extension StageGraph.Node: KeyedStage {}

/// A node's keyed parts before the node exists (the graph computes its identity first, to
/// share identical nodes between sweep points).
struct KeyParts: KeyedStage {
  let kind: String
  let version: Int
  let params: SpecValue
}

extension StageJob: KeyedStage {
  /// The key these fields hash to; `sdfa exec` refuses a description whose key differs.
  public var computedKey: String { key(inputs: inputs).hex }
}
