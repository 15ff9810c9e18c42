import Foundation
import Pipeline
import Testing
import ToyStages

@Suite struct StageKeyTests {
  @Test func identitiesAreStableAcrossKeyOrderAndNumberSpelling() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let a = try scratch.write("a.yml", """
      name: k
      dataset: {scale: 1, config: x}
      frames: {bins: 10}
      train: {lr: 1.0e-2, work_ms: 0}
      """)
    let b = try scratch.write("b.yml", """
      train: {work_ms: 0, lr: 0.01}
      frames:
        bins: 10
      dataset: {config: x, scale: 1.0}
      name: k
      """)
    let ga = StageGraph(spec: try loadToy(a), registry: toyRegistry)
    let gb = StageGraph(spec: try loadToy(b), registry: toyRegistry)
    #expect(ga.nodes.map(\.identity) == gb.nodes.map(\.identity))
    #expect(ga.nodes.map(\.label) == gb.nodes.map(\.label))
  }

  @Test func keysAreStableAcrossProcesses() throws {
    // The key is SHA-256 of canonical JSON: a fixed input has a fixed, known key.
    let key = StageKey(kind: "train", version: 1, params: .object(["train": .object(["lr": 0.01]), "seed": 2]),
                       inputDigests: ["bin": "abc"])
    #expect(key.material == #"{"inputs":{"bin":"abc"},"kind":"train","params":{"seed":2,"train":{"lr":0.01}},"version":1}"#)
    #expect(key.hex == Digest.sha256(key.material))
    #expect(key.hex.count == 64)
  }

  @Test func keyChangesWithEveryReadParamAndInputButNotWithUnreadParams() throws {
    let base = StageKey(kind: "train", version: 1, params: .object(["train": .object(["lr": 0.01]), "seed": 2]), inputDigests: ["bin": "a"])
    let lr = StageKey(kind: "train", version: 1, params: .object(["train": .object(["lr": 0.02]), "seed": 2]), inputDigests: ["bin": "a"])
    let seed = StageKey(kind: "train", version: 1, params: .object(["train": .object(["lr": 0.01]), "seed": 3]), inputDigests: ["bin": "a"])
    let input = StageKey(kind: "train", version: 1, params: .object(["train": .object(["lr": 0.01]), "seed": 2]), inputDigests: ["bin": "b"])
    let version = StageKey(kind: "train", version: 2, params: .object(["train": .object(["lr": 0.01]), "seed": 2]), inputDigests: ["bin": "a"])
    #expect(Set([base.hex, lr.hex, seed.hex, input.hex, version.hex]).count == 5)

    // In a graph: the map stage reads hardware.hw only, so changing hardware.vdd leaves it alone.
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    let g1 = StageGraph(spec: try loadToy(path), registry: toyRegistry)
    let g2 = StageGraph(spec: try loadToy(path, set: ["hardware.vdd=0.9"]), registry: toyRegistry)
    let changed = zip(g1.nodes, g2.nodes).filter { $0.identity != $1.identity }.map(\.0.kind)
    #expect(changed == ["energy", "report"])
  }

  @Test func loadAndBinAreSharedAcrossSeedsAndMethods() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", toySpec(configs: 9, seeds: 5))
    let graph = StageGraph(spec: try loadToy(path), registry: toyRegistry)
    #expect(graph.nodes.count == 154)
    let counts = Dictionary(grouping: graph.nodes, by: \.kind).mapValues(\.count)
    #expect(counts == ["load": 9, "bin": 9, "train": 45, "map": 45, "energy": 45, "report": 1])
    #expect(graph.nodes.contains { $0.label == "train dataset=c002/seed=4" })
  }

  @Test func aSpecWithOnlyDatasetAndFramesIsABinningStudy() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let path = try scratch.write("s.yml", "name: b\nseeds: 3\ndataset: {scale: 1}\nframes: {bins: 4}\nsweep: {frames.bins: [4, 8]}\n")
    let graph = StageGraph(spec: try loadToy(path), registry: toyRegistry)
    #expect(graph.nodes.map(\.label) == ["load", "bin bins=4", "bin bins=8", "report"])
  }
}
