import Foundation

/// Writes runs in MLflow's file-store layout, so that `mlflow ui --backend-store-uri DIR`
/// (and `mlflow.search_runs` over `file:DIR`) shows and compares them:
///
/// ```
/// DIR/0/meta.yaml                          the Default experiment MLflow expects
/// DIR/<experiment id>/meta.yaml            one experiment per spec (name: the spec's name)
/// DIR/<experiment id>/<run id>/meta.yaml   one run per sweep point and seed
///                             /params/<dotted path>     the value, no newline
///                             /metrics/<name>           "<ms timestamp> <value> <step>" lines
///                             /tags/<name>              sdfa.spec_digest, sdfa.stage_key, …
///                             /artifacts/
/// ```
///
/// The fields and formats follow MLflow's `FileStore` (mlflow/store/tracking/file_store.py,
/// checked against mlflow-skinny 3.18): metric lines are `timestamp value step`, the run's
/// `status` 3 is FINISHED and `source_type` 4 LOCAL. Ids derive from the spec name and the run's
/// key, so exporting again rewrites the same experiments; an experiment's folder is replaced
/// whole. MLflow 3 reads a file store only with `MLFLOW_ALLOW_FILE_STORE=true`.
public struct MLflowExport: Sendable {
  public let directory: URL

  public init(directory: URL) { self.directory = directory.standardizedFileURL }

  /// What was written.
  public struct Outcome: Sendable {
    public var experiments: Int
    public var runs: Int
    /// Params left out because MLflow refuses them (value over 6000 characters).
    public var skippedParams: [String]
  }

  public static func experimentID(spec: String) -> String {
    String(UInt64(Digest.sha256("sdfa experiment \(spec)").prefix(15), radix: 16)!)
  }

  public static func runID(_ e: RunEntry) -> String {
    String(Digest.sha256("sdfa run \(e.spec)\n\(e.point)\n\(e.key)").prefix(32))
  }

  /// A name MLflow accepts as a param, metric or tag file name (`[/\w.\- :]`, no `..`).
  public static func name(_ text: String) -> String {
    let cleaned = String(text.unicodeScalars.map { s -> Character in
      CharacterSet.alphanumerics.contains(s) || "_.- :".unicodeScalars.contains(s) ? Character(s) : "_"
    })
    return cleaned.replacingOccurrences(of: "..", with: "_.")
  }

  public func write(_ entries: [RunEntry]) throws -> Outcome {
    let fm = FileManager.default
    try fm.createDirectory(at: directory.appendingPathComponent(".trash"), withIntermediateDirectories: true)
    let earliest = entries.map(\.started).min() ?? 0
    if !fm.fileExists(atPath: directory.appendingPathComponent("0/meta.yaml").path) {
      try experimentMeta(id: "0", name: "Default", time: earliest)
    }
    var outcome = Outcome(experiments: 0, runs: 0, skippedParams: [])
    for (spec, runs) in Dictionary(grouping: entries, by: \.spec).sorted(by: { $0.key < $1.key }) {
      let id = Self.experimentID(spec: spec)
      try? fm.removeItem(at: directory.appendingPathComponent(id))
      try experimentMeta(id: id, name: spec, time: runs.map(\.started).min() ?? earliest)
      for run in runs { outcome.skippedParams += try write(run, experiment: id) }
      outcome.experiments += 1
      outcome.runs += runs.count
    }
    return outcome
  }

  private func experimentMeta(id: String, name: String, time: Double) throws {
    let folder = directory.appendingPathComponent(id)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let ms = Self.milliseconds(time)
    try Self.yaml([
      ("artifact_location", Self.quoted(folder.absoluteString)), ("creation_time", ms), ("experiment_id", Self.quoted(id)),
      ("last_update_time", ms), ("lifecycle_stage", "active"), ("name", Self.quoted(name)),
    ]).write(to: folder.appendingPathComponent("meta.yaml"), atomically: true, encoding: .utf8)
  }

  /// Writes one run; returns the params it left out.
  private func write(_ e: RunEntry, experiment: String) throws -> [String] {
    let fm = FileManager.default
    let id = Self.runID(e)
    let folder = directory.appendingPathComponent("\(experiment)/\(id)")
    for sub in ["params", "metrics", "tags", "artifacts"] {
      try fm.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    try Self.yaml([
      ("artifact_uri", Self.quoted(folder.appendingPathComponent("artifacts").absoluteString)),
      ("end_time", Self.milliseconds(e.finished)), ("entry_point_name", "''"), ("experiment_id", Self.quoted(experiment)),
      ("lifecycle_stage", "active"), ("run_id", id), ("run_name", Self.quoted(e.point)), ("source_name", "''"),
      ("source_type", "4"), ("source_version", "''"), ("start_time", Self.milliseconds(e.started)), ("status", "3"),
      ("tags", "[]"), ("user_id", "sdfa"),
    ]).write(to: folder.appendingPathComponent("meta.yaml"), atomically: true, encoding: .utf8)
    var skipped: [String] = []
    for (path, value) in e.params.sorted(by: { $0.key < $1.key }) {
      let text = Self.text(value)
      guard text.count <= 6000 else { skipped.append(path); continue }
      try Data(text.utf8).write(to: folder.appendingPathComponent("params/\(Self.name(path))"))
    }
    let stamp = Self.milliseconds(e.finished)
    for (name, value) in e.scalarMetrics {
      guard let number = value.doubleValue ?? value.stringValue.flatMap(Double.init) else { continue }
      try Data("\(stamp) \(Self.number(number)) 0\n".utf8).write(to: folder.appendingPathComponent("metrics/\(Self.name(name))"))
    }
    for (name, values) in e.curves {
      let lines = values.enumerated().map { "\(stamp) \(Self.number($0.element)) \($0.offset + 1)\n" }.joined()
      try Data(lines.utf8).write(to: folder.appendingPathComponent("metrics/\(Self.name(name))"))
    }
    var tags = ["mlflow.runName": e.point, "sdfa.spec": e.spec, "sdfa.point_id": e.point, "sdfa.stage_key": e.key]
    if let digest = e.specDigest { tags["sdfa.spec_digest"] = digest }
    for (kind, key) in e.keys { tags["sdfa.key.\(Self.name(kind))"] = key }
    for (name, value) in tags { try Data(value.utf8).write(to: folder.appendingPathComponent("tags/\(name)")) }
    return skipped.map { "\(e.spec):\(e.point) \($0)" }
  }

  static func milliseconds(_ seconds: Double) -> String { String(Int64((seconds * 1000).rounded())) }

  /// A param value: strings as they are, numbers in canonical form, lists and objects as JSON.
  static func text(_ v: SpecValue) -> String {
    switch v {
    case .string(let s): s
    case .number(let d): number(d)
    default: v.canonicalJSON
    }
  }

  /// A number as Python's `float()` reads it (`nan`, `inf` included).
  static func number(_ d: Double) -> String {
    d.isNaN ? "nan" : d.isInfinite ? (d > 0 ? "inf" : "-inf") : SpecValue.formatNumber(d)
  }

  static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

  static func yaml(_ fields: [(String, String)]) -> String { fields.map { "\($0.0): \($0.1)\n" }.joined() }
}
