import Foundation
import Pipeline

/// Relative paths written in a spec file (`hardware.technology`) resolve against the folder of
/// the file that wrote them (the spec, or the included file), never the current folder, as
/// `include:` does: `sdfa run studies/a/spec.yml` and `cd studies/a && sdfa run spec.yml` read
/// the same files. A `--set` value was typed in the shell: it is relative to the current folder.
enum SpecPaths {
  /// The folder a value at `location` is relative to.
  static func folder(of location: SourceLocation, specFile: String) -> URL {
    if location.file.hasPrefix("--set") { return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL }
    var isDirectory: ObjCBool = false
    let file = FileManager.default.fileExists(atPath: location.file, isDirectory: &isDirectory) && !isDirectory.boolValue
      ? location.file : specFile
    return URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL
  }

  /// `path` made absolute against the folder of the file that wrote it.
  static func resolve(_ path: String, at location: SourceLocation, specFile: String) -> String {
    if path.hasPrefix("/") { return path }
    if path.hasPrefix("~/") { return (path as NSString).expandingTildeInPath }
    return folder(of: location, specFile: specFile).appendingPathComponent(path).standardizedFileURL.path
  }
}
