import Foundation
import Pipeline

/// Renders the report's SVG figures to PDF and PNG with `rsvg-convert` (librsvg and cairo,
/// Debian package `librsvg2-bin`) where it is installed. Without it the report keeps its SVGs
/// and says so.
///
/// cairo stamps a PDF with its creation date unless `SOURCE_DATE_EPOCH` is set; it is set to 0
/// here so that a figure's bytes, like the rest of the artifact, depend only on its key.
struct FigureRenderer {
  let executable: URL
  /// `rsvg-convert 2.54.5`: what the report names as its renderer.
  let version: String

  /// The first `rsvg-convert` on `PATH`, or nil.
  static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> FigureRenderer? {
    for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let url = URL(fileURLWithPath: String(directory)).appendingPathComponent("rsvg-convert")
      guard FileManager.default.isExecutableFile(atPath: url.path) else { continue }
      let version = (try? run(url, ["--version"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
      return FigureRenderer(executable: url, version: version.flatMap { $0.isEmpty ? nil : $0 } ?? "rsvg-convert")
    }
    return nil
  }

  /// Writes `<stem>.<format>` beside `svg` (`pdf`, or `png` at 2× for screens).
  func render(_ svg: URL, to format: String) throws {
    let output = svg.deletingPathExtension().appendingPathExtension(format)
    var arguments = ["--format", format, "--output", output.path]
    if format == "png" { arguments += ["--zoom", "2"] }
    do {
      _ = try Self.run(executable, arguments + [svg.path])
    } catch {
      throw StageFailure("rendering \(svg.lastPathComponent) to \(format) with \(executable.path) failed: \(error)")
    }
  }

  /// Runs a tool to completion and returns its standard output; throws on a non-zero exit.
  static func run(_ executable: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SOURCE_DATE_EPOCH"] = "0"
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Small outputs (a version line, a warning): read after exit without risk of blocking.
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let message = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw StageFailure("exit status \(process.terminationStatus): \(String(decoding: message, as: UTF8.self).prefix(400))")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
