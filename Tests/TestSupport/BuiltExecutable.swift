import Foundation

/// An executable product of this package, found beside the test bundle (where `swift build`
/// puts every product), or at `fallback` (relative to the current folder, as `swift test`
/// runs in the package root) when the bundle was moved.
public func builtExecutable(_ name: String, fallback: URL? = nil) -> URL {
  let candidates = [
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
    Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
  ]
  for directory in candidates {
    let url = directory.appendingPathComponent(name)
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
  }
  return fallback ?? URL(fileURLWithPath: ".build/debug/\(name)")
}
