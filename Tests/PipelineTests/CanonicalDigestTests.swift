import Testing
@testable import Pipeline

/// The streamed digest of a value's canonical JSON equals the digest of the whole text, for
/// values below and far above the 64 KiB pieces it hashes in (keys depend on it).
@Suite struct CanonicalDigestTests {
  static func value(points: Int) -> SpecValue {
    .object([
      "name": "sweep", "axes": .list(["lr", "seed"]),
      "points": .list((0..<points).map { i in
        .object(["id": .string("lr=\(i)/seed=\(i % 7)"), "config": .object(["lr": .number(Double(i) * 1e-5), "note": "a \"quoted\"\ttab"])])
      }),
    ])
  }

  @Test(arguments: [0, 1, 3_000])
  func streamedDigestEqualsTheDigestOfTheWholeText(points: Int) {
    let v = Self.value(points: points)
    if points == 3_000 { #expect(v.canonicalJSON.utf8.count > 3 * 65_536) }
    #expect(v.canonicalJSONDigest == Digest.sha256(v.canonicalJSON))
  }

  @Test func aGraphIdentityIsItsStageKey() {
    let params = Self.value(points: 2_000)
    let inputs = ["train": String(repeating: "a", count: 64)]
    #expect(StageKey.digest(kind: "report", version: 2, params: params, inputDigests: inputs)
      == StageKey(kind: "report", version: 2, params: params, inputDigests: inputs).hex)
  }
}
