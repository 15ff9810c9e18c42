import Foundation
import Testing
@testable import Events

/// Real files shared by the team; tests that need them skip with a visible message when absent.
enum RealData {
  /// `SDFA_REALDATA`, else `../shared/realdata` beside the checkout (where the team and CI keep it).
  static let root = ProcessInfo.processInfo.environment["SDFA_REALDATA"].map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("../shared/realdata").standardized
  static let nmnistSample = root.appendingPathComponent("nmnist/sample_nmnist.bin")
  static let braille = root.appendingPathComponent("braille/tutorial5_braille_spiking_data.pkl.gz")

  static func available(_ url: URL) -> Bool {
    if FileManager.default.fileExists(atPath: url.path) { return true }
    print("SKIPPED: real data file \(url.path) not present (set SDFA_REALDATA)")
    return false
  }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct Scratch {
  let url: URL
  init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-events-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  func file(_ name: String) -> URL { url.appendingPathComponent(name) }
  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

func readBytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
