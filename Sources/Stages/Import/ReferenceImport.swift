import Foundation
import Pipeline

/// `sdfa import`: the reference code's flat configs as specs, and the detection that lets
/// `sdfa run` and `sdfa validate` take such a config directly.
///
/// ```swift
/// let config = try ReferenceImport.read("conf/DVS_Gesture/conv.yml")
/// try config.specText.write(toFile: "dvsgesture-conv.yml", atomically: true, encoding: .utf8)
/// ```
public enum ReferenceImport {
  /// Top-level keys of a spec: a file with any of them is a spec, not a reference config.
  static let specSections: Set<String> = [
    "name", "description", "seeds", "frames", "model", "train", "hardware", "report", "sweep", "include", "executor",
  ]

  /// Whether a node tree is one of the reference code's flat configs rather than a spec: a
  /// mapping without spec sections (`train:`, `model:`, …) that sets at least one key only
  /// the reference schema has (`training_method`, `net`, `num_layers`, …) or names its
  /// dataset with a plain name (`dataset: nmnist`, where a spec has a mapping).
  public static func isReferenceConfig(_ node: SpecNode) -> Bool {
    guard case .mapping(let entries) = node.kind, !entries.isEmpty else { return false }
    if entries.contains(where: { specSections.contains($0.key) }) { return false }
    let referenceOnly = Set(ReferenceConfig.keys.map(\.name) + ReferenceConfig.ignoredKeys).subtracting(["dataset"])
    if entries.contains(where: { referenceOnly.contains($0.key) }) { return true }
    if let dataset = entries.first(where: { $0.key == "dataset" }), case .scalar = dataset.value.kind { return true }
    return false
  }

  /// Reads a reference config file (through `SpecLoader`, so YAML errors carry file:line:column).
  public static func read(
    _ path: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> ReferenceConfig {
    let (node, _) = try SpecLoader(environment: environment).load(path)
    return try ReferenceConfig(node, file: path)
  }

  /// The conversion as spec loading uses it: nil when `node` is a spec; otherwise the spec's
  /// name, its YAML text (what `sdfa import` prints) and a one-line notice for the user.
  /// Throws `SpecErrors` located in the config file.
  public static func translate(_ node: SpecNode, file: String) throws -> (name: String, spec: String, notice: String)? {
    guard isReferenceConfig(node) else { return nil }
    let config = try ReferenceConfig(node, file: file)
    var notice = "note: \(file) is a reference config (flat keys such as 'training_method'); running it as the spec `sdfa import \(file)` prints"
    if !config.ignored.isEmpty { notice += "; ignored: \(config.ignored.joined(separator: ", "))" }
    return (config.specName, config.specText, notice)
  }
}
