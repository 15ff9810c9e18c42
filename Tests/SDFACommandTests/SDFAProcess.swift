import Foundation
import TestSupport

/// The built `sdfa` executable, run as a user runs it.
enum SDFAProcess {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `sdfa` next to the test bundle.
  static var executable: URL {
    builtExecutable("sdfa", fallback: packageRoot.appendingPathComponent(".build/debug/sdfa"))
  }

  /// This process's environment without `SDFA_CACHE` (each test has its own cache) and with
  /// `TERM=dumb` (no colours or progress redraws in captured output).
  static var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["SDFA_CACHE"] = nil
    environment["TERM"] = "dumb"
    return environment
  }

  struct Result {
    var status: Int32
    var out: String
    var err: String
    var outBytes: Data
  }

  /// Runs `sdfa arguments` in `directory` to completion, stdout and stderr captured to files
  /// (pipes could fill and block). A `wrapper` (`["/usr/bin/faketime", "-f", "@2020-01-01"]`)
  /// runs sdfa under another tool.
  static func run(_ arguments: [String], in directory: URL, wrapper: [String] = []) throws -> Result {
    let tag = UUID().uuidString
    let stdout = directory.appendingPathComponent(".out-\(tag)"), stderr = directory.appendingPathComponent(".err-\(tag)")
    _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: stdout)
      try? FileManager.default.removeItem(at: stderr)
    }
    let process = Process()
    if let tool = wrapper.first {
      process.executableURL = URL(fileURLWithPath: tool)
      process.arguments = Array(wrapper.dropFirst()) + [executable.path] + arguments
    } else {
      process.executableURL = executable
      process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: stdout)
    process.standardError = try FileHandle(forWritingTo: stderr)
    try process.run()
    process.waitUntilExit()
    let out = try Data(contentsOf: stdout)
    return Result(status: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
                  err: String(decoding: try Data(contentsOf: stderr), as: UTF8.self), outBytes: out)
  }
}

/// A fresh directory under the system's temporary directory.
struct Scratch {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-data-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func write(_ bytes: [UInt8], to relative: String) throws {
    let file = url.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
  }

  func cleanup() { try? FileManager.default.removeItem(at: url) }
}
