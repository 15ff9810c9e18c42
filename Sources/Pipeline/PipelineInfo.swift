/// Facts about this build of the pipeline.
public enum PipelineInfo {
  /// The tool version recorded with every stage run.
  public static let toolVersion = "0.1.0"
}
