import Foundation
import Pipeline

/// Where a command's cache and `results/` are, found as git and DVC find a repository: the
/// nearest folder, from the spec's folder or the current one upwards, that holds a `.sdfa/`
/// cache (`sdfa init` makes one). `--cache` and `SDFA_CACHE` override the cache; outside any
/// project, both live in the current folder, as before projects existed.
public struct Project: Sendable, Equatable {
  /// The cache folder's name at a project's root.
  public static let cacheName = ".sdfa"

  /// The project's root folder; nil outside any project.
  public var root: URL?
  /// The cache directory, and how to show it to the user (as named, or relative to the
  /// current folder).
  public var cache: URL
  public var cacheDisplay: String
  /// Where `sdfa run` links outputs (`<root>/results`).
  public var results: URL
  public var resultsDisplay: String

  /// The nearest folder at or above `folder` holding a `.sdfa/` directory.
  public static func root(above folder: URL) -> URL? {
    var current = URL(fileURLWithPath: folder.path).standardizedFileURL
    while true {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: current.appendingPathComponent(cacheName).path, isDirectory: &isDirectory),
         isDirectory.boolValue {
        return current
      }
      let parent = current.deletingLastPathComponent().standardizedFileURL
      if parent.path == current.path { return nil }
      current = parent
    }
  }

  /// The project of a command that reads `specs`: the spec's project first (a spec belongs
  /// to the project that holds it), else the current folder's.
  public static func locate(
    specs: [String], cache: String?, results: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  ) -> Project {
    /// An absolute URL: `path` relative to the current folder.
    func absolute(_ path: String) -> URL {
      URL(fileURLWithPath: URL(fileURLWithPath: path, relativeTo: currentDirectory).path).standardizedFileURL
    }
    let here = absolute(".")
    let folders = specs.prefix(1).map { absolute($0).deletingLastPathComponent() }
    let root = (folders + [here]).lazy.compactMap { Self.root(above: $0) }.first
    let base = root ?? here
    func display(_ url: URL) -> String { Self.display(url, from: here) }
    let named = cache ?? environment["SDFA_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
    let cacheURL = named.map(absolute) ?? base.appendingPathComponent(cacheName)
    let resultsURL = results.map(absolute) ?? base.appendingPathComponent("results")
    return Project(root: root, cache: cacheURL, cacheDisplay: named ?? display(cacheURL),
                   results: resultsURL, resultsDisplay: results ?? display(resultsURL))
  }

  /// `url` relative to `folder` when below it (`.sdfa`, `results`), else `../…` up to two
  /// levels, else absolute: what a user types.
  static func display(_ url: URL, from folder: URL) -> String {
    let target = url.standardizedFileURL.pathComponents, here = folder.standardizedFileURL.pathComponents
    let common = zip(target, here).prefix { $0 == $1 }.count
    let ups = here.count - common
    guard common > 1 || here.count == 1, ups <= 2 else { return url.standardizedFileURL.path }
    let parts = Array(repeating: "..", count: ups) + target[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }
}
