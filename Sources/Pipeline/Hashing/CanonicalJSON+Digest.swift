import Crypto

extension SpecValue {
  /// `Digest.sha256(canonicalJSON)`, streamed: the JSON passes through the hash in 64 KiB
  /// pieces and is never held whole. A per-spec stage's key covers every sweep point's
  /// configuration (hundreds of MB of JSON at 100,000 points), which as one string, then its
  /// `Data` copy, took several times that in memory.
  public var canonicalJSONDigest: String {
    var hasher = SHA256()
    var out: [UInt8] = []
    out.reserveCapacity(1 << 17)
    SpecValue.write(self, to: &out) { buffer in
      hasher.update(data: buffer)
      buffer.removeAll(keepingCapacity: true)
    }
    hasher.update(data: out)
    return Digest.hex(hasher.finalize())
  }
}
