import Foundation
import Testing

/// `sdfa validate` and `sdfa run` on hostile specs: names that are paths, YAML bombs, sweeps
/// and seeds past the point limit, values past their plausible ranges. Each is a located
/// error with rc 2, fast, and touches nothing.
@Suite struct SpecLimitsCommandTests {
  static let dataset = "dataset: {kind: synthetic, like: nmnist, train: 8, test: 4, events_per_sample: 50}\n"

  static func write(_ text: String, to name: String, in scratch: Scratch) throws {
    try scratch.write(Array(text.utf8), to: name)
  }

  @Test(arguments: [#""..""#, "../victim", "report/../../x", ".hidden"])
  func aNameThatIsAPathIsRefusedByValidateAndRun(name: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    // The user's own folders beside the spec, which a linker following the name would delete.
    try scratch.write(Array("keep".utf8), to: "report/keep.txt")
    try scratch.write(Array("keep".utf8), to: "victim/keep.txt")
    try Self.write("name: \(name)\n" + Self.dataset, to: "spec.yml", in: scratch)
    for command in ["validate", "run"] {
      let result = try SDFAProcess.run([command, "spec.yml"], in: scratch.url)
      #expect(result.status == 2, "\(command): \(result.out)\(result.err)")
      #expect(result.err.contains("spec.yml:1:7: error: invalid spec name"), "\(command): \(result.err)")
      #expect(result.err.contains("fix: write name:"), "\(command): \(result.err)")
    }
    #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("report/keep.txt").path))
    #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("victim/keep.txt").path))
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".sdfa").path))
  }

  /// Ten levels of ten aliases: 10^10 values once expanded, from well under 1 KB of text.
  static let billionLaughs: String = {
    var text = "name: bomb\n" + dataset + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...9 {
      text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
    }
    return text
  }()

  @Test func aBillionLaughsFileFailsFastNamingTheAlias() throws {
    #expect(Self.billionLaughs.utf8.count < 1024)
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write(Self.billionLaughs, to: "bomb.yml", in: scratch)
    let started = Date()
    let result = try SDFAProcess.run(["validate", "bomb.yml"], in: scratch.url)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(result.status == 2, "\(result.err)")
    // Copies so far: a1 110, a2 1,110, a3 11,110 values; a4 (line 7) lists ten *a3 of 11,111
    // values each, and its 8th, at column 10 + 7 × 5, passes 100,000.
    #expect(result.err.contains("bomb.yml:7:45: error: alias '*a3'"), "\(result.err)")
  }

  /// The same bomb used as a mapping *key*: the YAML parser hashes keys while it parses
  /// (hours at ten levels), so the key is refused before parsing.
  @Test func aBillionLaughsKeyIsRefusedBeforeParsing() throws {
    let text = Self.billionLaughs + "bad: {? *a9 : 1}\n"
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write(text, to: "keybomb.yml", in: scratch)
    let result = try SDFAProcess.run(["validate", "keybomb.yml"], in: scratch.url)
    #expect(result.status == 2, "\(result.err)")
    #expect(result.err.contains("keybomb.yml:13:9: error: the alias '*a9' is used as a mapping key"), "\(result.err)")
  }

  @Test func duplicateKeysAmongManyAreFoundInLinearTime() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let count = 300_000
    var text = "name: many\n" + Self.dataset + "big:\n"
    for i in 0..<count { text += "  k\(i): \(i)\n" }
    text += "  k7: again\n"
    try Self.write(text, to: "many.yml", in: scratch)
    let started = Date()
    let result = try SDFAProcess.run(["validate", "many.yml"], in: scratch.url)
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(result.status == 2)
    #expect(result.err.contains("duplicate key"), "\(result.err.prefix(400))")
  }

  @Test(arguments: [
    (["validate", "s.yml"], "seeds: 100000000\n", "100000000 points"),
    (["validate", "s.yml", "--seeds", "1000000000"], "", "1000000000 points"),
    (["run", "s.yml", "--seeds", "1000000000"], "", "1000000000 points"),
    (["validate", "s.yml"], "seeds: 1000\nsweep: {frames.T: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105]}\n", "101000 points"),
  ])
  func sweepsAndSeedsPastTheLimitAreCountedNotExpanded(arguments: [String], extra: String, count: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write("name: s\n" + Self.dataset + "frames: {T: 10}\n" + extra, to: "s.yml", in: scratch)
    let result = try SDFAProcess.run(arguments, in: scratch.url)
    #expect(result.status == 2, "\(result.out)\(result.err)")
    #expect(result.err.contains(count) && result.err.contains("more than the limit of 100000"), "\(result.err)")
    #expect(result.err.contains("--max-points"), "\(result.err)")
  }

  @Test func maxPointsRaisesTheLimit() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write("name: s\n" + Self.dataset + "frames: {T: 10}\nseeds: 30\n", to: "s.yml", in: scratch)
    let refused = try SDFAProcess.run(["validate", "s.yml", "--max-points", "20"], in: scratch.url)
    #expect(refused.status == 2 && refused.err.contains("30 points"), "\(refused.err)")
    let accepted = try SDFAProcess.run(["validate", "s.yml", "--max-points", "30"], in: scratch.url)
    #expect(accepted.status == 0, "\(accepted.err)")
  }

  @Test(arguments: [
    ("frames: {T: 1e8}\n", "'frames.T' is 100000000, past its plausible range ≤ 10000", "limits: {frames.T: 100000000}"),
    ("frames: {T: 10}\nmodel: {hidden: [100000000]}\ntrain: {method: bp}\n", "'model.hidden' is 100000000", "limits: {model.hidden: 100000000}"),
    ("frames: {T: 10}\nsweep: {dataset.events_per_sample: [100, 1e10]}\n", "'dataset.events_per_sample' is 10000000000", "limits: {dataset.events_per_sample: 10000000000}"),
  ])
  func valuesPastTheirPlausibleRangeAreRefused(extra: String, message: String, fix: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write("name: big\n" + Self.dataset + extra, to: "big.yml", in: scratch)
    let result = try SDFAProcess.run(["validate", "big.yml"], in: scratch.url)
    #expect(result.status == 2, "\(result.out)\(result.err)")
    #expect(result.err.contains(message) && result.err.contains(fix), "\(result.err)")
  }

  @Test func theLimitsSectionRaisesALimit() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.write("name: big\n" + Self.dataset + "frames: {T: 20000}\nlimits: {frames.T: 20000}\n", to: "big.yml", in: scratch)
    let result = try SDFAProcess.run(["validate", "big.yml"], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    let raisedTooLittle = try SDFAProcess.run(["validate", "big.yml", "--set", "frames.T=30000"], in: scratch.url)
    #expect(raisedTooLittle.status == 2 && raisedTooLittle.err.contains("≤ 20000"), "\(raisedTooLittle.err)")
  }
}
