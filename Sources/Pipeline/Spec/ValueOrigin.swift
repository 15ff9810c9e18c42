import Foundation

/// Where a spec value came from: the position that wrote it, and whether `${VAR}`
/// interpolation built it. It decides what a relative path in the value is relative to.
///
/// The rule, for every path-valued key (`include:`, `dataset.root`, `hardware.technology`,
/// `executor.sdfa`):
/// - a path written literally in a file is relative to the folder of **that file** (the spec,
///   or the included file that wrote it), as `include:` is: `sdfa run studies/a/spec.yml` and
///   `cd studies/a && sdfa run spec.yml` read the same files;
/// - a value built by `${VAR}` or `${VAR:-default}` is the shell's: the variable was set in a
///   shell (`SDFA_DATA=../data sdfa run …`), so a relative result is relative to the
///   **current folder**, as the shell would take it;
/// - a value given with `--set` was typed in the shell too: relative to the current folder;
/// - `/…` stays as it is; `~` and `~/…` are the home folder.
public struct ValueOrigin: Sendable, Hashable {
  public var location: SourceLocation
  /// True when `${…}` interpolation produced (part of) the value's text.
  public var interpolated: Bool

  public init(location: SourceLocation, interpolated: Bool = false) {
    self.location = location
    self.interpolated = interpolated
  }

  /// The origin of a loaded node's value.
  public init(_ node: SpecNode) {
    self.init(location: node.location, interpolated: node.interpolated)
  }

  /// True for a value given on the command line (`--set path=value`).
  var isCommandLine: Bool { location.file.hasPrefix("--set") }

  /// The folder a relative path in this value is relative to, and why, in words.
  /// `specFile` stands in for a position that is no file on disk (an imported reference config).
  public func base(specFile: String) -> (folder: URL, reason: String) {
    let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
    if interpolated {
      return (current, "relative to the current folder, as it was built from ${…}, a variable set in the shell")
    }
    if isCommandLine { return (current, "relative to the current folder, as it was given with --set") }
    var isDirectory: ObjCBool = false
    let file = FileManager.default.fileExists(atPath: location.file, isDirectory: &isDirectory) && !isDirectory.boolValue
      ? location.file : specFile
    return (URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL,
            "relative to the folder of \(file), the file that wrote it")
  }

  /// `written` made absolute by the rule above.
  public func resolve(_ written: String, specFile: String) -> ResolvedPath {
    if written.hasPrefix("/") {
      return ResolvedPath(written: written, path: URL(fileURLWithPath: written).standardizedFileURL.path, reason: "an absolute path", origin: self)
    }
    if written == "~" || written.hasPrefix("~/") {
      let home = FileManager.default.homeDirectoryForCurrentUser.path
      let path = URL(fileURLWithPath: home + written.dropFirst()).standardizedFileURL.path
      return ResolvedPath(written: written, path: path, reason: "'~' is the home folder", origin: self)
    }
    let (folder, reason) = base(specFile: specFile)
    return ResolvedPath(written: written, path: folder.appendingPathComponent(written).standardizedFileURL.path,
                        reason: reason, origin: self)
  }
}

/// A path value as written in a spec and the absolute path it names, with the reason, for
/// messages such as "dataset folder '/w/exp/data/nmnist' does not exist ('data/nmnist' at
/// exp/spec.yml:4:9, relative to the folder of exp/spec.yml, the file that wrote it)".
public struct ResolvedPath: Sendable, Hashable, CustomStringConvertible {
  public var written: String
  /// Absolute and standardized (no `.` or `..` components).
  public var path: String
  /// Why `written` means `path`.
  public var reason: String
  public var origin: ValueOrigin

  /// Where the value was written and how it was resolved (without `path` itself).
  public var description: String {
    "'\(written)' " + (origin.isCommandLine ? "(--set)" : "at \(origin.location)") + ", \(reason)"
  }
}
