/// The DAG of stage nodes for one spec: one chain of per-point kinds for every sweep point
/// and seed, shared wherever two points' nodes are identical (same kind, version, params
/// and inputs), and one node per per-spec kind over all points.
public struct StageGraph: Sendable {
  public struct Node: Sendable {
    public let index: Int
    public let kind: String
    public let version: Int
    /// The values of the leaves the kind reads, nested as in the spec: the keyed params
    /// (``StageGraph/params(of:in:)``).
    public let params: SpecValue
    /// The settings the kind reads (threads, a data folder's location): passed to the stage,
    /// never keyed. Nodes that share an identity share the first point's settings.
    public let settings: SpecValue
    /// Producer nodes by role, and the roles in order.
    public let inputs: [String: Int]
    public let inputOrder: [String]
    /// `train hidden=256/method=sdfa/seed=2`: kind plus the sweep coordinates it depends on.
    public let label: String
    /// Identity before running: the node's key (``KeyedStage/key(inputs:)``) over its
    /// producers' identities instead of their output digests.
    public let identity: String
  }

  public let spec: Spec
  public let registry: StageRegistry
  /// Nodes in topological order.
  public internal(set) var nodes: [Node] = []
  /// For each point (in `spec.points` order), its node per kind.
  public internal(set) var pointNodes: [(point: SweepPoint, nodes: [String: Int])] = []

  public init(spec: Spec, registry: StageRegistry) {
    self.spec = spec
    self.registry = registry
    var nodes: [Node] = []
    var pointNodes: [(point: SweepPoint, nodes: [String: Int])] = []
    var byIdentity: [String: Int] = [:]
    var anyNode = false
    var everyNode: [(String, Int)] = []
    let perPoint = registry.stages.filter { $0.scope == .perPoint }
    Self.walkPerPointNodes(spec: spec, registry: registry, node: { point, stage, part, inputs, identity in
      guard byIdentity[identity] == nil else { return }
      let coordinates = point.assignments.filter { part.axes.contains($0.axis) }.map { "\($0.axis)=\($0.value)" }
      let label = coordinates.isEmpty ? stage.kind : "\(stage.kind) \(coordinates.joined(separator: "/"))"
      byIdentity[identity] = nodes.count
      nodes.append(Node(index: nodes.count, kind: stage.kind, version: stage.version, params: part.params(seed: point.seedValue),
                        settings: part.settings, inputs: inputs.mapValues { byIdentity[$0]! }, inputOrder: stage.consumes,
                        label: label, identity: identity))
    }, point: { point, identities in
      let here = identities.mapValues { byIdentity[$0]! }
      pointNodes.append((point, here))
      if !here.isEmpty { anyNode = true }
      for stage in perPoint {
        if let i = here[stage.kind] { everyNode.append(("\(point.id)/\(stage.kind)", i)) }
      }
    })
    self.pointNodes = pointNodes
    for stage in registry.stages where stage.scope == .perSpec {
      guard stage.trigger.map({ spec.base[path: $0] != nil }) ?? true, anyNode else { continue }
      var config = spec.base
      config = config.setting("name", to: .string(spec.name))
      // Each point as its stages keyed it: every leaf some stage of the point reads, no
      // execution setting (so a per-spec stage's key moves with nothing the points ignore).
      let points = KeyedPoints(pointNodes, nodes: nodes)
      config = config.setting("points", to: points.value)
      config = config.setting("axes", to: .list(spec.axes.map { .string($0.label) } + [.string("seed")]))
      config = config.setting("axis_paths", to: .object(Dictionary(spec.axes.map { ($0.label, .string($0.path)) }, uniquingKeysWith: { a, _ in a })))
      let params = Self.params(of: stage, in: config)
      // A per-spec stage sees every node of every point, by role "<point id>/<kind>".
      let inputs = Dictionary(uniqueKeysWithValues: everyNode)
      let identity = StageKey.digest(kind: stage.kind, version: stage.version, inputDigests: inputs.mapValues { nodes[$0].identity }) { out, flush in
        points.write(params, to: &out, flush: flush)
      }
      nodes.append(Node(index: nodes.count, kind: stage.kind, version: stage.version, params: params,
                        settings: Self.settings(of: stage, in: config), inputs: inputs,
                        inputOrder: everyNode.map(\.0), label: stage.kind, identity: identity))
    }
    self.nodes = nodes
  }

  /// The per-point nodes of `spec`, point by point in `spec.points` order and kind by kind:
  /// `node` gets each node with its point, its kind's parts shared by the sweep point, its
  /// producers' identities by role and its identity (a node shared by several points comes
  /// once per point); `point` gets each point's node identities by kind. The graph and
  /// ``nodeCount(spec:registry:)`` both walk this, so they cannot disagree.
  static func walkPerPointNodes(
    spec: Spec, registry: StageRegistry,
    node: (_ point: SweepPoint, _ stage: any Stage, _ part: SharedNodeParts, _ inputs: [String: String], _ identity: String) -> Void,
    point pointDone: (_ point: SweepPoint, _ identities: [String: String]) -> Void
  ) {
    let perPoint = registry.stages.filter { $0.scope == .perPoint }
    // Per sweep point, what each kind's nodes share across its seeds.
    var shared: [String: [String: SharedNodeParts]] = [:]
    for point in spec.points {
      let sweepPoint = point.assignments.filter { $0.axis != "seed" }.map { "\($0.axis)=\($0.value)" }.joined(separator: "/")
      var parts = shared[sweepPoint] ?? [:]
      let known = parts.count
      let seed = point.seedValue
      var here: [String: String] = [:]
      for stage in perPoint {
        guard let trigger = stage.trigger, point.value(at: trigger) != nil,
          stage.consumes.allSatisfy({ here[$0] != nil })
        else { continue }
        let part = parts[stage.kind] ?? SharedNodeParts(stage, config: point.config, assignments: point.assignments, spec: spec,
                                                         consumed: stage.consumes.compactMap { parts[$0]?.axes })
        parts[stage.kind] = part
        let inputs = Dictionary(uniqueKeysWithValues: stage.consumes.map { ($0, here[$0]!) })
        let identity = StageKey.digest(kind: stage.kind, version: stage.version, inputDigests: inputs) { out, _ in
          part.writeParams(seed: seed, to: &out)
        }
        here[stage.kind] = identity
        node(point, stage, part, inputs, identity)
      }
      if parts.count != known { shared[sweepPoint] = parts }
      pointDone(point, here)
    }
  }

  /// How many nodes the graph of `spec` has, found without making them (`sdfa validate`
  /// of a 100,000-point sweep holds no graph): distinct per-point identities, and the
  /// per-spec kinds present when some point has a node.
  public static func nodeCount(spec: Spec, registry: StageRegistry) -> Int {
    var identities = Set<String>()
    var anyNode = false
    walkPerPointNodes(spec: spec, registry: registry, node: { _, _, _, _, identity in identities.insert(identity) },
                      point: { _, here in if !here.isEmpty { anyNode = true } })
    guard anyNode else { return identities.count }
    return identities.count + registry.stages.filter { stage in
      stage.scope == .perSpec && (stage.trigger.map { spec.base[path: $0] != nil } ?? true)
    }.count
  }

  /// Problems with which stages a point's configuration puts into the graph: a section whose
  /// stage needs another stage's output that the spec does not produce.
  static func structuralProblems(_ config: SpecValue, registry: StageRegistry, spec: Spec) -> [SpecError] {
    var present = Set<String>()
    var problems: [SpecError] = []
    for stage in registry.stages where stage.scope == .perPoint {
      guard let trigger = stage.trigger, config[path: trigger] != nil else { continue }
      let missing = stage.consumes.filter { !present.contains($0) }
      if missing.isEmpty {
        present.insert(stage.kind)
      } else {
        let needs = missing.compactMap { kind in registry.stage(kind)?.trigger.map { "'\($0)'" } }
        problems.append(SpecError(spec.locate(trigger),
                                  "section '\(trigger)' feeds the '\(stage.kind)' stage, which needs the output of \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                                  hint: "add the section\(needs.count == 1 ? "" : "s") \(needs.joined(separator: ", ")), or remove '\(trigger)'"))
      }
    }
    return problems
  }

  /// The node whose label matches `label` exactly, or by unique prefix.
  public func node(labelled label: String) -> Node? {
    if let exact = nodes.first(where: { $0.label == label }) { return exact }
    let matches = nodes.filter { $0.label.hasPrefix(label) }
    return matches.count == 1 ? matches[0] : nil
  }

  /// Consumers of each node.
  public var consumers: [[Int]] {
    var result = [[Int]](repeating: [], count: nodes.count)
    for node in nodes { for producer in Set(node.inputs.values) { result[producer].append(node.index) } }
    return result
  }
}
