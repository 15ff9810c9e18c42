import Foundation
import Pipeline
import Stages
import Testing

/// The technology presets compiled into `sdfa`: the same text as `experiments/hardware/`, found
/// from any folder, overridden by a file beside the spec; relative paths follow the spec.
@Suite struct TechnologyPresetTests {
  static let presetFolder = StagesTests.packageRoot.appendingPathComponent("experiments/hardware")

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-presets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func spec(technology: String) -> String {
    """
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 20}
    frames: {T: 3}
    model: {arch: mlp, hidden: [16]}
    train: {method: sdfa, epochs: 1, batch_size: 10}
    hardware: {technology: \(technology)}
    """
  }

  static func technologyValues(_ path: String) throws -> SpecValue? {
    try Spec.load(path, registry: Stages.registry).points.first?.config[path: "hardware.technology_values"]
  }

  @Test func theBuiltInPresetsAreExactlyTheFilesOfExperimentsHardware() throws {
    // Technologies only: a sensitivity study (top-level `knobs:`) lives beside them.
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.presetFolder.path).filter { file in
      guard file.hasSuffix(".yml"),
        let text = try? String(contentsOf: Self.presetFolder.appendingPathComponent(file), encoding: .utf8)
      else { return false }
      return !text.split(separator: "\n").contains { $0.hasPrefix("knobs:") }
    }
    #expect(TechnologyPresets.names == files.map { String($0.dropLast(4)) }.sorted(), "run `make presets`")
    for file in files {
      let text = try String(contentsOf: Self.presetFolder.appendingPathComponent(file), encoding: .utf8)
      #expect(TechnologyPresets.text(String(file.dropLast(4))) == text, "\(file) changed: run `make presets`")
    }
  }

  @Test func aPresetNameWorksWithoutAnyFileAndKeysLikeTheFile() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let builtIn = try StagesTests.write(Self.spec(technology: "rram-32nm"), in: dir)
    let fromBuiltIn = try #require(try Self.technologyValues(builtIn))
    // The same preset as a file, named by a path relative to the spec.
    try FileManager.default.copyItem(at: Self.presetFolder.appendingPathComponent("rram-32nm.yml"), to: dir.appendingPathComponent("copy.yml"))
    let viaPath = try StagesTests.write(Self.spec(technology: "copy.yml"), in: dir, as: "path.yml")
    #expect(try Self.technologyValues(viaPath) == fromBuiltIn)
    #expect(fromBuiltIn[path: "crossbar_rows"] == .number(128))
  }

  @Test func aFileBesideTheSpecOverridesTheBuiltInPreset() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("hardware"), withIntermediateDirectories: true)
    let text = try String(contentsOf: Self.presetFolder.appendingPathComponent("rram-32nm.yml"), encoding: .utf8)
    try text.replacingOccurrences(of: "crossbar_rows: 128", with: "crossbar_rows: 256")
      .write(to: dir.appendingPathComponent("hardware/rram-32nm.yml"), atomically: true, encoding: .utf8)
    let path = try StagesTests.write(Self.spec(technology: "rram-32nm"), in: dir)
    #expect(try Self.technologyValues(path)?[path: "crossbar_rows"] == .number(256))
    let listed = TechnologyPresets.listing(specFolder: dir.path).first { $0.name == "rram-32nm" }
    #expect(listed?.source.hasSuffix("hardware/rram-32nm.yml (overrides the built-in one)") == true)
    #expect(TechnologyPresets.listing(specFolder: dir.path).first { $0.name == "mnsim-like" }?.source == "built in")
  }

  @Test func aRelativeTechnologyPathFollowsTheSpecInASubfolder() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sub = dir.appendingPathComponent("studies/a")
    try FileManager.default.createDirectory(at: sub.appendingPathComponent("tech"), withIntermediateDirectories: true)
    let text = try String(contentsOf: Self.presetFolder.appendingPathComponent("rram-32nm.yml"), encoding: .utf8)
    try text.replacingOccurrences(of: "crossbar_rows: 128", with: "crossbar_rows: 64")
      .write(to: sub.appendingPathComponent("tech/mine.yml"), atomically: true, encoding: .utf8)
    // The current folder (the package) has no tech/mine.yml: only the spec's folder does.
    #expect(!FileManager.default.fileExists(atPath: "tech/mine.yml"))
    let path = try StagesTests.write(Self.spec(technology: "tech/mine.yml"), in: sub)
    #expect(try Self.technologyValues(path)?[path: "crossbar_rows"] == .number(64))
    // Written in an included file of another folder, the path follows that file, as includes do.
    let common = dir.appendingPathComponent("studies/common.yml")
    try "hardware: {technology: a/tech/mine.yml}\n".write(to: common, atomically: true, encoding: .utf8)
    let including = try StagesTests.write(
      "include: ../common.yml\n" + Self.spec(technology: "x").components(separatedBy: "\n").dropLast().joined(separator: "\n"),
      in: sub, as: "including.yml")
    #expect(try Self.technologyValues(including)?[path: "crossbar_rows"] == .number(64))
  }

  @Test func anUnknownNameListsThePresets() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try StagesTests.write(Self.spec(technology: "rram-23nm"), in: dir)
    #expect {
      try Spec.load(path, registry: Stages.registry)
    } throws: { error in
      let text = "\(error)"
      return text.contains("no technology 'rram-23nm'") && text.contains("did you mean 'rram-32nm'?") && text.contains("--list-technologies")
    }
  }
}
