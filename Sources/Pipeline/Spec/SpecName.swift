import Foundation

/// The rule for a spec's `name:`. The name becomes a folder (`results/<name>/`) and a key in
/// the cache's index, so it must be one plain path component: letters, digits, `-`, `_` and
/// `.`, not starting with a dot (no `..`, no hidden folder, no `/`).
public enum SpecName {
  /// Why `name` cannot be a spec name, or nil when it can.
  public static func problem(_ name: String) -> String? {
    if name.isEmpty { return "a spec name cannot be empty" }
    if name.hasPrefix(".") { return "a spec name cannot start with a dot ('\(name)' would name a hidden or parent folder)" }
    if name.contains("/") { return "a spec name cannot contain '/' ('\(name)' would name a folder path)" }
    let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    if let bad = name.unicodeScalars.first(where: { !allowed.contains($0) }) {
      return "a spec name may hold only letters, digits, '-', '_' and '.'; '\(name)' has '\(Character(bad))'"
    }
    return nil
  }
}
