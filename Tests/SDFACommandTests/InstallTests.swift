import Foundation
import Testing

/// The install story of docs/project.md, end to end: `Tests/install/check.sh` with the built
/// `sdfa` (installed by `make install SDFA_BINARY=…`, so the test does not rebuild in release).
@Suite struct InstallTests {
  static func has(_ tool: String) -> Bool {
    ["/usr/bin", "/bin", "/usr/local/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
  }

  /// The script lists trees with GNU find's -printf and drives make and python3.
  static let canRun = has("make") && has("python3") && has("find") && {
    #if os(Linux)
      true
    #else
      false
    #endif
  }()

  @Test(.enabled(if: canRun, "needs make, python3 and GNU find (Linux): the install check was not run"))
  func installedSdfaWorksInAProjectOutsideTheCheckout() throws {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-install-check-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", SDFAProcess.packageRoot.appendingPathComponent("Tests/install/check.sh").path, SDFAProcess.executable.path]
    var environment = ProcessInfo.processInfo.environment
    environment["TERM"] = "dumb"
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: log)
    process.standardError = process.standardOutput
    try process.run()
    process.waitUntilExit()
    let output = try String(contentsOf: log, encoding: .utf8)
    #expect(process.terminationStatus == 0, "\(output.suffix(4000))")
    #expect(output.contains("install check passed"))
  }
}
