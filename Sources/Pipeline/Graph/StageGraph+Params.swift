extension StageGraph {
  /// The keyed params of a stage for a configuration: the value at each leaf the stage reads
  /// for it (``Stage/reads(in:)``), nested as in the spec, `null` where absent. Nothing else
  /// of the configuration gets in: not a sibling field of a read leaf, not an execution
  /// setting. Per-spec stages read `name`, `axes`, `axis_paths` and `points`, which the graph
  /// supplies; each point carries its id, its coordinates and its keyed configuration (every
  /// leaf one of its stages reads, never a setting).
  ///
  /// ```swift
  /// // train reads train.epochs, …, seed; not train.threads, not hardware.*
  /// StageGraph.params(of: train, in: point.config)[path: "train.epochs"]   // 20
  /// ```
  public static func params(of stage: any Stage, in config: SpecValue) -> SpecValue {
    var params = SpecValue.object([:])
    for path in stage.reads(in: config) {
      params = params.setting(path, to: config[path: path] ?? .null)
    }
    return params
  }

  /// The settings a stage reads (``Stage/settings``) for a configuration, nested as in the
  /// spec: what the stage sees beside its params, never part of its key.
  public static func settings(of stage: any Stage, in config: SpecValue) -> SpecValue {
    var settings = SpecValue.object([:])
    for path in stage.settings {
      if let value = config[path: path] { settings = settings.setting(path, to: value) }
    }
    return settings
  }

}

extension SpecValue {
  /// This object with `other`'s fields laid over it, recursively (objects merge, anything
  /// else is replaced): a stage's params with its settings.
  public func merging(_ other: SpecValue) -> SpecValue {
    guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
    for (key, value) in theirs { mine[key] = mine[key].map { $0.merging(value) } ?? value }
    return .object(mine)
  }
}

extension StageGraph.Node {
  /// What the stage sees when it runs: its params with its settings laid over them.
  public var runParams: SpecValue { params.merging(settings) }
}
