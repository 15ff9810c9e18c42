import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny N-MNIST tree (`Train/<digit>/NNN.bin`, `Test/<digit>/NNN.bin`: 2 classes, 3
/// recordings per class and split, 60 ATIS events each), written from a fixed LCG so that
/// every call gives the same bytes.
enum MiniNMNIST {
  static let files = 12

  static func write(at root: URL) throws {
    var state: UInt64 = 0x5DFA
    func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 33
    }
    for split in ["Train", "Test"] {
      for digit in 0..<2 {
        let folder = root.appendingPathComponent("\(split)/\(digit)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for n in 0..<3 {
          try Data(recording(events: 60, next)).write(to: folder.appendingPathComponent(String(format: "%03d.bin", n)))
        }
      }
    }
  }

  /// 5-byte records `x, y, p|t[22:16], t[15:8], t[7:0]` with increasing times.
  static func recording(events: Int, _ next: () -> UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    var t: UInt64 = 0
    for _ in 0..<events {
      t += 1 + next() % 500
      let p: UInt64 = next() % 2
      bytes += [UInt8(next() % 34), UInt8(next() % 34), UInt8((p << 7) | ((t >> 16) & 0x7F)), UInt8((t >> 8) & 0xFF), UInt8(t & 0xFF)]
    }
    return bytes
  }

  /// A file's size, modification and change times, to the nanosecond.
  static func stat(_ path: String) -> (size: Int64, modified: timespec, changed: timespec) {
    var s = StatBuffer()
    _ = statFile(path, &s)
    #if canImport(Darwin)
    return (Int64(s.st_size), s.st_mtimespec, s.st_ctimespec)
    #else
    return (Int64(s.st_size), s.st_mtim, s.st_ctim)
    #endif
  }

  /// Rewrites `path` with other bytes of the same size, then sets its modification time back
  /// to what it was (`touch -d` with the old time, to the nanosecond): only the change time,
  /// which no user call can set, still tells.
  static func rewriteKeepingSizeAndModificationTime(_ path: String) throws {
    let before = stat(path)
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    for i in stride(from: 0, to: bytes.count, by: 5) { bytes[i] = UInt8((Int(bytes[i]) + 1) % 34) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    var times = [before.modified, before.modified]
    guard utimensat(AT_FDCWD, path, &times, 0) == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
  }
}

#if canImport(Darwin)
typealias StatBuffer = Darwin.stat
private func statFile(_ path: String, _ s: inout Darwin.stat) -> Int32 { stat(path, &s) }
#else
typealias StatBuffer = Glibc.stat
private func statFile(_ path: String, _ s: inout Glibc.stat) -> Int32 { stat(path, &s) }
#endif
