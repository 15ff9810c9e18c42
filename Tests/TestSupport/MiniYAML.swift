import Foundation

/// A parser for the small YAML subset of the hardware presets: `key: scalar  # comment` lines
/// and nested mappings by two-space indentation. Enough to check presets without Yams.
public enum MiniYAML {
  public struct ParseError: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
  }

  /// The document as nested dictionaries of `Int`, `Double`, `Bool` and `String` scalars.
  public static func parse(_ text: String) throws -> [String: Any] {
    var stack: [(indent: Int, key: String?, map: [String: Any])] = [(-1, nil, [:])]
    func pop() {
      let top = stack.removeLast()
      stack[stack.count - 1].map[top.key!] = top.map
    }
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = String(raw)
      if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
      guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
      let indent = line.prefix { $0 == " " }.count
      guard let colon = line.firstIndex(of: ":") else {
        throw ParseError(line: number + 1, message: "expected 'key: value'")
      }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      while indent <= stack[stack.count - 1].indent { pop() }
      if value.isEmpty {
        stack.append((indent, key, [:]))
      } else {
        stack[stack.count - 1].map[key] = scalar(value)
      }
    }
    while stack.count > 1 { pop() }
    return stack[0].map
  }

  /// The document as JSON, ready for `JSONDecoder`.
  public static func json(_ text: String) throws -> Data {
    try JSONSerialization.data(withJSONObject: parse(text), options: [.sortedKeys])
  }

  /// Every key path of the document (`area.adc_um2`).
  public static func keyPaths(_ map: [String: Any], prefix: String = "") -> Set<String> {
    var paths: Set<String> = []
    for (key, value) in map {
      let path = prefix.isEmpty ? key : prefix + "." + key
      paths.insert(path)
      if let nested = value as? [String: Any] { paths.formUnion(keyPaths(nested, prefix: path)) }
    }
    return paths
  }

  static func scalar(_ s: String) -> Any {
    if s == "true" { return true }
    if s == "false" { return false }
    if let i = Int(s) { return i }
    if let d = Double(s) { return d }
    if s.count >= 2, s.first == "\"", s.last == "\"" { return String(s.dropFirst().dropLast()) }
    return s
  }
}
