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
    renumberedSubgraph(keeping: ancestors(of: nodes[index].inputs.values))
  }
}
