import Foundation

/// Read-only questions about a graph against the cache: what is cached, stale or missing,
/// and why a node would run.
public struct Inspector: Sendable {
  public let store: ArtifactStore
  public let index: StageIndex

  public init(store: ArtifactStore, index: StageIndex) {
    self.store = store
    self.index = index
  }

  /// A node's state in the cache.
  public enum NodeStatus: Sendable, Equatable {
    case cached(digest: String)
    /// Would run: the spec's last run of this label used another key; `changes` say why.
    case stale(changes: [String])
    /// Would run: never computed with these params and inputs.
    case missing
    /// Its key is not known yet: an upstream node must run first.
    case blocked(by: String)

    public var word: String {
      switch self {
      case .cached: "cached"
      case .stale: "stale"
      case .missing: "missing"
      case .blocked: "pending"
      }
    }
  }

  public struct Entry: Sendable {
    public var label: String
    public var kind: String
    public var key: String?
    public var status: NodeStatus
  }

  /// The status of every node, in graph order. One index query per graph level.
  public func status(_ graph: StageGraph) throws -> [Entry] {
    let nodes = graph.nodes
    var keys = [StageKey?](repeating: nil, count: nodes.count)
    var outputs = [String?](repeating: nil, count: nodes.count)
    var blockers = [String?](repeating: nil, count: nodes.count)
    var depth = [Int](repeating: 0, count: nodes.count)
    for node in nodes { depth[node.index] = 1 + (node.inputs.values.map { depth[$0] }.max() ?? -1) }
    let levels = Dictionary(grouping: nodes.indices, by: { depth[$0] }).sorted { $0.key < $1.key }.map(\.value)
    for level in levels {
      var lookups: [Int] = []
      for i in level {
        let node = nodes[i]
        var digests: [String: String] = [:]
        var blocker: String?
        for (role, p) in node.inputs {
          if let d = outputs[p] { digests[role] = d } else { blocker = blocker ?? blockers[p] ?? nodes[p].label }
        }
        if let blocker {
          blockers[i] = blocker
        } else {
          keys[i] = node.key(inputs: digests)
          lookups.append(i)
        }
      }
      let found = try index.outputs(for: lookups.map { keys[$0]!.hex })
      for i in lookups { if let d = found[keys[i]!.hex], store.exists(d) { outputs[i] = d } }
    }
    let latest = try index.latestKeys(spec: graph.spec.name)
    return try nodes.map { node in
      let status: NodeStatus
      if let d = outputs[node.index] {
        status = .cached(digest: d)
      } else if let blocker = blockers[node.index] {
        status = .blocked(by: blocker)
      } else if let previous = latest[node.label], previous != keys[node.index]?.hex, let record = try index.record(previous) {
        status = .stale(changes: Self.changes(from: record, to: node, key: keys[node.index]!, graph: graph))
      } else {
        status = .missing
      }
      return Entry(label: node.label, kind: node.kind, key: keys[node.index]?.hex, status: status)
    }
  }

  /// What differs between a recorded run and a node's current key material: changed params
  /// (as `path: old → new`) and changed inputs.
  static func changes(from record: StageIndex.Record, to node: StageGraph.Node, key: StageKey, graph: StageGraph) -> [String] {
    var result: [String] = []
    let old = (try? SpecValue(json: record.params)) ?? .null
    diff(old, node.params, path: "", into: &result)
    let oldInputs = ((try? SpecValue(json: record.inputs))?.objectValue ?? [:]).compactMapValues(\.stringValue)
    if let material = try? SpecValue(json: key.material), let newInputs = material[path: "inputs"]?.objectValue {
      for role in Set(oldInputs.keys).union(newInputs.keys).sorted() {
        let before = oldInputs[role], after = newInputs[role]?.stringValue
        if before != after {
          let producer = node.inputs[role].map { graph.nodes[$0].label } ?? role
          result.append("input '\(producer)' changed: \(before.map { String($0.prefix(12)) } ?? "none") → \(after.map { String($0.prefix(12)) } ?? "none")")
        }
      }
    }
    // Same params, same inputs, another key: the stage's version (or the encoding) changed.
    if result.isEmpty {
      result.append("stage version or tool changed (recorded with sdfa \(record.tool))")
    }
    return result
  }

  static func diff(_ a: SpecValue, _ b: SpecValue, path: String, into result: inout [String]) {
    if a == b { return }
    if case .object(let x) = a, case .object(let y) = b {
      for key in Set(x.keys).union(y.keys).sorted() {
        diff(x[key] ?? .null, y[key] ?? .null, path: path.isEmpty ? key : "\(path).\(key)", into: &result)
      }
      return
    }
    result.append("\(path): \(a.canonicalJSON) → \(b.canonicalJSON)")
  }
}
