import Crypto
import Foundation

/// SHA-256 content digests, as lowercase hex.
public enum Digest {
  public static func sha256(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

  public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

  /// Streams a file through SHA-256 in 1 MiB chunks; returns the digest and the byte count.
  public static func sha256(file url: URL) throws -> (digest: String, size: Int) {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    var size = 0
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      hasher.update(data: chunk)
      size += chunk.count
    }
    return (hex(hasher.finalize()), size)
  }

  static func hex(_ digest: some Sequence<UInt8>) -> String {
    let table = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64)
    for b in digest {
      bytes.append(table[Int(b >> 4)])
      bytes.append(table[Int(b & 15)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
