import Foundation
import Testing

/// `dataset.root` with the built `sdfa`, run from a folder that is not the spec's: a literal
/// relative root is the spec's folder's, one built from `${VAR}` the current folder's; both
/// reach the same cache entry, and a missing folder is named with what the spec said.
@Suite(.serialized) struct DatasetRootCommandTests {
  static let braille = SDFAProcess.packageRoot.appendingPathComponent("../shared/realdata/braille/tutorial5_braille_spiking_data.pkl.gz")
    .standardizedFileURL

  @Test func aRelativeRootIsTheSpecsFromAnotherFolderAndAVariableRootTheCurrentOnes() throws {
    guard FileManager.default.fileExists(atPath: Self.braille.path) else {
      print("skipped: \(Self.braille.path) is absent (the real Braille file of ../shared/realdata)")
      return
    }
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let project = scratch.url.appendingPathComponent("proj"), other = scratch.url.appendingPathComponent("other")
    for folder in [project.appendingPathComponent("data/braille"), other] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    try FileManager.default.copyItem(at: Self.braille, to: project.appendingPathComponent("data/braille/\(Self.braille.lastPathComponent)"))
    #expect(try ProjectTests.run(["init"], in: project).status == 0)
    try scratch.write(Array("name: literal\ndataset:\n  kind: braille\n  root: data/braille\n".utf8), to: "proj/literal.yml")
    try scratch.write(Array("name: variable\ndataset:\n  kind: braille\n  root: ${D}/braille\n".utf8), to: "proj/variable.yml")

    // From a sibling folder: `data/braille` is the spec's, not ../other/data/braille.
    let ran = try ProjectTests.run(["run", "../proj/literal.yml", "--until", "load"], in: other)
    #expect(ran.status == 0, "\(ran.out)\n\(ran.err)")
    // `${D}` is typed relative to the current folder: from other/, D=../proj/data.
    let status = try ProjectTests.run(["status", "../proj/variable.yml", "--until", "load", "--exit-code"], in: other,
                                      environment: ["D": "../proj/data"])
    #expect(status.status == 0, "the same data, the same key: \(status.out)\n\(status.err)")
    // `D=data` is the project's data seen from the project's folder, and nothing from other/.
    let inProject = try ProjectTests.run(["status", "variable.yml", "--until", "load", "--exit-code"], in: project, environment: ["D": "data"])
    #expect(inProject.status == 0, "\(inProject.out)\n\(inProject.err)")
    let missing = try ProjectTests.run(["run", "../proj/variable.yml", "--until", "load"], in: other, environment: ["D": "data"])
    #expect(missing.status != 0)
    let expected = "dataset folder '\(other.standardizedFileURL.path)/data/braille' does not exist ('data/braille' at ../proj/variable.yml:4:9, "
      + "relative to the current folder, as it was built from ${…}, a variable set in the shell)"
    #expect((missing.out + missing.err).contains(expected), "\(missing.out)\n\(missing.err)")
  }

  @Test func aMissingRootSaysWhatTheSpecWroteAndWhereThatLed() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array("name: m\ndataset:\n  kind: nmnist\n  root: nothing/nmnist\n".utf8), to: "proj/m.yml")
    try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("other"), withIntermediateDirectories: true)
    let result = try ProjectTests.run(["run", "../proj/m.yml", "--until", "load"], in: scratch.url.appendingPathComponent("other"))
    #expect(result.status != 0)
    let text = result.out + result.err
    let resolved = scratch.url.standardizedFileURL.appendingPathComponent("proj/nothing/nmnist").path
    #expect(text.contains("dataset folder '\(resolved)' does not exist ('nothing/nmnist' at ../proj/m.yml:4:9, relative to the folder of ../proj/m.yml, the file that wrote it)"),
            "\(text)")
  }
}
