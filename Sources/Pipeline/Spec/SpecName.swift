/// The rule for a spec's `name:`: it becomes a folder name (`results/<name>/`) and a key in
/// the index, so it must be one safe path component on every file system we run on.
///
/// A name is made of ASCII letters, digits, `-`, `_` and `.`, does not start with a dot
/// (so `.`, `..` and hidden names are out) and is at most ``maximumLength`` characters.
///
/// ```swift
/// SpecName.problem("braille-bp_v2")   // nil
/// SpecName.problem("../victim")       // "contains '/', …"
/// ```
public enum SpecName {
  /// Longer names would not fit a file name (255 bytes) once a sweep point's id is appended.
  public static let maximumLength = 128

  /// What is wrong with `name` as a spec name, or nil when it is a valid one.
  public static func problem(_ name: String) -> String? {
    if name.isEmpty { return "the name is empty" }
    if name.utf8.count > maximumLength {
      return "the name has \(name.utf8.count) characters, more than \(maximumLength)"
    }
    for scalar in name.unicodeScalars where !isAllowed(scalar) {
      let shown = scalar.properties.isWhitespace || scalar.value < 0x20
        ? "U+\(String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count)))\(String(scalar.value, radix: 16, uppercase: true))"
        : "'\(scalar)'"
      return "the name contains \(shown); only letters, digits, '-', '_' and '.' are allowed"
    }
    if name.hasPrefix(".") {
      return name == "." || name == ".."
        ? "'\(name)' names a folder relative to another, not a spec"
        : "the name starts with '.', which hides its results folder"
    }
    return nil
  }

  /// A suggested valid name close to `name` (disallowed characters become `-`, leading dots
  /// are dropped), for fix hints.
  public static func suggestion(for name: String) -> String {
    var out = String(String.UnicodeScalarView(name.unicodeScalars.map { isAllowed($0) ? $0 : "-" }))
    while out.hasPrefix(".") || out.hasPrefix("-") { out.removeFirst() }
    if out.utf8.count > maximumLength { out = String(out.utf8.prefix(maximumLength)) ?? "" }
    return out.isEmpty ? "my-experiment" : out
  }

  private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
    default: false
    }
  }
}
