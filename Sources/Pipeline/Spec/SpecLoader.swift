import Foundation
import Yams

/// Reads spec files into `SpecNode` trees: YAML composition with anchors and merge keys
/// (`<<: *defaults`), `include:` of other files (relative to the including file, cycles
/// rejected), and `${VAR}` / `${VAR:-default}` interpolation from the environment.
public struct SpecLoader: Sendable {
  public var environment: [String: String]

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
  }

  /// Loads `path` and everything it includes; the include chain's files are returned too
  /// (for provenance and the spec digest).
  public func load(_ path: String) throws -> (node: SpecNode, files: [String]) {
    var files: [String] = []
    let node = try load(path, chain: [], includedFrom: nil, files: &files)
    return (node, files)
  }

  /// Parses YAML text that did not come from a file (a `--set` value, a test).
  public func parse(_ text: String, file: String) throws -> SpecNode {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw SpecErrors([Self.specError(error, file: file)])
    }
    guard let node else { return SpecNode(.scalar("", plain: true), at: SourceLocation(file: file, line: 1, column: 1)) }
    var errors: [SpecError] = []
    let converted = convert(node, file: file, errors: &errors)
    if !errors.isEmpty { throw SpecErrors(errors) }
    return converted
  }

  private func load(_ path: String, chain: [String], includedFrom: SourceLocation?, files: inout [String]) throws -> SpecNode {
    let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    if chain.contains(canonical) {
      let cycle = (chain + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " → ")
      throw SpecErrors([SpecError(
        includedFrom ?? SourceLocation(file: path), "include cycle: \(cycle)",
        hint: "remove the include that points back to a file already being included")])
    }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw SpecErrors([SpecError(
        includedFrom ?? SourceLocation(file: path),
        exists ? "cannot read '\(path)' as UTF-8 text" : "no such spec file '\(path)'",
        hint: exists ? "save the file as UTF-8" : "check the path (it is relative to the current directory, or for includes to the including file)")])
    }
    files.append(path)
    var node = try parse(text, file: path)
    guard case .mapping = node.kind else {
      throw SpecErrors([SpecError(node.location, "a spec must be a mapping of sections, found \(node.shapeDescription)",
                                  hint: "start the file with keys such as 'name:' and 'dataset:'")])
    }
    guard let include = node["include"] else { return node }
    node = node.removing("include")
    let targets: [SpecNode]
    switch include.kind {
    case .scalar: targets = [include]
    case .sequence(let items): targets = items
    case .mapping:
      throw SpecErrors([SpecError(include.location, "'include' must be a file name or a list of file names",
                                  hint: "write 'include: common.yml' or 'include: [a.yml, b.yml]'")])
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    var merged: SpecNode?
    for target in targets {
      guard case .scalar(let name, _) = target.kind, !name.isEmpty else {
        throw SpecErrors([SpecError(target.location, "an include must name a file, found \(target.shapeDescription)")])
      }
      let resolved = name.hasPrefix("/") ? name : directory.appendingPathComponent(name).relativePath
      let included = try load(resolved, chain: chain + [canonical], includedFrom: target.location, files: &files)
      merged = merged.map { $0.merging(included) } ?? included
    }
    return merged.map { $0.merging(node) } ?? node
  }

  // MARK: YAML node conversion

  private func convert(_ node: Node, file: String, errors: inout [SpecError]) -> SpecNode {
    let location = Self.location(node.mark, file: file)
    switch node {
    case .scalar(let scalar):
      let plain = scalar.style == .plain
      let text = interpolate(scalar.string, at: location, errors: &errors)
      return SpecNode(.scalar(text, plain: plain), at: location)
    case .sequence(let sequence):
      return SpecNode(.sequence(sequence.map { convert($0, file: file, errors: &errors) }), at: location)
    case .mapping(let mapping):
      var entries: [SpecNode.Entry] = []
      var merged: [SpecNode.Entry] = []
      for (key, value) in mapping {
        let keyLocation = Self.location(key.mark, file: file)
        guard case .scalar(let keyScalar) = key else {
          errors.append(SpecError(keyLocation, "mapping keys must be plain names"))
          continue
        }
        if keyScalar.string == "<<" && keyScalar.style == .plain {
          let sources: [Node] = value.sequence.map(Array.init) ?? [value]
          for source in sources {
            guard case .mapping = source else {
              errors.append(SpecError(Self.location(source.mark, file: file), "a merge key '<<' takes a mapping or a list of mappings",
                                      hint: "write '<<: *anchor' where '&anchor' names a mapping"))
              continue
            }
            let converted = convert(source, file: file, errors: &errors)
            for entry in converted.entries ?? [] where !merged.contains(where: { $0.key == entry.key }) {
              merged.append(entry)
            }
          }
          continue
        }
        if let previous = entries.first(where: { $0.key == keyScalar.string }) {
          errors.append(SpecError(keyLocation, "duplicate key '\(keyScalar.string)' (first at line \(previous.keyLocation.line))",
                                  hint: "keep one of the two"))
          continue
        }
        entries.append(SpecNode.Entry(key: keyScalar.string, keyLocation: keyLocation, value: convert(value, file: file, errors: &errors)))
      }
      let overridden = merged.filter { m in !entries.contains { $0.key == m.key } }
      return SpecNode(.mapping(overridden + entries), at: location)
    case .alias(let alias):
      errors.append(SpecError(Self.location(alias.mark, file: file), "unresolved alias '*\(alias.anchor.rawValue)'"))
      return SpecNode(.scalar("", plain: true), at: location)
    }
  }

  /// Expands `${VAR}` and `${VAR:-default}`; `$$` is a literal `$`.
  func interpolate(_ text: String, at location: SourceLocation, errors: inout [SpecError]) -> String {
    guard text.contains("$") else { return text }
    var out = ""
    var rest = Substring(text)
    while let dollar = rest.firstIndex(of: "$") {
      out += rest[..<dollar]
      let after = rest[rest.index(after: dollar)...]
      if after.hasPrefix("$") {
        out += "$"
        rest = after.dropFirst()
        continue
      }
      guard after.hasPrefix("{"), let close = after.firstIndex(of: "}") else {
        out += "$"
        rest = after
        continue
      }
      let body = after[after.index(after: after.startIndex)..<close]
      let column = location.column + text.distance(from: text.startIndex, to: dollar)
      let here = SourceLocation(file: location.file, line: location.line, column: column)
      let name: Substring
      let fallback: Substring?
      if let separator = body.range(of: ":-") {
        name = body[..<separator.lowerBound]
        fallback = body[separator.upperBound...]
      } else {
        name = body
        fallback = nil
      }
      if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
        errors.append(SpecError(here, "malformed variable reference '${\(body)}'",
                                hint: "write ${NAME} or ${NAME:-default}, NAME made of letters, digits and '_'"))
      } else if let value = environment[String(name)] {
        out += value
      } else if let fallback {
        out += fallback
      } else {
        errors.append(SpecError(here, "environment variable '\(name)' is not set",
                                hint: "export \(name)=… before running, or give a default: ${\(name):-value}"))
      }
      rest = after[after.index(after: close)...]
    }
    out += rest
    return out
  }

  static func location(_ mark: Mark?, file: String) -> SourceLocation {
    SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
  }

  static func specError(_ error: YamlError, file: String) -> SpecError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let contextText = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
      return SpecError(location(mark, file: file), "YAML syntax: \(problem)\(contextText)",
                       hint: "check indentation, quotes and brackets around this position")
    case .reader(let problem, let offset, _, _):
      return SpecError(SourceLocation(file: file), "cannot read YAML: \(problem) at byte \(offset ?? 0)",
                       hint: "save the file as UTF-8 text")
    default:
      return SpecError(SourceLocation(file: file), "YAML error: \(error)")
    }
  }
}
