import Foundation
import Testing

/// `sdfa tables`: collects cached reports, says what is missing, and keeps earlier collections.
@Suite(.serialized) struct TablesCommandTests {
  static func spec(_ name: String, method: String) -> String {
    """
    name: \(name)
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 80, test: 40, events_per_sample: 800}
    frames: {T: 4, split_by: number}
    model: {arch: mlp, hidden: [32]}
    train: {method: \(method), epochs: 1, batch_size: 16, optimizer: {type: adam, lr: 1.0e-2}}
    report: {formats: [md]}
    """
  }

  @Test func collectsWhatIsCachedNamesWhatIsMissingAndKeepsEarlierCollections() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec("alpha", method: "bp").utf8), to: "alpha.yml")
    try scratch.write(Array(Self.spec("beta", method: "sdfa").utf8), to: "beta.yml")
    try scratch.write(Array(Self.spec("gamma", method: "sdfa").utf8), to: "gamma.yml")
    let run = try SDFAProcess.run(["run", "alpha.yml", "beta.yml", "-q"], in: scratch.url)
    #expect(run.status == 0, "\(run.err)")

    let all = try SDFAProcess.run(["tables", "alpha.yml", "beta.yml", "gamma.yml", "-o", "tables"], in: scratch.url)
    #expect(all.status == 0, "\(all.err)")
    #expect(all.out.contains("2 of 3 specs collected"), "\(all.out)")
    let readme = scratch.url.appendingPathComponent("tables/README.md")
    var text = try String(contentsOf: readme, encoding: .utf8)
    #expect(text.contains("| alpha | collected") && text.contains("| beta | collected"))
    #expect(text.contains("| gamma | not run yet") && text.contains("sdfa run gamma.yml"), "\(text)")
    #expect(text.contains("## beta") && text.contains("Test accuracy"))
    #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("tables/beta/tables/accuracy.md").path))

    // Collecting one spec again rewrites the README without losing the other's tables.
    let one = try SDFAProcess.run(["tables", "alpha.yml", "-o", "tables"], in: scratch.url)
    #expect(one.status == 0, "\(one.err)")
    #expect(one.out.contains("kept      beta: collected by an earlier call"), "\(one.out)")
    #expect(one.out.contains("1 of 1 specs collected, 1 earlier collection kept"), "\(one.out)")
    text = try String(contentsOf: readme, encoding: .utf8)
    #expect(text.contains("| alpha | collected (report"))
    #expect(text.contains("| beta | collected by an earlier call") && text.contains("## beta"), "\(text)")
    #expect(!text.contains("| gamma |"), "a spec never collected and not named is not listed")
  }
}
