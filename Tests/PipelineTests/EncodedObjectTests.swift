import Testing
@testable import Pipeline

/// An object encoded once and written again with an entry replaced or added gives exactly the
/// canonical JSON of the object so changed (the stage graph's identities are built from such
/// writes, and cache keys must not move by a byte).
@Suite struct EncodedObjectTests {
  /// Keys whose UTF-8 order differs from other orders: upper case before lower, `.` and `_`,
  /// the empty key, a prefix of another key, escapes, and non-ASCII (`é` after `z`).
  static let object: SpecValue = .object([
    "seed": 3, "train": .object(["lr": 0.001, "epochs": 5, "optimizer": .object(["type": "adam"])]),
    "Zeta": .list([1, "two", .null, true]), "a.b": "dotted", "a": .object([:]), "": "empty",
    "é": "accent", "z": 1.5e-7, "quote\"tab\t": "line\nbreak", "ab": .list([.object(["y": 1, "x": 2])]),
  ])

  static func bytes(_ encoded: EncodedObject) -> String {
    var out: [UInt8] = []
    encoded.write(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  @Test func anEncodedObjectWritesItsCanonicalJSON() {
    #expect(Self.bytes(EncodedObject(Self.object)) == Self.object.canonicalJSON)
    #expect(Self.bytes(EncodedObject(.object([:]))) == "{}")
    #expect(Self.bytes(EncodedObject()) == "{}")
  }

  @Test(arguments: ["seed", "", "b", "zz", "Z", "a", "a.c", "é", "0"])
  func settingAnEntryGivesTheCanonicalJSONOfTheChangedObject(_ key: String) {
    let value: SpecValue = .object(["k": .list([7, "v"])])
    var encoded = EncodedObject(Self.object)
    encoded.set(key, to: value)
    guard case .object(var fields) = Self.object else { return }
    fields[key] = value
    #expect(Self.bytes(encoded) == SpecValue.object(fields).canonicalJSON)
  }

  @Test(arguments: ["points", "", "A", "zzz", "ab0", "a"])
  func aStreamedEntryLandsInCanonicalOrder(_ key: String) {
    guard case .object(var fields) = Self.object else { return }
    fields.removeValue(forKey: key)
    let value: SpecValue = .list([.object(["id": "p=1/seed=0"]), 2])
    var out: [UInt8] = []
    EncodedObject(.object(fields)).write(to: &out, with: key) { SpecValue.write(value, to: &$0) }
    fields[key] = value
    #expect(String(decoding: out, as: UTF8.self) == SpecValue.object(fields).canonicalJSON)
    var lone: [UInt8] = []
    EncodedObject().write(to: &lone, with: key) { SpecValue.write(value, to: &$0) }
    #expect(String(decoding: lone, as: UTF8.self) == SpecValue.object([key: value]).canonicalJSON)
  }
}
