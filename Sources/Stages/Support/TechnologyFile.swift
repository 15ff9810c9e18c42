import Foundation
import Hardware
import Pipeline

/// Technology files (`experiments/hardware/*.yml`): found by name or path, read with the
/// spec loader (so errors carry file:line:column), checked for unknown keys, decoded into
/// `Technology` and validated.
enum TechnologyFile {
  /// The file a `hardware.technology` value names: a path (relative to the spec's folder, then
  /// to the current one), or a preset name looked up in `hardware/` beside the spec, in
  /// `../hardware/`, and in `experiments/hardware/`.
  static func resolve(_ name: String, specFile: String) -> [String] {
    let specDirectory = URL(fileURLWithPath: specFile).deletingLastPathComponent()
    if name.hasSuffix(".yml") || name.hasSuffix(".yaml") || name.contains("/") {
      return name.hasPrefix("/") ? [name] : [specDirectory.appendingPathComponent(name).relativePath, name]
    }
    return [
      specDirectory.appendingPathComponent("hardware/\(name).yml").relativePath,
      specDirectory.appendingPathComponent("../hardware/\(name).yml").standardized.relativePath,
      "experiments/hardware/\(name).yml",
    ]
  }

  /// Loads and validates a technology file; the value is what the file says (the key
  /// material), the technology what the model uses.
  static func load(_ name: String, specFile: String, at location: SourceLocation) throws -> (value: SpecValue, technology: Technology) {
    // Only YAML files: any other file named here (`../../etc/passwd`) would be parsed, and
    // its lines echoed back in the errors.
    if name.contains("/") && !(name.hasSuffix(".yml") || name.hasSuffix(".yaml")) {
      throw SpecErrors([SpecError(location, "a technology file must be a .yml or .yaml file; '\(name)' is not",
                                  hint: "name a preset (rram-32nm) or a .yml file of technology parameters")])
    }
    let candidates = resolve(name, specFile: specFile)
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
      let presets = ((try? FileManager.default.contentsOfDirectory(atPath: "experiments/hardware")) ?? [])
        .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
      throw SpecErrors([SpecError(location, "no technology file '\(name)' (looked for \(candidates.joined(separator: ", ")))",
                                  hint: presets.isEmpty ? "name a .yml file of technology parameters" : "use one of: \(presets.joined(separator: ", "))")])
    }
    let node = try SpecLoader().load(path).node
    let locations = node.locationsByPath
    func locate(_ p: String) -> SourceLocation { locations[p] ?? node.location }
    var errors: [SpecError] = []
    // Unknown keys, with the nearest known one.
    let known: [String: [String]] = ["": Technology.codingKeyNames, "area": AreaParameters.codingKeyNames,
                                     "architecture": Architecture.codingKeyNames]
    for (prefix, names) in known {
      let mapping = prefix.isEmpty ? node : node[prefix]
      for (key, keyLocation) in mapping?.keys ?? [] where !names.contains(key) {
        let where_ = prefix.isEmpty ? "technology file" : "'\(prefix)'"
        errors.append(SpecError(keyLocation, "unknown key '\(key)' in the \(where_)",
                                hint: nearest(key, in: names).map { "did you mean '\($0)'?" } ?? "valid keys: \(names.joined(separator: ", "))"))
      }
    }
    let value = node.untypedValue
    var technology: Technology?
    if errors.isEmpty {
      do {
        technology = try JSONDecoder().decode(Technology.self, from: Data(value.canonicalJSON.utf8))
      } catch let error as DecodingError {
        errors.append(describe(error, file: path, locate: locate))
      }
    }
    if let technology {
      for issue in technology.validate() {
        errors.append(SpecError(locate(issue.path), "'\(issue.path)' is \(issue.value), must be \(issue.allowed)",
                                hint: "choose a value \(issue.allowed)"))
      }
    }
    if !errors.isEmpty { throw SpecErrors(errors) }
    return (value, technology!)
  }

  private static func describe(_ error: DecodingError, file: String, locate: (String) -> SourceLocation) -> SpecError {
    func path(_ codingPath: [any CodingKey]) -> String { codingPath.map(\.stringValue).joined(separator: ".") }
    switch error {
    case .keyNotFound(let key, let context):
      let parent = path(context.codingPath)
      return SpecError(locate(parent), "missing key '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' in the technology file",
                       hint: "add '\(key.stringValue): …' (see experiments/hardware/rram-32nm.yml for every key with its source)")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return SpecError(locate(path(context.codingPath)), "'\(path(context.codingPath))' must be \(type == String.self ? "text" : "a \(type)")",
                       hint: "write a value of that type")
    case .dataCorrupted(let context):
      return SpecError(locate(path(context.codingPath)), "'\(path(context.codingPath))': \(context.debugDescription)",
                       hint: "see experiments/hardware/rram-32nm.yml for the allowed values")
    @unknown default:
      return SpecError(SourceLocation(file: file), "cannot read the technology file: \(error)")
    }
  }
}
