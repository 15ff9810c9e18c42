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
    // The parser stays alive while converting: nodes hold their anchors weakly, and the
    // conversion tells an alias from its anchor by the anchor's identity.
    if let hit = AliasKeyScan.firstAliasKey(in: text) {
      throw SpecErrors([SpecError(
        SourceLocation(file: file, line: hit.line, column: hit.column),
        "the alias '*\(hit.name)' is used as a mapping key; spec keys are plain names (the YAML parser would walk an aliased key's whole value, a 'billion laughs' file, before any check)",
        hint: "write the key out as a name, and use '*\(hit.name)' as a value or with '<<: *\(hit.name)'")])
    }
    let parser: Parser
    let node: Node?
    do {
      parser = try Parser(yaml: text)
      node = try parser.singleRoot()
    } catch let error as YamlError {
      throw SpecErrors([Self.specError(error, file: file)])
    }
    guard let node else { return SpecNode(.scalar("", plain: true), at: SourceLocation(file: file, line: 1, column: 1)) }
    let source = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var conversion = SpecNodeConversion(loader: self, file: file, source: source)
    let converted: SpecNode
    do {
      converted = try conversion.convert(node)
    } catch {
      throw SpecErrors([error.error])
    }
    withExtendedLifetime(parser) {}
    if !conversion.errors.isEmpty { throw SpecErrors(conversion.errors) }
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
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw SpecErrors([SpecError(includedFrom ?? SourceLocation(file: path), "'\(path)' is a directory",
                                  hint: "name a spec file, such as \(path)/spec.yml")])
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      if FileManager.default.fileExists(atPath: path) {  // there, but not readable: say why
        throw SpecErrors([SpecError(includedFrom ?? SourceLocation(file: path),
                                    "cannot read the spec file '\(path)': \(IOErrorText.reason(reading: path))",
                                    hint: "check the file's permissions (ls -l \(path))")])
      }
      throw SpecErrors([SpecError(
        includedFrom ?? SourceLocation(file: path), "no such spec file '\(path)'",
        hint: "check the path (it is relative to the current directory, or for includes to the including file)")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw SpecErrors([SpecError(Self.firstInvalidUTF8(data, file: path), "the file is not valid UTF-8 text",
                                  hint: "save the file as UTF-8")])
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
        throw SpecErrors([SpecError(target.location, "an include must name a file, found \(target.shapeDescription)",
                                    hint: "write 'include: common.yml'")])
      }
      // A literal name is relative to this file; one built from `${VAR}` to the current
      // folder (``ValueOrigin``); `~/` is the home folder.
      let resolved = name == "~" || name.hasPrefix("~/")
        ? FileManager.default.homeDirectoryForCurrentUser.path + name.dropFirst()
        : name.hasPrefix("/") || target.interpolated ? name : directory.appendingPathComponent(name).relativePath
      let included = try load(resolved, chain: chain + [canonical], includedFrom: target.location, files: &files)
      merged = merged.map { $0.merging(included) } ?? included
    }
    return merged.map { $0.merging(node) } ?? node
  }

  /// Expands `${VAR}` and `${VAR:-default}`; `$$` is a literal `$`. `interpolated` is set
  /// when a `${…}` reference was replaced (by the variable or by its default): the text is
  /// then the shell's, and a relative path in it is relative to the current folder.
  func interpolate(
    _ text: String, at location: SourceLocation, errors: inout [SpecError], interpolated: inout Bool,
    locate: (String) -> SourceLocation? = { _ in nil }
  ) -> String {
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
      guard after.hasPrefix("{") else {
        out += "$"
        rest = after
        continue
      }
      guard let close = after.firstIndex(of: "}") else {
        let token = "$" + after
        errors.append(SpecError(locate(String(token)) ?? location, "malformed variable reference '\(token)': no closing '}'",
                                hint: "close it with '}': ${NAME} or ${NAME:-default}"))
        out += token
        break
      }
      let body = after[after.index(after: after.startIndex)..<close]
      let column = location.column + text.distance(from: text.startIndex, to: dollar)
      let here = locate("${\(body)}") ?? SourceLocation(file: location.file, line: location.line, column: column)
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
      } else if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
        // As in the shell, `${VAR:-default}` takes the default when VAR is empty too.
        out += value
        interpolated = true
      } else if let fallback {
        out += fallback
        interpolated = true
      } else {
        errors.append(SpecError(here, "environment variable '\(name)' is not set",
                                hint: "export \(name)=… before running, or give a default: ${\(name):-value}"))
      }
      rest = after[after.index(after: close)...]
    }
    out += rest
    return out
  }

  /// Where `token` first occurs in the source at or after `start` (quoted and block scalars
  /// begin before their text, so positions inside them come from the source itself).
  static func find(_ token: String, in source: [String], from start: SourceLocation) -> SourceLocation? {
    guard start.line > 0 else { return nil }
    for lineIndex in (start.line - 1)..<source.count {
      let line = source[lineIndex]
      let from = lineIndex == start.line - 1 ? max(0, start.column - 1) : 0
      guard from <= line.count else { continue }
      let tail = line[line.index(line.startIndex, offsetBy: from)...]
      if let range = tail.range(of: token) {
        return SourceLocation(file: start.file, line: lineIndex + 1, column: from + tail.distance(from: tail.startIndex, to: range.lowerBound) + 1)
      }
    }
    return nil
  }

  /// The line and column of the first byte that is not valid UTF-8.
  static func firstInvalidUTF8(_ data: Data, file: String) -> SourceLocation {
    var line = 1, column = 1, i = 0
    let bytes = [UInt8](data)
    while i < bytes.count {
      let b = bytes[i]
      let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
      guard length > 0, i + length <= bytes.count,
        bytes[(i + 1)..<(i + length)].allSatisfy({ $0 >> 6 == 0b10 }),
        String(bytes: bytes[i..<(i + length)], encoding: .utf8) != nil
      else { return SourceLocation(file: file, line: line, column: column) }
      if b == 0x0A { line += 1; column = 1 } else { column += 1 }
      i += length
    }
    return SourceLocation(file: file, line: line, column: column)
  }

  static func location(_ mark: Mark?, file: String) -> SourceLocation {
    SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
  }

  static func specError(_ error: YamlError, file: String) -> SpecError {
    switch error {
    case .scanner(let context, let problem, let mark, let yaml), .parser(let context, let problem, let mark, let yaml),
      .composer(let context, let problem, let mark, let yaml):
      let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
      let lineText = mark.line >= 1 && mark.line <= lines.count ? String(lines[mark.line - 1]) : ""
      let character = mark.column >= 1 && mark.column <= lineText.count
        ? lineText[lineText.index(lineText.startIndex, offsetBy: mark.column - 1)] : nil
      if character == "\t" {
        return SpecError(location(mark, file: file), "a tab cannot indent YAML", hint: "indent with spaces")
      }
      if problem.contains("undefined alias") {
        let rest = lineText.dropFirst(max(0, mark.column - 1)).drop { $0 == "*" }
        let name = String(rest.prefix { !" ,]}\n".contains($0) })
        return SpecError(location(mark, file: file), "undefined alias '*\(name)'",
                         hint: "define '&\(name)' on an earlier value, or fix the alias name")
      }
      if let context, context.text.contains("quoted scalar") {
        return SpecError(location(context.mark, file: file), "unterminated quoted scalar: the string opened here has no closing quote",
                         hint: "add the closing quote")
      }
      if let context, context.text.contains("flow sequence") || context.text.contains("flow mapping") {
        let bracket = context.text.contains("sequence") ? "[" : "{"
        let closing = bracket == "[" ? "]" : "}"
        return SpecError(location(context.mark, file: file), "the flow sequence or mapping opened here with '\(bracket)' is not closed",
                         hint: "close the bracket with '\(closing)'")
      }
      let contextText = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
      return SpecError(location(mark, file: file), "YAML syntax: \(problem)\(contextText)",
                       hint: "check indentation, quotes and brackets around this position")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      return SpecError(location(context.mark, file: file), "duplicate key \(names) in one mapping",
                       hint: "keep one of the two")
    case .reader(let problem, let offset, _, _):
      return SpecError(SourceLocation(file: file), "cannot read YAML: \(problem) at byte \(offset ?? 0)",
                       hint: "save the file as UTF-8 text")
    default:
      return SpecError(SourceLocation(file: file), "YAML error: \(String(describing: error).prefix(200))")
    }
  }
}
