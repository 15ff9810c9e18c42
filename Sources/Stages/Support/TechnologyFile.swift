import Foundation
import Hardware
import Pipeline

/// Technology files and built-in presets (`experiments/hardware/*.yml`): found by name or path, read with the
/// spec loader (so errors carry file:line:column), checked for unknown keys, decoded into
/// `Technology` and validated.
enum TechnologyFile {
  /// Where a `hardware.technology` value's text comes from.
  enum Source: Equatable {
    case file(String)
    case builtIn(String)
  }

  /// The file or built-in preset a `hardware.technology` value names. A path (anything with a
  /// `/` or a `.yml`/`.yaml` ending) is resolved by the rule of ``ValueOrigin``: relative to
  /// the folder of the spec file that wrote the value (the current folder when `${VAR}` or
  /// `--set` gave it); a name is looked up in `hardware/NAME.yml` in that same folder, then
  /// among the presets compiled into `sdfa`.
  static func resolve(_ name: String, origin: ValueOrigin, specFile: String) -> (source: Source?, looked: [String]) {
    if name.hasSuffix(".yml") || name.hasSuffix(".yaml") || name.contains("/") {
      let path = origin.resolve(name, specFile: specFile).path
      return (FileManager.default.fileExists(atPath: path) ? .file(path) : nil, [path])
    }
    let folder = origin.base(specFile: specFile).folder
    let local = folder.appendingPathComponent("hardware/\(name).yml").standardizedFileURL.path
    if FileManager.default.fileExists(atPath: local) { return (.file(local), [local]) }
    if TechnologyPresets.text(name) != nil { return (.builtIn(name), [local]) }
    return (nil, [local, "the built-in presets"])
  }

  /// Loads and validates a technology file; the value is what the file says (the key
  /// material), the technology what the model uses. A file and the built-in preset with the
  /// same text give the same value, so the same keys.
  static func load(_ name: String, specFile: String, origin: ValueOrigin) throws -> (value: SpecValue, technology: Technology) {
    let location = origin.location
    // Only YAML files: any other file named here (`../../etc/passwd`) would be parsed, and
    // its lines echoed back in the errors.
    if name.contains("/") && !(name.hasSuffix(".yml") || name.hasSuffix(".yaml")) {
      throw SpecErrors([SpecError(location, "a technology file must be a .yml or .yaml file; '\(name)' is not",
                                  hint: "name a preset (rram-32nm) or a .yml file of technology parameters")])
    }
    let (source, looked) = resolve(name, origin: origin, specFile: specFile)
    let node: SpecNode
    let path: String
    switch source {
    case .file(let file)?:
      path = file
      node = try SpecLoader().load(file).node
    case .builtIn(let preset)?:
      path = "built-in preset \(preset).yml"
      node = try SpecLoader().parse(TechnologyPresets.text(preset)!, file: path)
    case nil:
      let base = name.contains("/") || name.hasSuffix(".yml") || name.hasSuffix(".yaml")
        ? "; \(origin.resolve(name, specFile: specFile).reason)" : ""
      throw SpecErrors([SpecError(location, "no technology '\(name)' (looked for \(looked.joined(separator: ", "))\(base))",
                                  hint: (nearest(name, in: TechnologyPresets.names).map { "did you mean '\($0)'? " } ?? "")
                                    + "use a built-in preset (\(TechnologyPresets.names.joined(separator: ", "))), "
                                    + "a hardware/\(name).yml beside the spec, or a path to a .yml file of technology parameters; "
                                    + "sdfa hw --list-technologies lists them")])
    }
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
                       hint: "add '\(key.stringValue): …' (`sdfa hw --show-technology rram-32nm` prints every key with its source)")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return SpecError(locate(path(context.codingPath)), "'\(path(context.codingPath))' must be \(type == String.self ? "text" : "a \(type)")",
                       hint: "write a value of that type")
    case .dataCorrupted(let context):
      return SpecError(locate(path(context.codingPath)), "'\(path(context.codingPath))': \(context.debugDescription)",
                       hint: "`sdfa hw --show-technology rram-32nm` shows valid values")
    @unknown default:
      return SpecError(SourceLocation(file: file), "cannot read the technology file: \(error)")
    }
  }
}
