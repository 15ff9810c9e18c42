import Foundation
import Testing

/// Execution settings never enter a key: `--set train.threads=4` on a cached spec is still
/// cached for `sdfa status` and runs nothing in `sdfa run`, while a param the train stage
/// reads (`train.epochs`) does make it stale.
@Suite(.serialized) struct ExecutionSettingsTests {
  static let spec = """
    name: threads
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 48, test: 16, events_per_sample: 200}
    frames: {T: 3, split_by: number}
    model: {arch: mlp, hidden: [16]}
    train: {method: sdfa, epochs: 1, batch_size: 16, threads: 1}
    """

  @Test func changingTrainThreadsKeepsEverythingCached() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec.utf8), to: "spec.yml")
    let first = try SDFAProcess.run(["run", "spec.yml", "-q"], in: scratch.url)
    #expect(first.status == 0, "\(first.err)")

    let status = try SDFAProcess.run(["status", "spec.yml", "--set", "train.threads=4", "--all", "--exit-code"], in: scratch.url)
    #expect(status.status == 0, "\(status.out)\(status.err)")
    #expect(status.out.contains("cached   train seed=0"))
    let lines = status.out.split(separator: "\n")
    #expect(!lines.contains { $0.hasPrefix("  stale ") || $0.hasPrefix("  missing ") || $0.hasPrefix("  pending ") })

    let rerun = try SDFAProcess.run(["run", "spec.yml", "--set", "train.threads=4", "--json"], in: scratch.url)
    #expect(rerun.status == 0, "\(rerun.err)")
    #expect(rerun.out.contains(#""ran":0"#), "\(rerun.out)")

    // A leaf the train stage reads does move its key: the check above could fail.
    let epochs = try SDFAProcess.run(["status", "spec.yml", "--set", "train.epochs=2", "--exit-code"], in: scratch.url)
    #expect(epochs.status == 1)
    #expect(epochs.out.contains("stale    train seed=0: train.epochs: 1 → 2"), "\(epochs.out)")
  }
}
