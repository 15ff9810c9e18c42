/// Which stages of a graph a partial run targets, as `dvc repro STAGE` and Snakemake's
/// `--until` do: the targets run together with every stage they need, nothing else.
///
/// Each non-empty criterion narrows the targets; they combine by intersection
/// (`--point 'method=sdfa/*' --until train` is the training of the SDFA points and what it
/// needs).
public struct StageSelection: Sendable, Equatable {
  /// Globs (`*`, `?`) over labels: `train*`, `train *seed=2`; several add up.
  public var only: [String]
  /// Kinds: the stages of each kind and everything upstream of them; several add up.
  public var until: [String]
  /// Globs over sweep point ids: `method=sdfa/*`. Selects the points' per-point stages;
  /// several add up.
  public var points: [String]

  public init(only: [String] = [], until: [String] = [], points: [String] = []) {
    self.only = only
    self.until = until
    self.points = points
  }

  public var isEmpty: Bool { only.isEmpty && until.isEmpty && points.isEmpty }
}

/// A selection that names nothing in the graph, with a few names that exist.
public struct SelectionError: Error, CustomStringConvertible, Sendable {
  public var description: String
}

extension StageGraph {
  /// The graph of the selected stages and every stage they depend on, in the same
  /// topological order (the whole graph when `selection` is empty).
  ///
  /// ```swift
  /// let partial = try graph.selecting(StageSelection(only: ["train*"]))   // load, bin, train…
  /// ```
  /// - Throws: ``SelectionError`` when a pattern or kind matches nothing, listing a few labels,
  ///   point ids or kinds that exist.
  public func selecting(_ selection: StageSelection) throws -> StageGraph {
    guard !selection.isEmpty else { return self }
    var targets = Set(nodes.indices)
    if !selection.only.isEmpty {
      var named = Set<Int>()
      for pattern in selection.only {
        let matched = nodes.indices.filter { globMatches(pattern, nodes[$0].label) }
        guard !matched.isEmpty else {
          throw SelectionError(description: "--only '\(pattern)' matches no stage of '\(spec.name)'; stages: \(Self.few(nodes.map(\.label)))")
        }
        named.formUnion(matched)
      }
      targets = named
    }
    if !selection.until.isEmpty {
      var upTo = Set<Int>()
      for kind in selection.until {
        let ofKind = nodes.indices.filter { nodes[$0].kind == kind }
        guard !ofKind.isEmpty else {
          let present = nodes.reduce(into: [String]()) { if !$0.contains($1.kind) { $0.append($1.kind) } }
          let known = registry.stage(kind) != nil
          throw SelectionError(description: known
            ? "--until '\(kind)': '\(spec.name)' has no '\(kind)' stage; its kinds: \(present.joined(separator: ", "))"
            : "--until '\(kind)' is not a stage kind; kinds: \(registry.stages.map(\.kind).joined(separator: ", "))")
        }
        upTo.formUnion(ancestors(of: ofKind))
      }
      targets.formIntersection(upTo)
    }
    if !selection.points.isEmpty {
      var ofPoints = Set<Int>()
      for pattern in selection.points {
        let matched = pointNodes.filter { globMatches(pattern, $0.point.id) }
        guard !matched.isEmpty else {
          throw SelectionError(description: "--point '\(pattern)' matches no sweep point of '\(spec.name)'; points: \(Self.few(pointNodes.map(\.point.id)))")
        }
        for point in matched { ofPoints.formUnion(point.nodes.values) }
      }
      targets.formIntersection(ofPoints)
    }
    guard !targets.isEmpty else {
      throw SelectionError(description: "the options select no stage of '\(spec.name)' together (each matches some; none matches all)")
    }
    return subgraph(keeping: ancestors(of: targets))
  }

  /// `indices` and every node they depend on.
  func ancestors(of indices: some Sequence<Int>) -> Set<Int> {
    var needed = Set<Int>()
    var pending = Array(indices)
    while let i = pending.popLast() {
      if needed.insert(i).inserted { pending.append(contentsOf: nodes[i].inputs.values) }
    }
    return needed
  }

  /// The graph of the nodes in `kept` (closed under dependencies), renumbered in order.
  func subgraph(keeping kept: Set<Int>) -> StageGraph { renumberedSubgraph(keeping: kept).graph }

  /// That graph, with the map from the kept nodes' old indices to the new.
  func renumberedSubgraph(keeping kept: Set<Int>) -> (graph: StageGraph, renumbered: [Int: Int]) {
    var renumbered: [Int: Int] = [:]
    var graph = self
    graph.nodes = []
    for node in nodes where kept.contains(node.index) {
      renumbered[node.index] = graph.nodes.count
      graph.nodes.append(Node(
        index: graph.nodes.count, kind: node.kind, version: node.version, params: node.params, settings: node.settings,
        inputs: node.inputs.mapValues { renumbered[$0]! }, inputOrder: node.inputOrder, label: node.label,
        identity: node.identity))
    }
    graph.pointNodes = pointNodes.map { point, kinds in (point, kinds.compactMapValues { renumbered[$0] }) }
    return (graph, renumbered)
  }

  /// The first few names, and how many there are.
  static func few(_ names: [String]) -> String {
    let shown = names.prefix(6).joined(separator: ", ")
    return names.count > 6 ? "\(shown), … (\(names.count) in all)" : shown
  }
}
