import Foundation

/// Finds an alias used as a mapping key (`*a: 1`, `? *a`, `{*a: 1}`) in YAML text before the
/// YAML parser sees it.
///
/// Why before: Yams checks a mapping for duplicate keys while it composes the document, by
/// hashing every key node, and an alias composes as its anchored node itself. A key that is
/// an alias of a nested "billion laughs" value is therefore walked in full (10× longer per
/// level: 2 s at six levels, hours at ten) before ``SpecNodeConversion``'s alias budget can
/// count anything. Spec keys are field names, so no spec needs an alias as a key: refusing it
/// is cheap and loses nothing.
///
/// The scan is lexical: it skips comments, quoted scalars (which may span lines) and block
/// scalars (`|`, `>`), and reads alias names as libyaml does (letters, digits, `-`, `_`).
enum AliasKeyScan {
  /// An alias in key position: its name and 1-based line and column.
  struct Hit: Equatable {
    var name: String
    var line: Int
    var column: Int
  }

  /// The first alias used as a mapping key in `text`, or nil.
  static func firstAliasKey(in text: String) -> Hit? {
    var quote: Character?  // the open quoted scalar's quote, across lines
    var blockIndent: Int?  // indentation of the line that opened a block scalar
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let chars = Array(line.hasSuffix("\r") ? line.dropLast() : line)
      let indent = chars.prefix { $0 == " " }.count
      if let open = blockIndent {
        if indent == chars.count || indent > open { continue }  // blank or inside the block scalar
        blockIndent = nil
      }
      var tokens: [Character] = []  // the line's text outside quotes and comments, quotes as `"`
      var i = 0
      while i < chars.count {
        let c = chars[i]
        if let q = quote {
          if q == "\"", c == "\\" { i += 2; continue }
          if c == q {
            if q == "'", i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }
            quote = nil
            tokens.append("\"")
          }
          i += 1
          continue
        }
        if c == "#", i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t" { break }
        if c == "\"" || c == "'", i == 0 || " \t[{,".contains(chars[i - 1]) {
          quote = c
          i += 1
          continue
        }
        if c == "*", i == 0 || " \t[{,?".contains(chars[i - 1]) {
          let name = chars[(i + 1)...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
          if !name.isEmpty, isKey(after: chars, from: i + 1 + name.count) || isExplicitKey(before: tokens) {
            return Hit(name: String(name), line: index + 1, column: i + 1)
          }
        }
        tokens.append(c)
        i += 1
      }
      if quote == nil, opensBlockScalar(tokens) { blockIndent = indent }
    }
    return nil
  }

  /// Whether `:` follows (after spaces) and is a key indicator: followed by a space, the end
  /// of the line or a flow indicator.
  private static func isKey(after chars: [Character], from start: Int) -> Bool {
    var j = start
    while j < chars.count, chars[j] == " " { j += 1 }
    guard j < chars.count, chars[j] == ":" else { return false }
    return j + 1 == chars.count || " \t,]}".contains(chars[j + 1])
  }

  /// Whether the line so far ends with an explicit key indicator: a `?` at the start, or
  /// after a space or a flow indicator.
  private static func isExplicitKey(before tokens: [Character]) -> Bool {
    let text = tokens.reversed().drop { $0 == " " || $0 == "\t" }
    guard text.first == "?" else { return false }
    return text.dropFirst().first.map { " \t{[,".contains($0) } ?? true
  }

  /// Whether the line ends with a block scalar indicator (`|`, `>`, with `+`, `-` or a digit).
  private static func opensBlockScalar(_ tokens: [Character]) -> Bool {
    let text = String(tokens).trimmingCharacters(in: .whitespaces)
    guard let last = text.split(separator: " ").last, let first = last.first, first == "|" || first == ">" else {
      return false
    }
    return last.dropFirst().allSatisfy { $0 == "+" || $0 == "-" || $0.isNumber }
  }
}
