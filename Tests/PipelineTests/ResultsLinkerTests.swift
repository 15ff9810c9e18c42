import Foundation
import Pipeline
import Testing
import ToyStages

/// Issue 13, case 1: a spec's name never lets the linker touch what it did not make.
@Suite(.serialized) struct ResultsLinkerTests {
  @Test(arguments: ["..", "../victim", ".hidden", "a/b"])
  func aNameThatIsAPathDeletesNothingOfTheUser(name: String) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    // The user's own folders next to the results folder, named like the spec's stages.
    let work = scratch.url.appendingPathComponent("work")
    for folder in ["report", "train", "victim/report"] {
      try FileManager.default.createDirectory(at: work.appendingPathComponent(folder), withIntermediateDirectories: true)
      try Data("mine\n".utf8).write(to: work.appendingPathComponent("\(folder)/notes.txt"))
    }
    let spec = toySpec(configs: 1, seeds: 1).replacingOccurrences(of: "name: toy", with: "name: \"\(name)\"")
    try spec.write(to: work.appendingPathComponent("s.yml"), atomically: true, encoding: .utf8)
    _ = try ToyProcess.run(["run", "s.yml", "-q"], in: work)
    for folder in ["report", "train", "victim/report"] {
      #expect(try String(contentsOf: work.appendingPathComponent("\(folder)/notes.txt"), encoding: .utf8) == "mine\n",
              "the user's \(folder)/notes.txt was touched for name '\(name)'")
    }
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("report").path, isDirectory: &isDirectory) && isDirectory.boolValue)
  }

  @Test func theLinkerReplacesOnlyItsOwnLinks() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    _ = try scratch.write("s.yml", toySpec(configs: 1, seeds: 1))
    #expect(try ToyProcess.run(["run", "s.yml", "-q"], in: scratch.url).status == 0)
    let results = scratch.url.appendingPathComponent("results/toy")
    // The user replaces one link with a folder of their own, and another with a link elsewhere.
    let report = results.appendingPathComponent("report")
    try FileManager.default.removeItem(at: report)
    try FileManager.default.createDirectory(at: report, withIntermediateDirectories: true)
    try Data("mine\n".utf8).write(to: report.appendingPathComponent("notes.txt"))
    let load = results.appendingPathComponent("load/dataset=c000")
    try FileManager.default.removeItem(at: load)
    try FileManager.default.createSymbolicLink(atPath: load.path, withDestinationPath: scratch.url.path)
    // A change of params makes every stage's artifact new: the linker wants to relink all.
    let rerun = try ToyProcess.run(["run", "s.yml", "-q", "--set", "dataset.scale=7"], in: scratch.url)
    #expect(rerun.status == 0)
    #expect(try String(contentsOf: report.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine\n")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: load.path) == scratch.url.path)
    #expect(rerun.err.contains("not a link sdfa made: left alone"))
    // Its own links were moved to the new artifacts.
    let bin = try FileManager.default.destinationOfSymbolicLink(atPath: results.appendingPathComponent("bin/dataset=c000").path)
    #expect(bin.contains("/.sdfa/artifacts/"))
  }

  @Test func twoSpecFilesWithOneNameAreAnErrorNamingBoth() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let a = try scratch.write("a.yml", toySpec(configs: 1, seeds: 1))
    let b = try scratch.write("b.yml", toySpec(configs: 2, seeds: 1))
    #expect(try ToyProcess.run(["run", "a.yml", "-q"], in: scratch.url).status == 0)
    let second = try ToyProcess.run(["run", "b.yml", "-q"], in: scratch.url)
    #expect(second.status == 2)
    #expect(second.err.contains("spec name 'toy'"))
    #expect(second.err.contains(URL(fileURLWithPath: a).resolvingSymlinksInPath().path))
    #expect(second.err.contains(URL(fileURLWithPath: b).resolvingSymlinksInPath().path))
    // b.yml ran nothing: results/toy still holds a.yml's single point.
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("results/toy/load/dataset=c001").path))
    // Moving a.yml away hands the name over (documented in docs/cache.md).
    try FileManager.default.moveItem(atPath: a, toPath: scratch.url.appendingPathComponent("old.yml.bak").path)
    let moved = try ToyProcess.run(["run", "b.yml", "-q"], in: scratch.url)
    #expect(moved.status == 0)
    #expect(moved.err.contains("moves from"))
  }
}
