/// Where a value came from: a spec file position, or the command line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file as the user named it (relative paths stay relative), or `<command line>`.
  public var file: String
  /// 1-based line and column; 0 when unknown.
  public var line: Int
  public var column: Int

  public init(file: String, line: Int = 0, column: Int = 0) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    line > 0 ? "\(file):\(line):\(column)" : file
  }
}

/// A problem with a spec: what is wrong, where, and how to fix it.
///
/// Renders like a compiler diagnostic:
/// `spec.yml:12:7: error: unknown key 'epoch' in 'train'; did you mean 'epochs'?`
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
  public var location: SourceLocation
  public var message: String
  /// A suggestion for the fix, printed on its own line.
  public var hint: String?

  public init(_ location: SourceLocation, _ message: String, hint: String? = nil) {
    self.location = location
    self.message = message
    self.hint = hint
  }

  public var description: String {
    var text = "\(location): error: \(message)"
    if let hint { text += "\n  fix: \(hint)" }
    return text
  }
}

/// One or more spec problems, reported together so a user fixes them in one pass.
public struct SpecErrors: Error, Sendable, CustomStringConvertible {
  public var errors: [SpecError]

  public init(_ errors: [SpecError]) { self.errors = errors }

  public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// The nearest candidate to `word` by edit distance, if it is close enough to be a likely typo.
public func nearest(_ word: String, in candidates: some Sequence<String>) -> String? {
  let lowered = word.lowercased()
  var best: (String, Int)?
  for candidate in candidates {
    let d = editDistance(lowered, candidate.lowercased())
    if best == nil || d < best!.1 { best = (candidate, d) }
  }
  guard let (candidate, distance) = best else { return nil }
  let limit = max(1, min(3, candidate.count / 3 + 1))
  return distance <= limit ? candidate : nil
}

/// Levenshtein distance with transpositions counted as one edit (optimal string alignment).
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
  for i in 0...x.count { d[i][0] = i }
  for j in 0...y.count { d[0][j] = j }
  for i in 1...x.count {
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
        d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
      }
    }
  }
  return d[x.count][y.count]
}
