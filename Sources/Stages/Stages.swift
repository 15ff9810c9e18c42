import Pipeline

/// The stage kinds of `sdfa`: thin adapters from params and input artifacts to library calls.
public enum Stages {
  /// Every stage kind this build provides, in dependency order.
  public static let registry = StageRegistry([
    LoadStage(), BinStage(), TrainStage(), MapStage(), EnergyStage(), ReportStage(),
  ], translator: { node, file in try ReferenceImport.translate(node, file: file) })
}
