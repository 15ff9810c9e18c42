import Foundation
import Pipeline
import Testing
import ToyStages

/// `--only`, `--until`, `--point` and `status --exit-code` on the toy pipeline (3 sweep points
/// with their own load and bin, 2 seeds of train → map → energy each, one report).
@Suite struct PartialRunTests {
  static func graph(_ scratch: Scratch) throws -> StageGraph {
    let path = try scratch.write("s.yml", toySpec(configs: 3, seeds: 2))
    return StageGraph(spec: try loadToy(path), registry: toyRegistry)
  }

  static func kinds(_ graph: StageGraph) -> [String: Int] {
    Dictionary(grouping: graph.nodes, by: \.kind).mapValues(\.count)
  }

  @Test func onlyRunsTheMatchingStagesAndWhatTheyNeed() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let full = try Self.graph(scratch)
    let partial = try full.selecting(StageSelection(only: ["train*"]))
    #expect(Self.kinds(partial) == ["load": 3, "bin": 3, "train": 6])
    let runner = try Runner(cache: scratch.cache, registry: toyRegistry)
    let summary = runner.run(partial, options: RunOptions(jobs: 2))
    #expect(summary.succeeded)
    #expect(Set(ranLabels(summary)) == Set(full.nodes.filter { ["load", "bin", "train"].contains($0.kind) }.map(\.label)))
    // The full run then reuses all of them and runs only the rest.
    let rest = runner.run(full, options: RunOptions(jobs: 2))
    #expect(rest.cachedCount == 12)
    #expect(rest.ranCount == full.nodes.count - 12)
  }

  @Test func onlyWithSeveralPatternsTakesTheirUnion() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let partial = try Self.graph(scratch).selecting(StageSelection(only: ["energy dataset=c000/seed=1", "bin dataset=c002"]))
    #expect(Set(partial.nodes.map(\.label)) == [
      "load dataset=c000", "bin dataset=c000", "load dataset=c002", "bin dataset=c002",
      "train dataset=c000/seed=1", "map dataset=c000/seed=1", "energy dataset=c000/seed=1",
    ])
    #expect(partial.nodes.count == 7)
  }

  @Test func untilStopsAfterAKindAndKeepsEverythingUpstream() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let partial = try Self.graph(scratch).selecting(StageSelection(until: ["map"]))
    #expect(Self.kinds(partial) == ["load": 3, "bin": 3, "train": 6, "map": 6])
    // Inputs point into the new numbering: every producer comes before its consumer.
    for node in partial.nodes { for p in node.inputs.values { #expect(p < node.index) } }
    let summary = try Runner(cache: scratch.cache, registry: toyRegistry).run(partial, options: RunOptions(jobs: 2))
    #expect(summary.succeeded && summary.ranCount == 18)
  }

  @Test func pointSelectsTheMatchingSweepPointsAndCombinesWithUntil() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let full = try Self.graph(scratch)
    let one = try full.selecting(StageSelection(points: ["dataset=c001/*"]))
    #expect(Self.kinds(one) == ["load": 1, "bin": 1, "train": 2, "map": 2, "energy": 2])
    #expect(one.nodes.allSatisfy { $0.label.contains("dataset=c001") })
    let both = try full.selecting(StageSelection(until: ["train"], points: ["dataset=c001/*"]))
    #expect(both.nodes.map(\.label) == ["load dataset=c001", "bin dataset=c001", "train dataset=c001/seed=0", "train dataset=c001/seed=1"])
    let seedOne = try full.selecting(StageSelection(only: ["map*"], points: ["*/seed=1"]))
    #expect(seedOne.nodes.filter { $0.kind == "map" }.map(\.label) == ["map dataset=c000/seed=1", "map dataset=c001/seed=1", "map dataset=c002/seed=1"])
  }

  @Test func aSelectionThatNamesNothingIsAnErrorListingWhatExists() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let graph = try Self.graph(scratch)
    func message(_ selection: StageSelection) -> String {
      do {
        _ = try graph.selecting(selection)
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    let only = message(StageSelection(only: ["trian*"]))
    #expect(only.contains("--only 'trian*' matches no stage"))
    #expect(only.contains("load dataset=c000, bin dataset=c000"))
    #expect(only.contains("(\(graph.nodes.count) in all)"))
    #expect(message(StageSelection(until: ["mapp"])).contains("'mapp' is not a stage kind; kinds: load, bin, train, map, energy, report"))
    let point = message(StageSelection(points: ["method=*"]))
    #expect(point.contains("matches no sweep point") && point.contains("dataset=c000/seed=0"))
    #expect(message(StageSelection(only: ["report"], points: ["dataset=c000/*"])).contains("select no stage"))
  }

  @Test func statusExitCodeIsNonZeroWhileAnythingWouldRun() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 2, seeds: 1))
    #expect(try ToyProcess.run(["status", "s.yml", "--exit-code"], in: scratch.url).status == 1)
    #expect(try ToyProcess.run(["status", "s.yml"], in: scratch.url).status == 0)
    let partial = try ToyProcess.run(["run", "s.yml", "-q", "--json", "--until", "train"], in: scratch.url)
    #expect(partial.status == 0, "\(partial.err)")
    #expect(partial.out.contains(#""ran":6"#))
    #expect(try ToyProcess.run(["status", "s.yml", "--exit-code", "--until", "train"], in: scratch.url).status == 0)
    #expect(try ToyProcess.run(["status", "s.yml", "--exit-code"], in: scratch.url).status == 1)
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    #expect(try ToyProcess.run(["status", "s.yml", "--exit-code"], in: scratch.url).status == 0)
    let wrong = try ToyProcess.run(["run", "s.yml", "--only", "nothing*"], in: scratch.url)
    #expect(wrong.status == 2)
    #expect(wrong.err.contains("--only 'nothing*' matches no stage of 'toy'; stages: load dataset=c000"))
  }
}
