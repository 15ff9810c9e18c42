/// A YAML node after includes, merge keys and `${VAR}` interpolation, before validation:
/// the untyped tree that keeps every value's source location.
public struct SpecNode: Sendable {
  public enum Kind: Sendable {
    /// A scalar's text; `plain` is false for quoted or block scalars (always strings).
    case scalar(String, plain: Bool)
    case mapping([Entry])
    case sequence([SpecNode])
  }

  public struct Entry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: SpecNode
  }

  public var kind: Kind
  public var location: SourceLocation
  /// True for a scalar whose text came out of `${VAR}` / `${VAR:-default}` interpolation: a
  /// relative path in it is relative to the current folder, where the variable was set
  /// (``ValueOrigin``), not to the file that wrote it.
  public var interpolated: Bool

  public init(_ kind: Kind, at location: SourceLocation, interpolated: Bool = false) {
    self.kind = kind
    self.location = location
    self.interpolated = interpolated
  }

  /// The value under `key` of a mapping node.
  public subscript(key: String) -> SpecNode? {
    guard case .mapping(let entries) = kind else { return nil }
    return entries.last { $0.key == key }?.value
  }

  var entries: [Entry]? { if case .mapping(let e) = kind { e } else { nil } }

  /// A short description of the node's shape for messages ("a list", "'ten'").
  var shapeDescription: String {
    switch kind {
    case .scalar(let s, _): s.isEmpty ? "nothing" : "'\(s)'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    }
  }

  /// `self` with `overlay` merged on top: mappings merge key by key (recursively), any other
  /// value in `overlay` replaces the one here.
  func merging(_ overlay: SpecNode) -> SpecNode {
    guard case .mapping(var mine) = kind, case .mapping(let theirs) = overlay.kind else { return overlay }
    // Indexed by key so that merging large mappings stays linear.
    var index = Dictionary(mine.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { _, last in last })
    for entry in theirs {
      if let i = index[entry.key] {
        mine[i] = Entry(key: entry.key, keyLocation: entry.keyLocation, value: mine[i].value.merging(entry.value))
      } else {
        index[entry.key] = mine.count
        mine.append(entry)
      }
    }
    return SpecNode(.mapping(mine), at: overlay.location)
  }

  /// `self` with the node at the dotted `path` replaced by `value` (mappings created as needed).
  func setting(_ path: ArraySlice<String>, to value: SpecNode) -> SpecNode {
    guard let head = path.first else { return value }
    var entries = self.entries ?? []
    if let i = entries.lastIndex(where: { $0.key == head }) {
      entries[i].value = entries[i].value.setting(path.dropFirst(), to: value)
    } else {
      let empty = SpecNode(.mapping([]), at: value.location)
      entries.append(Entry(key: head, keyLocation: value.location, value: empty.setting(path.dropFirst(), to: value)))
    }
    return SpecNode(.mapping(entries), at: location)
  }

  /// `self` without the entry `key` (mappings only).
  func removing(_ key: String) -> SpecNode {
    guard case .mapping(let entries) = kind else { return self }
    return SpecNode(.mapping(entries.filter { $0.key != key }), at: location)
  }
}

extension SpecNode {
  /// The node as a value without a schema: plain scalars typed by the YAML 1.2 core schema
  /// (null, booleans, numbers), quoted ones as strings. For files whose types a `Codable`
  /// struct checks (technology files).
  public var untypedValue: SpecValue {
    switch kind {
    case .scalar(let text, let plain):
      guard plain else { return .string(text) }
      if text.isEmpty || text == "~" || text == "null" { return .null }
      if let b = Bool(yaml: text) { return .bool(b) }
      if let d = Double(yamlNumber: text) { return .number(d) }
      return .string(text)
    case .sequence(let items): return .list(items.map(\.untypedValue))
    case .mapping(let entries): return .object(Dictionary(entries.map { ($0.key, $0.value.untypedValue) }, uniquingKeysWith: { $1 }))
    }
  }

  /// Where every value below this node came from, by dotted path (`""` is the node itself).
  public var originsByPath: [String: ValueOrigin] {
    var result: [String: ValueOrigin] = ["": ValueOrigin(self)]
    func walk(_ node: SpecNode, _ path: String) {
      for entry in node.entries ?? [] {
        let child = path.isEmpty ? entry.key : "\(path).\(entry.key)"
        result[child] = ValueOrigin(entry.value)
        walk(entry.value, child)
      }
    }
    walk(self, "")
    return result
  }

  /// The source locations of every value below this node, by dotted path.
  public var locationsByPath: [String: SourceLocation] {
    var result: [String: SourceLocation] = [:]
    func walk(_ node: SpecNode, _ path: String) {
      for entry in node.entries ?? [] {
        let child = path.isEmpty ? entry.key : "\(path).\(entry.key)"
        result[child] = entry.value.location
        walk(entry.value, child)
      }
    }
    walk(self, "")
    return result
  }

  /// The keys of a mapping node with their locations.
  public var keys: [(key: String, location: SourceLocation)] { (entries ?? []).map { ($0.key, $0.keyLocation) } }
}
