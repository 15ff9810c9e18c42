import Yams

/// Turns Yams' composed `Node` tree into `SpecNode`s: merge keys applied, `${VAR}`
/// interpolated, duplicate keys reported, aliases copied within a budget.
///
/// Yams composes an alias as the anchored node itself, a shared value, so a 1 KB "billion
/// laughs" file (`a1: [*a0, *a0, …]`, `a2: [*a1, *a1, …]`, …) composes in microseconds and
/// explodes only when its aliases are copied out. Copying here counts every node an alias
/// brings in and stops at ``aliasNodeBudget``, before memory grows, with an error naming the
/// alias and its line. Keys are looked up in hash tables, so a mapping of n keys converts in
/// O(n), duplicates included.
struct SpecNodeConversion {
  /// Nodes that aliases may copy into one file's tree. A spec is a few hundred nodes; a
  /// sweep over shared blocks a few thousand. 100,000 copied nodes stay under ~20 MB.
  static let aliasNodeBudget = 100_000

  let loader: SpecLoader
  let file: String
  let source: [String]
  var errors: [SpecError] = []
  /// Anchors whose definition has been converted: meeting one again is an alias.
  private var defined = Set<ObjectIdentifier>()
  /// Nodes copied through aliases so far.
  private var copied = 0
  /// The outermost alias being copied, with its position (nil outside aliases).
  private var expanding: (name: String, at: SourceLocation)?
  /// The furthest position reached in document order, where the next alias is looked for
  /// (an aliased node carries its anchor's mark, not the alias's).
  private var cursor: SourceLocation

  init(loader: SpecLoader, file: String, source: [String]) {
    self.loader = loader
    self.file = file
    self.source = source
    cursor = SourceLocation(file: file, line: 1, column: 1)
  }

  /// Thrown when aliases would copy more than the budget.
  struct AliasBombError: Error {
    var error: SpecError
  }

  mutating func convert(_ node: Node) throws(AliasBombError) -> SpecNode {
    let anchor = Self.anchor(of: node)
    let isAlias = anchor.map { defined.contains(ObjectIdentifier($0)) } ?? false
    if isAlias, expanding == nil, let anchor {
      let name = anchor.rawValue
      let at = SpecLoader.find("*\(name)", in: source, from: cursor) ?? cursor
      cursor = SourceLocation(file: file, line: at.line, column: at.column + 1)
      expanding = (name, at)
      defer { expanding = nil }
      return try convertBody(node)
    }
    if let anchor { defined.insert(ObjectIdentifier(anchor)) }
    return try convertBody(node)
  }

  private mutating func convertBody(_ node: Node) throws(AliasBombError) -> SpecNode {
    let location = SpecLoader.location(node.mark, file: file)
    if let alias = expanding {
      copied += 1
      if copied > Self.aliasNodeBudget {
        throw AliasBombError(error: SpecError(
          alias.at, "alias '*\(alias.name)' makes the spec copy more than \(Self.aliasNodeBudget) values through aliases (nested aliases multiply: a 'billion laughs' file)",
          hint: "an alias copies its anchor's whole value; write the values out, or nest aliases less"))
      }
    } else if location.line > 0, (location.line, location.column) > (cursor.line, cursor.column) {
      cursor = location
    }
    switch node {
    case .scalar(let scalar):
      let plain = scalar.style == .plain
      var interpolated = false
      let text = loader.interpolate(scalar.string, at: location, errors: &errors, interpolated: &interpolated) { [source] token in
        SpecLoader.find(token, in: source, from: location)
      }
      return SpecNode(.scalar(text, plain: plain), at: location, interpolated: interpolated)
    case .sequence(let sequence):
      var items: [SpecNode] = []
      items.reserveCapacity(sequence.count)
      for item in sequence { items.append(try convert(item)) }
      return SpecNode(.sequence(items), at: location)
    case .mapping(let mapping):
      return try convertMapping(mapping, at: location)
    case .alias(let alias):
      errors.append(SpecError(SpecLoader.location(alias.mark, file: file), "unresolved alias '*\(alias.anchor.rawValue)'"))
      return SpecNode(.scalar("", plain: true), at: location)
    }
  }

  private mutating func convertMapping(_ mapping: Node.Mapping, at location: SourceLocation) throws(AliasBombError) -> SpecNode {
    var entries: [SpecNode.Entry] = []
    var index: [String: Int] = [:]
    var merged: [SpecNode.Entry] = []
    var mergedKeys = Set<String>()
    for (key, value) in mapping {
      let keyLocation = SpecLoader.location(key.mark, file: file)
      if expanding == nil, (keyLocation.line, keyLocation.column) > (cursor.line, cursor.column) { cursor = keyLocation }
      guard case .scalar(let keyScalar) = key else {
        errors.append(SpecError(keyLocation, "mapping keys must be plain names"))
        continue
      }
      if keyScalar.string == "<<" && keyScalar.style == .plain {
        let merges: [Node] = value.sequence.map(Array.init) ?? [value]
        for source in merges {
          guard case .mapping = source else {
            let found = source.scalar.map { " '\($0.string)'" } ?? " a list"
            // An alias resolves to the anchored node, whose mark is the anchor's: point at the '<<' then.
            let here = SpecLoader.location(source.mark, file: file)
            let at = (here.line, here.column) < (keyLocation.line, keyLocation.column) ? keyLocation : here
            errors.append(SpecError(at, "a merge key '<<' takes a mapping or a list of mappings, found\(found)",
                                    hint: "write '<<: *anchor' where '&anchor' names a mapping"))
            continue
          }
          let converted = try convert(source)
          for entry in converted.entries ?? [] where mergedKeys.insert(entry.key).inserted {
            merged.append(entry)
          }
        }
        continue
      }
      if let previous = index[keyScalar.string] {
        errors.append(SpecError(keyLocation, "duplicate key '\(keyScalar.string)' (first at line \(entries[previous].keyLocation.line))",
                                hint: "keep one of the two"))
        continue
      }
      index[keyScalar.string] = entries.count
      entries.append(SpecNode.Entry(key: keyScalar.string, keyLocation: keyLocation, value: try convert(value)))
    }
    let overridden = merged.filter { index[$0.key] == nil }
    return SpecNode(.mapping(overridden + entries), at: location)
  }

  private static func anchor(of node: Node) -> Anchor? {
    switch node {
    case .scalar(let s): s.anchor
    case .mapping(let m): m.anchor
    case .sequence(let s): s.anchor
    case .alias: nil
    }
  }
}
