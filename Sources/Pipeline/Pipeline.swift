/// Spec model, sweep expansion, stage graph, content hashing, artifact store and scheduler.
public enum PipelineInfo {
  /// The tool version recorded with every stage run.
  public static let toolVersion = "0.1.0"
}
