extension StageGraph {
  /// The graph of the nodes `index` depends on (not `index` itself), renumbered in the same
  /// topological order, with the map from their old indices to the new: running it makes the
  /// node's inputs exist without running the node.
  ///
  /// ```swift
  /// let train = graph.pointNodes[0].nodes["train"]!
  /// let (upstream, renumbered) = graph.upstream(of: train)   // load, bin
  /// ```
  public func upstream(of index: Int) -> (graph: StageGraph, renumbered: [Int: Int]) {
    var needed = Set<Int>()
    var pending = Array(nodes[index].inputs.values)
    while let i = pending.popLast() {
      if needed.insert(i).inserted { pending.append(contentsOf: nodes[i].inputs.values) }
    }
    var renumbered: [Int: Int] = [:]
    var graph = self
    graph.nodes = []
    for node in nodes where needed.contains(node.index) {
      renumbered[node.index] = graph.nodes.count
      graph.nodes.append(Node(
        index: graph.nodes.count, kind: node.kind, version: node.version, params: node.params,
        settings: node.settings, inputs: node.inputs.mapValues { renumbered[$0]! }, inputOrder: node.inputOrder, label: node.label,
        identity: node.identity))
    }
    graph.pointNodes = pointNodes.map { point, kinds in (point, kinds.compactMapValues { renumbered[$0] }) }
    return (graph, renumbered)
  }
}
