import Foundation

/// The technology presets compiled into `sdfa`, so that `technology: rram-32nm` works from any
/// folder, with an installed binary and no checkout. Their text is generated from
/// `experiments/hardware/*.yml` (`make presets`; a test keeps the two identical), so the YAML
/// files, which cite each value's source, stay the one source.
public enum TechnologyPresets {
  /// A technology `sdfa hw --list-technologies` shows: its name and where it comes from.
  public struct Listing: Sendable, Equatable {
    public var name: String
    /// `built in`, or the file that overrides or adds to the built-in ones.
    public var source: String
  }

  /// The built-in presets' names, sorted.
  public static var names: [String] { files.keys.sorted() }

  /// The YAML text of a built-in preset.
  public static func text(_ name: String) -> String? { files[name] }

  /// The text a spec in `folder` gets for `name`: `hardware/NAME.yml` beside it, else the
  /// built-in preset.
  public static func resolvedText(_ name: String, specFolder folder: String) -> (text: String, source: String)? {
    let local = URL(fileURLWithPath: folder).appendingPathComponent("hardware/\(name).yml").path
    if let text = try? String(contentsOfFile: local, encoding: .utf8) { return (text, local) }
    return files[name].map { ($0, "built in") }
  }

  /// The technologies a spec in `folder` can name: the built-in presets, and the files of the
  /// folder's `hardware/` (which override a built-in preset of the same name).
  public static func listing(specFolder folder: String) -> [Listing] {
    let local = URL(fileURLWithPath: folder).appendingPathComponent("hardware")
    var found: [String: String] = Dictionary(uniqueKeysWithValues: names.map { ($0, "built in") })
    let fileNames = (try? FileManager.default.contentsOfDirectory(atPath: local.path)) ?? []
    for file in fileNames where file.hasSuffix(".yml") {
      let name = String(file.dropLast(4))
      let path = local.appendingPathComponent(file).path
      found[name] = found[name] == nil ? path : "\(path) (overrides the built-in one)"
    }
    return found.keys.sorted().map { Listing(name: $0, source: found[$0]!) }
  }
}
